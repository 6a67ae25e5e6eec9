// The figures a table row shows, taken from a workload's statistics: empty histograms give no
// figure (null in the report), the latency shown is the request latency when there is any and the
// transcript latency otherwise, first-token times are a median over the streams that had one,
// failed streams are counted, and a kind without its own rate gets requests over wall time.
#include "app/scenario/workloadsummary.h"
#include "workers/workloads/workloadstatistics.h"

#include <QtTest>

using Taskscope::Scenarios::WorkloadSummary;
using Taskscope::Workloads::StreamResult;
using Taskscope::Workloads::WorkloadStatistics;

namespace {

constexpr qint64 Ms = 1'000'000;

StreamResult stream(StreamResult::State state, double durationS, qint64 firstTokenNs = -1)
{
    StreamResult s;
    s.state = state;
    s.figures.durationS = durationS;
    s.figures.timeToFirstTokenNs = firstTokenNs;
    return s;
}

} // namespace

class TestWorkloadSummary : public QObject
{
    Q_OBJECT

private slots:
    void nothingMeasuredGivesNoFigures();
    void countsStreamsAndTheirSeconds();
    void requestLatencyWinsOverTranscriptLatency();
    void firstTokenIsTheMedianOverStreamsThatHadOne();
    void requestRate_data();
    void requestRate();
};

void TestWorkloadSummary::nothingMeasuredGivesNoFigures()
{
    const WorkloadSummary s = WorkloadSummary::of(WorkloadStatistics(), 2.0);
    QCOMPARE(s.streams, 0);
    QVERIFY(!s.latenessP99Ms);
    QVERIFY(!s.latencyP50Ms);
    QCOMPARE(s.latencyKind, WorkloadSummary::LatencyKind::None);
    QVERIFY(!s.tokensPerSecond);
    QVERIFY(!s.requestsPerSecond);
    const QJsonObject o = s.toJson();
    QVERIFY(o.value(QStringLiteral("latenessP99Ms")).isNull());
    QVERIFY(o.value(QStringLiteral("tokensPerSecond")).isNull());
    QCOMPARE(o.value(QStringLiteral("latencyKind")).toString(), QString());
    QCOMPARE(o.size(), 24);
}

void TestWorkloadSummary::countsStreamsAndTheirSeconds()
{
    WorkloadStatistics statistics;
    statistics.streams = {stream(StreamResult::State::Finished, 1.5), stream(StreamResult::State::Failed, 0.5),
                          stream(StreamResult::State::Finished, 2.0)};
    WorkloadSummary s = WorkloadSummary::of(statistics, 10.0);
    QCOMPARE(s.streams, 3);
    QCOMPARE(s.ok, 2);
    QCOMPARE(s.failed, 1);
    QCOMPARE(s.streamSeconds, 4.0);
    // Streams that did not say how long they ran count the workload's wall time each.
    statistics.streams = {stream(StreamResult::State::Finished, 0), stream(StreamResult::State::Finished, 0)};
    s = WorkloadSummary::of(statistics, 3.0);
    QCOMPARE(s.streamSeconds, 6.0);
}

void TestWorkloadSummary::requestLatencyWinsOverTranscriptLatency()
{
    WorkloadStatistics statistics;
    statistics.aggregate.transcriptLatency.record(300 * Ms);
    WorkloadSummary s = WorkloadSummary::of(statistics, 1.0);
    QCOMPARE(s.latencyKind, WorkloadSummary::LatencyKind::Transcript);
    QVERIFY(s.latencyP50Ms && std::abs(*s.latencyP50Ms - 300) < 300 * 0.01);
    QCOMPARE(s.toJson().value(QStringLiteral("latencyKind")).toString(), QStringLiteral("transcript"));
    statistics.aggregate.requestLatency.record(20 * Ms);
    s = WorkloadSummary::of(statistics, 1.0);
    QCOMPARE(s.latencyKind, WorkloadSummary::LatencyKind::Request);
    QVERIFY(s.latencyP50Ms && std::abs(*s.latencyP50Ms - 20) < 20 * 0.01);
    QCOMPARE(s.toJson().value(QStringLiteral("latencyKind")).toString(), QStringLiteral("request"));
}

void TestWorkloadSummary::firstTokenIsTheMedianOverStreamsThatHadOne()
{
    WorkloadStatistics statistics;
    statistics.streams = {stream(StreamResult::State::Finished, 1, 10 * Ms),
                          stream(StreamResult::State::Finished, 1, -1),
                          stream(StreamResult::State::Finished, 1, 30 * Ms)};
    statistics.aggregate.tokens = 12;
    statistics.tokensPerSecond = 40.0;
    const WorkloadSummary s = WorkloadSummary::of(statistics, 1.0);
    QCOMPARE(s.timeToFirstTokenP50Ms, std::optional<double>(20.0));
    QVERIFY(!s.timeToFirstAudioP50Ms);
    QCOMPARE(s.tokens, qint64(12));
    QCOMPARE(s.tokensPerSecond, std::optional<double>(40.0));
    // Tokens mean a chat: no request rate is made up from them.
    QVERIFY(!s.requestsPerSecond);
}

void TestWorkloadSummary::requestRate_data()
{
    QTest::addColumn<qint64>("requests");
    QTest::addColumn<double>("wallS");
    QTest::addColumn<double>("ownRate"); // < 0: the kind reports none
    QTest::addColumn<double>("expected"); // < 0: no figure
    QTest::newRow("the kind's own rate") << qint64(100) << 4.0 << 80.0 << 80.0;
    QTest::newRow("requests over wall time") << qint64(100) << 4.0 << -1.0 << 25.0;
    QTest::newRow("no requests, no rate") << qint64(0) << 4.0 << -1.0 << -1.0;
    QTest::newRow("no wall time, no rate") << qint64(100) << 0.0 << -1.0 << -1.0;
}

void TestWorkloadSummary::requestRate()
{
    QFETCH(qint64, requests);
    QFETCH(double, wallS);
    QFETCH(double, ownRate);
    QFETCH(double, expected);
    WorkloadStatistics statistics;
    statistics.aggregate.requests = requests;
    if (ownRate >= 0)
        statistics.requestsPerSecond = ownRate;
    const WorkloadSummary s = WorkloadSummary::of(statistics, wallS);
    QCOMPARE(s.requests, requests);
    if (expected < 0) {
        QVERIFY(!s.requestsPerSecond);
        QVERIFY(s.toJson().value(QStringLiteral("requestsPerSecond")).isNull());
    } else {
        QCOMPARE(s.requestsPerSecond, std::optional<double>(expected));
    }
}

QTEST_GUILESS_MAIN(TestWorkloadSummary)
#include "tst_workloadsummary.moc"
