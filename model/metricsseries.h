#pragma once

#include <QLatin1StringView>
#include <QList>
#include <QObject>
#include <QString>

#include <vector>

namespace Taskscope::Model {

/// Names of the figures the window charts. The app (and the window itself, for its frame time)
/// adds samples under these names; any other name is accepted and charted under "Other".
namespace MetricNames {
inline constexpr QLatin1StringView PacingLatenessP50 {"pacing.lateness.p50.ms"};
inline constexpr QLatin1StringView PacingLatenessP99 {"pacing.lateness.p99.ms"};
inline constexpr QLatin1StringView PacingLatenessMax {"pacing.lateness.max.ms"};
inline constexpr QLatin1StringView LatencyP50 {"latency.p50.ms"};
inline constexpr QLatin1StringView LatencyP90 {"latency.p90.ms"};
inline constexpr QLatin1StringView LatencyP99 {"latency.p99.ms"};
inline constexpr QLatin1StringView TokensPerSecond {"tokens.per.s"};
inline constexpr QLatin1StringView LiveTasks {"tasks.live"};
inline constexpr QLatin1StringView LiveThreads {"threads.alive"};
inline constexpr QLatin1StringView LiveCoroutines {"coroutines.alive"};
inline constexpr QLatin1StringView RunningCoroutines {"coroutines.running"};
inline constexpr QLatin1StringView UiFrameIntervalMs {"ui.frame.interval.ms"}; ///< time between two frames
inline constexpr QLatin1StringView UiPaintMs {"ui.frame.paint.ms"}; ///< time the timeline paint took
} // namespace MetricNames

/// Time series of figures over a run (one sample per series every few hundred ms), for the charts.
///
/// Bounded: each series keeps its last capacity() samples in a ring and counts the ones dropped.
/// Readers poll revision() so a chart redraws only what changed, at its own rate.
class MetricsSeries final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MetricsSeries)

public:
    struct Sample
    {
        qint64 ns = 0; ///< TraceClock nanoseconds
        double value = 0;
    };
    struct Summary
    {
        quint64 count = 0; ///< samples kept
        double min = 0;
        double max = 0;
        double mean = 0;
        double last = 0;
    };

    static constexpr int DefaultCapacity = 3600;
    static constexpr int MaxSeries = 256;

    explicit MetricsSeries(QObject *parent = nullptr);

    /// Appends a sample. Samples older than the series' last one are dropped (and counted).
    /// Returns false when the sample was refused (non-finite value, too many series, out of order).
    bool add(const QString &name, qint64 ns, double value);
    void clear();
    /// Drops every sample older than `ns` (counted in droppedSamples()): the trace they describe
    /// was let go. Returns how many went.
    quint64 dropBefore(qint64 ns);

    QStringList names() const;
    bool contains(const QString &name) const { return indexOf(name) >= 0; }
    /// Samples of a series with ns >= fromNs, oldest first.
    QList<Sample> samples(const QString &name, qint64 fromNs = std::numeric_limits<qint64>::min()) const;
    Summary summary(const QString &name) const;
    /// Bumped by every accepted sample.
    quint64 revision() const { return m_revision; }
    quint64 revision(const QString &name) const;
    quint64 droppedSamples() const { return m_dropped; }

    void setCapacity(int samplesPerSeries);
    int capacity() const { return m_capacity; }

Q_SIGNALS:
    void seriesAdded(const QString &name);

private:
    struct Series
    {
        QString name;
        std::vector<Sample> ring;
        std::size_t head = 0; ///< index of the oldest sample when the ring is full
        quint64 revision = 0;
        qint64 lastNs = std::numeric_limits<qint64>::min();
    };
    int indexOf(const QString &name) const;
    template<typename Visit>
    static void forEach(const Series &series, Visit visit);

    std::vector<Series> m_series;
    int m_capacity = DefaultCapacity;
    quint64 m_revision = 0;
    quint64 m_dropped = 0;
};

} // namespace Taskscope::Model
