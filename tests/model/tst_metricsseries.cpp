// Figures over time for the charts: bounded rings, revisions, summaries, bad samples refused.
#include "model/metricsseries.h"

#include <QSignalSpy>
#include <QTest>

#include <cmath>

using namespace Taskscope::Model;

class TestMetricsSeries final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void addsAndReadsInOrder();
    void ringKeepsTheNewest();
    void refusesBadSamples_data();
    void refusesBadSamples();
    void summaries();
    void revisionsTellWhatChanged();
    void shrinkingAndGrowingCapacityKeepsOrder();
    void seriesAreBounded();
};

void TestMetricsSeries::addsAndReadsInOrder()
{
    MetricsSeries m;
    QSignalSpy added(&m, &MetricsSeries::seriesAdded);
    QVERIFY(m.add(MetricNames::LatencyP99, 10, 4.0));
    QVERIFY(m.add(MetricNames::LatencyP99, 20, 5.0));
    QVERIFY(m.add(MetricNames::TokensPerSecond, 20, 80.0));
    QCOMPARE(added.count(), 2);
    QCOMPARE(m.names(), (QStringList {QString(MetricNames::LatencyP99), QString(MetricNames::TokensPerSecond)}));
    const auto samples = m.samples(MetricNames::LatencyP99);
    QCOMPARE(samples.size(), 2);
    QCOMPARE(samples[0].ns, 10);
    QCOMPARE(samples[1].value, 5.0);
    QCOMPARE(m.samples(MetricNames::LatencyP99, 15).size(), 1);
    QVERIFY(m.samples(QStringLiteral("unknown")).isEmpty());
}

void TestMetricsSeries::ringKeepsTheNewest()
{
    MetricsSeries m;
    m.setCapacity(4);
    for (int i = 0; i < 10; ++i)
        m.add(QStringLiteral("x"), i, i);
    const auto samples = m.samples(QStringLiteral("x"));
    QCOMPARE(samples.size(), 4);
    QCOMPARE(samples.first().ns, 6);
    QCOMPARE(samples.last().ns, 9);
    QCOMPARE(m.droppedSamples(), 6ull);
}

void TestMetricsSeries::refusesBadSamples_data()
{
    QTest::addColumn<qint64>("ns");
    QTest::addColumn<double>("value");
    QTest::newRow("not a number") << qint64(100) << std::nan("");
    QTest::newRow("infinite") << qint64(100) << std::numeric_limits<double>::infinity();
    QTest::newRow("older than the last sample") << qint64(5) << 1.0;
}

void TestMetricsSeries::refusesBadSamples()
{
    QFETCH(qint64, ns);
    QFETCH(double, value);
    MetricsSeries m;
    QVERIFY(m.add(QStringLiteral("x"), 10, 1));
    const quint64 revision = m.revision();
    QVERIFY(!m.add(QStringLiteral("x"), ns, value));
    QCOMPARE(m.revision(), revision);
    QCOMPARE(m.droppedSamples(), 1ull);
    QCOMPARE(m.samples(QStringLiteral("x")).size(), 1);
}

void TestMetricsSeries::summaries()
{
    MetricsSeries m;
    for (int i = 1; i <= 4; ++i)
        m.add(QStringLiteral("lateness"), i, double(i));
    const MetricsSeries::Summary s = m.summary(QStringLiteral("lateness"));
    QCOMPARE(s.count, 4ull);
    QCOMPARE(s.min, 1.0);
    QCOMPARE(s.max, 4.0);
    QCOMPARE(s.mean, 2.5);
    QCOMPARE(s.last, 4.0);
    QCOMPARE(m.summary(QStringLiteral("none")).count, 0ull);
}

void TestMetricsSeries::revisionsTellWhatChanged()
{
    MetricsSeries m;
    m.add(QStringLiteral("a"), 1, 1);
    m.add(QStringLiteral("b"), 1, 1);
    const quint64 a = m.revision(QStringLiteral("a"));
    const quint64 b = m.revision(QStringLiteral("b"));
    m.add(QStringLiteral("b"), 2, 2);
    QCOMPARE(m.revision(QStringLiteral("a")), a);
    QVERIFY(m.revision(QStringLiteral("b")) > b);
    QCOMPARE(m.revision(QStringLiteral("none")), 0ull);
}

void TestMetricsSeries::shrinkingAndGrowingCapacityKeepsOrder()
{
    MetricsSeries m;
    m.setCapacity(3);
    for (int i = 0; i < 5; ++i)
        m.add(QStringLiteral("x"), i, i); // ring now wrapped: 2, 3, 4
    m.setCapacity(10);
    m.add(QStringLiteral("x"), 5, 5);
    auto samples = m.samples(QStringLiteral("x"));
    QCOMPARE(samples.size(), 4);
    for (int i = 0; i < samples.size(); ++i)
        QCOMPARE(samples[i].ns, qint64(2 + i));
    m.setCapacity(2);
    samples = m.samples(QStringLiteral("x"));
    QCOMPARE(samples.size(), 2);
    QCOMPARE(samples[0].ns, 4);
    QCOMPARE(samples[1].ns, 5);
}

void TestMetricsSeries::seriesAreBounded()
{
    MetricsSeries m;
    for (int i = 0; i < MetricsSeries::MaxSeries; ++i)
        QVERIFY(m.add(QStringLiteral("s%1").arg(i), 0, 0));
    QVERIFY(!m.add(QStringLiteral("one too many"), 0, 0));
    QCOMPARE(m.names().size(), MetricsSeries::MaxSeries);
}

QTEST_GUILESS_MAIN(TestMetricsSeries)
#include "tst_metricsseries.moc"
