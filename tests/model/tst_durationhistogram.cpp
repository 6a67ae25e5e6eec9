// Log-scale duration buckets on a 1-2-5 series: where a duration lands, and the counts of a set.
#include "model/durationhistogram.h"

#include <QTest>

using namespace Taskscope::Model;

class TestDurationHistogram final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void bucketOfADuration_data();
    void bucketOfADuration();
    void countsKnownDurations_data();
    void countsKnownDurations();
    void nothingGivesNoBuckets();
};

void TestDurationHistogram::bucketOfADuration_data()
{
    QTest::addColumn<qint64>("ns");
    QTest::addColumn<qint64>("low");
    QTest::addColumn<qint64>("high");
    QTest::newRow("zero sits below one nanosecond") << qint64(0) << qint64(0) << qint64(1);
    QTest::newRow("a negative duration counts as zero") << qint64(-5) << qint64(0) << qint64(1);
    QTest::newRow("one nanosecond opens the first decade") << qint64(1) << qint64(1) << qint64(2);
    QTest::newRow("four nanoseconds are in two to five") << qint64(4) << qint64(2) << qint64(5);
    QTest::newRow("exactly one microsecond starts its bucket") << qint64(1000) << qint64(1000) << qint64(2000);
    QTest::newRow("just under one microsecond is in five hundred") << qint64(999) << qint64(500) << qint64(1000);
    QTest::newRow("three milliseconds are in two to five")
        << qint64(3'000'000) << qint64(2'000'000) << qint64(5'000'000);
    QTest::newRow("seven seconds are in five to ten")
        << qint64(7'000'000'000) << qint64(5'000'000'000) << qint64(10'000'000'000);
}

void TestDurationHistogram::bucketOfADuration()
{
    QFETCH(qint64, ns);
    QFETCH(qint64, low);
    QFETCH(qint64, high);
    const int index = DurationHistogram::bucketIndex(ns);
    QCOMPARE(DurationHistogram::bucketLow(index), low);
    QCOMPARE(DurationHistogram::bucketLow(index + 1), high);
}

void TestDurationHistogram::countsKnownDurations_data()
{
    QTest::addColumn<QList<qint64>>("durations");
    QTest::addColumn<QList<qint64>>("lows");
    QTest::addColumn<QList<quint64>>("counts");
    constexpr qint64 Us = 1000;
    constexpr qint64 Ms = 1'000'000;
    QTest::newRow("one duration is one bucket")
        << QList<qint64> {3 * Ms} << QList<qint64> {2 * Ms} << QList<quint64> {1};
    QTest::newRow("equal durations share a bucket")
        << QList<qint64> {Ms, Ms, Ms} << QList<qint64> {Ms} << QList<quint64> {3};
    QTest::newRow("empty buckets between the extremes are kept")
        << QList<qint64> {1500 * Us, 12 * Ms, 1200 * Us} << QList<qint64> {Ms, 2 * Ms, 5 * Ms, 10 * Ms}
        << QList<quint64> {2, 0, 0, 1};
    QTest::newRow("a bimodal set shows both modes")
        << QList<qint64> {10 * Us, 11 * Us, 12 * Us, 25 * Us, 60 * Us, 60 * Us}
        << QList<qint64> {10 * Us, 20 * Us, 50 * Us} << QList<quint64> {3, 1, 2};
}

void TestDurationHistogram::countsKnownDurations()
{
    QFETCH(QList<qint64>, durations);
    QFETCH(QList<qint64>, lows);
    QFETCH(QList<quint64>, counts);
    const std::vector<qint64> values(durations.begin(), durations.end());
    const DurationHistogram h = DurationHistogram::fromDurations(values);
    QCOMPARE(h.total(), quint64(durations.size()));
    QList<qint64> gotLows;
    QList<quint64> gotCounts;
    for (const DurationHistogram::Bucket &b : h.buckets()) {
        gotLows.append(b.lowNs);
        gotCounts.append(b.count);
        QVERIFY(b.highNs > b.lowNs);
    }
    QCOMPARE(gotLows, lows);
    QCOMPARE(gotCounts, counts);
    QCOMPARE(h.maxCount(), *std::max_element(counts.begin(), counts.end()));
}

void TestDurationHistogram::nothingGivesNoBuckets()
{
    const DurationHistogram h = DurationHistogram::fromDurations({});
    QVERIFY(h.isEmpty());
    QVERIFY(h.buckets().empty());
    QCOMPARE(h.maxCount(), quint64(0));
}

QTEST_APPLESS_MAIN(TestDurationHistogram)
#include "tst_durationhistogram.moc"
