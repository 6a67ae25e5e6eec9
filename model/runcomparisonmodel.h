#pragma once

#include <QAbstractTableModel>
#include <QJsonObject>
#include <QList>

namespace Taskscope::Model {

/// Two runs' figures side by side (e.g. the same scenario in the thread and the coroutine model).
///
/// Each run is a JSON report; every numeric leaf becomes a figure named by its path ("pacing.p99_ms",
/// "streams[0].ttft_ms"), so the model works with any report layout. Figures present in only one
/// run show an empty cell. Bounded to MaxFigures rows.
class RunComparisonModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RunComparisonModel)

public:
    enum Column { FigureColumn, RunAColumn, RunBColumn, ChangeColumn, ColumnCount };
    enum Role {
        ValueARole = Qt::UserRole + 1, ///< double, or invalid when run A lacks the figure
        ValueBRole,
        RatioRole, ///< double B / A, or invalid
        VerdictRole, ///< int: +1 B is better, -1 B is worse, 0 same, unknown or within noise
        NoiseRole, ///< bool: the two values differ by less than one run's noise (see withinNoise)
        LowerIsBetterRole,
        SortRole,
    };
    static constexpr int MaxFigures = 5000;
    static constexpr int MaxArrayItems = 64;

    explicit RunComparisonModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void setRuns(const QString &labelA, const QJsonObject &reportA, const QString &labelB, const QJsonObject &reportB);
    /// Several runs per side ("repeat N times"): each figure shows its median, and with more than
    /// one run on both sides a difference counts only when the two min–max ranges do not overlap
    /// (the tooltip gives the ranges) instead of the single-run noise rule.
    void setRepeatedRuns(const QString &labelA, const QList<QJsonObject> &runsA, const QString &labelB,
                         const QList<QJsonObject> &runsB);
    /// The median (mean of the two middle values for an even count); NaN for none.
    static double median(QList<double> values);
    void clear();
    QString labelA() const { return m_labelA; }
    QString labelB() const { return m_labelB; }
    int figureRow(const QString &figure) const;

    /// Numeric leaves of a report by path (exposed for tests and for the app's own summaries).
    static QList<QPair<QString, double>> flatten(const QJsonObject &report, int maxFigures = MaxFigures);
    /// Whether a smaller value of this figure is better, guessed from its name (latency, lateness,
    /// errors, cpu ... are lower-is-better; rates and throughput higher-is-better).
    static bool lowerIsBetter(const QString &figure);
    /// A figure's name for people: "live-transcription.latencyP50Ms" -> "live-transcription · latency
    /// p50 (ms)", "memoryPerStreamKiB" -> "memory per stream (KiB)".
    static QString displayName(const QString &figure);
    /// Whether a difference is too small to mean anything when each value comes from one run: under
    /// NoiseFraction of the larger value, or under a millisecond for a time in milliseconds.
    static bool withinNoise(const QString &figure, double a, double b);
    static constexpr double NoiseFraction = 0.05;

private:
    struct Row
    {
        QString figure;
        bool hasA = false;
        bool hasB = false;
        double a = 0; ///< median over runsA runs
        double b = 0;
        int runsA = 0;
        int runsB = 0;
        double minA = 0;
        double maxA = 0;
        double minB = 0;
        double maxB = 0;
    };
    static bool rowWithinNoise(const Row &row);
    static QString spreadText(const Row &row);
    QList<Row> m_rows;
    QString m_labelA;
    QString m_labelB;
};

} // namespace Taskscope::Model
