#include "model/latencyhistogram.h"

#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTest>

#include <algorithm>
#include <cmath>

using namespace Taskscope::Model;

class tst_LatencyHistogram final : public QObject
{
    Q_OBJECT

private slots:
    void emptyHistogramReportsNothing();
    void singleValueIsExact();
    void constantDistributionIsExact();
    void smallValuesAreCountedExactly();
    void uniformDistribution();
    void bimodalDistribution();
    void percentilesStayWithinTheDocumentedError_data();
    void percentilesStayWithinTheDocumentedError();
    void mergeEqualsRecordingEverythingInOne();
    void mergeWithEmptyHistograms();
    void extremeAndNegativeValues();
    void memoryFollowsTheSpreadOfValues();
    void bucketsTileTheValueRange();
    void jsonCarriesEveryStatistic();
};

namespace {

// The exact nearest-rank percentile of a sample, to compare against.
quint64 exactPercentile(QList<quint64> sorted, double percent)
{
    if (percent <= 0)
        return sorted.first();
    const auto rank = qsizetype(std::ceil(percent / 100.0 * double(sorted.size())));
    return sorted[std::clamp<qsizetype>(rank, 1, sorted.size()) - 1];
}

bool within(quint64 actual, quint64 expected, double relative)
{
    return std::abs(double(actual) - double(expected)) <= relative * double(expected);
}

} // namespace

void tst_LatencyHistogram::emptyHistogramReportsNothing()
{
    const LatencyHistogram h;
    QVERIFY(h.isEmpty());
    QCOMPARE(h.count(), 0u);
    QCOMPARE(h.min(), 0u);
    QCOMPARE(h.max(), 0u);
    QCOMPARE(h.mean(), 0.0);
    QCOMPARE(h.p99(), 0u);
    QCOMPARE(h.bucketCount(), 0);
    const QJsonObject json = h.toJson();
    QCOMPARE(json.value(QLatin1String("count")).toInteger(), 0);
    QVERIFY(json.value(QLatin1String("p50")).isNull());
    QVERIFY(json.value(QLatin1String("mean")).isNull());
}

void tst_LatencyHistogram::singleValueIsExact()
{
    LatencyHistogram h;
    h.record(123'456'789);
    QCOMPARE(h.count(), 1u);
    for (const double p : {0.0, 1.0, 50.0, 99.9, 100.0})
        QCOMPARE(h.percentile(p), 123'456'789u);
    QCOMPARE(h.mean(), 123456789.0);
}

void tst_LatencyHistogram::constantDistributionIsExact()
{
    LatencyHistogram h;
    for (int i = 0; i < 10000; ++i)
        h.record(20'000'017);
    QCOMPARE(h.count(), 10000u);
    QCOMPARE(h.p50(), 20'000'017u);
    QCOMPARE(h.p999(), 20'000'017u);
    QCOMPARE(h.mean(), 20000017.0);
}

void tst_LatencyHistogram::smallValuesAreCountedExactly()
{
    LatencyHistogram h;
    for (int v = 0; v < 128; ++v)
        h.record(v);
    QCOMPARE(h.p50(), 63u); // rank 64 of 128
    QCOMPARE(h.p90(), 115u); // rank ceil(115.2) = 116
    QCOMPARE(h.p99(), 126u); // rank ceil(126.72) = 127
    QCOMPARE(h.percentile(100), 127u);
    QCOMPARE(h.mean(), 63.5);
}

void tst_LatencyHistogram::uniformDistribution()
{
    LatencyHistogram h;
    QList<quint64> all;
    for (quint64 v = 1; v <= 100'000; ++v) {
        h.record(qint64(v));
        all << v;
    }
    QCOMPARE(h.count(), 100'000u);
    QCOMPARE(h.min(), 1u);
    QCOMPARE(h.max(), 100'000u);
    QCOMPARE(h.mean(), 50000.5);
    for (const double p : {50.0, 90.0, 95.0, 99.0, 99.9}) {
        const quint64 exact = exactPercentile(all, p);
        QVERIFY2(within(h.percentile(p), exact, LatencyHistogram::MaxRelativeError),
                 qPrintable(QStringLiteral("p%1: %2 vs %3").arg(p).arg(h.percentile(p)).arg(exact)));
    }
}

void tst_LatencyHistogram::bimodalDistribution()
{
    // 90 % fast replies around 1 ms, 10 % slow ones around 100 ms (in ns).
    LatencyHistogram h;
    QRandomGenerator random(5);
    QList<quint64> all;
    for (int i = 0; i < 20000; ++i) {
        const quint64 v = i % 10 == 9 ? 100'000'000 + random.bounded(1'000'000) : 1'000'000 + random.bounded(10'000);
        h.record(qint64(v));
        all << v;
    }
    std::sort(all.begin(), all.end());
    QVERIFY(h.p50() < 1'020'000 && h.p50() > 990'000);
    QVERIFY(h.p90() < 2'000'000); // the 90th percentile is still the fast mode
    QVERIFY(h.p95() > 99'000'000);
    for (const double p : {50.0, 90.0, 95.0, 99.0, 99.9})
        QVERIFY(within(h.percentile(p), exactPercentile(all, p), LatencyHistogram::MaxRelativeError));
}

void tst_LatencyHistogram::percentilesStayWithinTheDocumentedError_data()
{
    QTest::addColumn<int>("seed");
    QTest::addColumn<double>("maxValue");
    QTest::newRow("log-uniform ns up to 10 s") << 1 << 1e10;
    QTest::newRow("log-uniform us up to 1 hour") << 2 << 3.6e9;
    QTest::newRow("log-uniform up to 2^62") << 3 << 4.6e18;
}

void tst_LatencyHistogram::percentilesStayWithinTheDocumentedError()
{
    QFETCH(int, seed);
    QFETCH(double, maxValue);
    QRandomGenerator random {quint32(seed)};
    LatencyHistogram h;
    QList<quint64> all;
    for (int i = 0; i < 50000; ++i) {
        const auto v = quint64(std::exp(random.generateDouble() * std::log(maxValue)));
        h.record(qint64(v));
        all << v;
    }
    std::sort(all.begin(), all.end());
    for (double p = 0.5; p < 100; p += 0.5) {
        const quint64 exact = exactPercentile(all, p);
        QVERIFY2(within(h.percentile(p), exact, LatencyHistogram::MaxRelativeError),
                 qPrintable(QStringLiteral("p%1: %2 vs %3").arg(p).arg(h.percentile(p)).arg(exact)));
    }
    QCOMPARE(h.min(), all.first());
    QCOMPARE(h.max(), all.last());
}

void tst_LatencyHistogram::mergeEqualsRecordingEverythingInOne()
{
    LatencyHistogram fast, slow, everything;
    QRandomGenerator random(9);
    for (int i = 0; i < 5000; ++i) {
        const qint64 a = random.bounded(1000, 50'000);
        const qint64 b = random.bounded(10'000'000, 90'000'000);
        fast.record(a);
        slow.record(b);
        everything.record(a);
        everything.record(b);
    }
    LatencyHistogram merged = fast; // the lower range merges the higher one ...
    merged.merge(slow);
    QCOMPARE(merged.toJson(), everything.toJson());
    LatencyHistogram reversed = slow; // ... and the other way round, growing at the front
    reversed.merge(fast);
    QCOMPARE(reversed.toJson(), everything.toJson());
    QCOMPARE(reversed.bucketCount(), everything.bucketCount());
    QCOMPARE(merged.count(), 10000u);
}

void tst_LatencyHistogram::mergeWithEmptyHistograms()
{
    LatencyHistogram a, empty;
    a.record(5);
    a.record(500);
    LatencyHistogram target;
    target.merge(a);
    QCOMPARE(target.toJson(), a.toJson());
    target.merge(empty);
    QCOMPARE(target.toJson(), a.toJson());
    empty.merge(LatencyHistogram());
    QVERIFY(empty.isEmpty());
    target.reset();
    QVERIFY(target.isEmpty());
    QCOMPARE(target.bucketCount(), 0);
}

void tst_LatencyHistogram::extremeAndNegativeValues()
{
    LatencyHistogram h;
    h.record(std::numeric_limits<qint64>::max());
    h.record(0);
    h.record(-42);
    h.recordCount(7, 0); // a zero count records nothing
    QCOMPARE(h.count(), 3u);
    QCOMPARE(h.clampedNegativeCount(), 1u);
    QCOMPARE(h.min(), 0u);
    QCOMPARE(h.max(), quint64(std::numeric_limits<qint64>::max()));
    QCOMPARE(h.percentile(100), quint64(std::numeric_limits<qint64>::max()));
    QVERIFY(within(h.percentile(90), quint64(std::numeric_limits<qint64>::max()), LatencyHistogram::MaxRelativeError));
    QCOMPARE(h.percentile(50), 0u);
    QCOMPARE(h.toJson().value(QLatin1String("clamped_negative")).toInteger(), 1);
    QCOMPARE(h.percentile(std::nan("")), 0u); // NaN percent is treated as 0
}

void tst_LatencyHistogram::memoryFollowsTheSpreadOfValues()
{
    LatencyHistogram narrow; // 1 ms .. 5 ms in ns
    for (qint64 v = 1'000'000; v <= 5'000'000; v += 997)
        narrow.record(v);
    QVERIFY2(narrow.bucketCount() <= 64 * 3 + 1, qPrintable(QString::number(narrow.bucketCount())));
    LatencyHistogram full;
    full.record(0);
    full.record(std::numeric_limits<qint64>::max());
    QVERIFY(full.bucketCount() * qsizetype(sizeof(quint64)) <= 30 * 1024);
}

void tst_LatencyHistogram::bucketsTileTheValueRange()
{
    // Consecutive buckets touch without gaps or overlaps, and each is at most 1/64 of its lower bound.
    for (int index = 0; index < LatencyHistogram::bucketIndex(quint64(1) << 62); ++index) {
        const quint64 low = LatencyHistogram::bucketLowerBound(index);
        const quint64 width = LatencyHistogram::bucketWidth(index);
        QCOMPARE(LatencyHistogram::bucketLowerBound(index + 1), low + width);
        QCOMPARE(LatencyHistogram::bucketIndex(low), index);
        QCOMPARE(LatencyHistogram::bucketIndex(low + width - 1), index);
        if (index >= 128)
            QVERIFY(width * 64 <= low);
        else
            QCOMPARE(width, 1u);
    }
}

void tst_LatencyHistogram::jsonCarriesEveryStatistic()
{
    LatencyHistogram h;
    for (int v = 1; v <= 1000; ++v)
        h.record(v * 1000);
    const QJsonObject json = h.toJson(u"us");
    for (const char *key : {"count", "min", "max", "mean", "p50", "p90", "p95", "p99", "p999", "max_relative_error"})
        QVERIFY2(json.value(QLatin1String(key)).isDouble(), key);
    QCOMPARE(json.value(QLatin1String("unit")).toString(), QString("us"));
    QCOMPARE(json.value(QLatin1String("count")).toInteger(), 1000);
    QCOMPARE(json.value(QLatin1String("max")).toInteger(), 1'000'000);
    QCOMPARE(json.value(QLatin1String("mean")).toDouble(), 500500.0);
    QVERIFY(within(quint64(json.value(QLatin1String("p99")).toInteger()), 990'000, LatencyHistogram::MaxRelativeError));
    QVERIFY(!json.contains(QLatin1String("clamped_negative")));
}

QTEST_GUILESS_MAIN(tst_LatencyHistogram)
#include "tst_latencyhistogram.moc"
