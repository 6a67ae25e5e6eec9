// A workload's statistics as data and as the report's JSON: each workload kind's stream extras
// under their report keys (and nothing of another kind), the stream's own keys, the workload's
// keys with the kind's rates inside "aggregate", and dropStreams() keeping the aggregate and the count.
#include "workers/workloads/workloadstatistics.h"

#include <QJsonArray>
#include <QtTest>

using Taskscope::Workloads::StreamExtras;
using Taskscope::Workloads::StreamResult;
using Taskscope::Workloads::Workload;
using Taskscope::Workloads::WorkloadStatistics;
using namespace Taskscope::Model;

Q_DECLARE_METATYPE(Taskscope::Workloads::StreamExtras)

namespace {

QStringList sortedKeys(const QJsonObject &o)
{
    QStringList keys = o.keys();
    keys.sort();
    return keys;
}

// The keys of a stream's report that are not StreamStatistics' own.
QStringList extraKeys(const StreamExtras &extras)
{
    QJsonObject o;
    extras.insertInto(o);
    return sortedKeys(o);
}

} // namespace

class TestWorkloadStatistics : public QObject
{
    Q_OBJECT

private slots:
    void extrasUseTheirKindsReportKeys_data();
    void extrasUseTheirKindsReportKeys();
    void extrasKeepTheirValues();
    void streamResultAddsItsStateAndError();
    void workloadJsonCarriesTheRatesInTheAggregate();
    void droppingStreamsKeepsTheAggregateAndTheCount();
};

void TestWorkloadStatistics::extrasUseTheirKindsReportKeys_data()
{
    QTest::addColumn<StreamExtras>("extras");
    QTest::addColumn<QStringList>("keys");
    StreamExtras::Command sleep;
    sleep.command = QStringLiteral("sleep");
    sleep.ranOnUiThread = false;
    StreamExtras::Command hash = sleep;
    hash.rounds = 3;
    hash.digest = QStringLiteral("ab");
    StreamExtras::Command io;
    io.status = 200;
    QTest::newRow("no extras yet") << StreamExtras() << QStringList();
    QTest::newRow("a sleep command") << StreamExtras(sleep) << QStringList {"command", "commandMs", "ranOnUiThread"};
    QTest::newRow("a hash command") << StreamExtras(hash)
                                    << QStringList {"command", "commandMs", "digest", "ranOnUiThread", "rounds"};
    QTest::newRow("an I/O wait command") << StreamExtras(io) << QStringList {"command", "commandMs", "status"};
    QTest::newRow("a chat stream") << StreamExtras(StreamExtras::Chat())
                                   << QStringList {"content", "contentBytes", "finishReason", "tokensPerSecond",
                                                   "usageCompletionTokens"};
    QTest::newRow("a burst without errors")
        << StreamExtras(StreamExtras::Burst()) << QStringList {"completed", "concurrency", "requestsPerSecond"};
    QTest::newRow("a burst with an error")
        << StreamExtras(StreamExtras::Burst {10, 2, 4, QStringLiteral("refused")})
        << QStringList {"completed", "concurrency", "firstError", "requestsPerSecond"};
    QTest::newRow("a prerecorded request")
        << StreamExtras(StreamExtras::Prerecorded()) << QStringList {"response", "transcript"};
    QTest::newRow("a live transcription")
        << StreamExtras(StreamExtras::Live()) << QStringList {"connections", "tag", "totalBytes", "transcript"};
    QTest::newRow("a speech stream") << StreamExtras(StreamExtras::Speech()) << QStringList {"audioS", "tag"};
}

void TestWorkloadStatistics::extrasUseTheirKindsReportKeys()
{
    QFETCH(StreamExtras, extras);
    QFETCH(QStringList, keys);
    QCOMPARE(extraKeys(extras), keys);
}

void TestWorkloadStatistics::extrasKeepTheirValues()
{
    StreamExtras::Live live;
    live.transcript = QStringLiteral("hello world");
    live.tag = QStringLiteral("t1");
    live.totalBytes = 64000;
    live.connections = {{0, 32000}, {32000, 100}};
    QJsonObject o;
    StreamExtras(live).insertInto(o);
    QCOMPARE(o.value(QStringLiteral("transcript")).toString(), QStringLiteral("hello world"));
    QCOMPARE(o.value(QStringLiteral("totalBytes")).toInteger(), 64000);
    const QJsonArray connections = o.value(QStringLiteral("connections")).toArray();
    QCOMPARE(connections.size(), 2);
    QCOMPARE(connections.at(1).toObject().value(QStringLiteral("offsetBytes")).toInteger(), 32000);
    QCOMPARE(connections.at(1).toObject().value(QStringLiteral("bytesSent")).toInteger(), 100);

    const StreamExtras chat(StreamExtras::Chat {12.5, -1, QStringLiteral("stop"), QStringLiteral("hi"), 2});
    QVERIFY(chat.part<StreamExtras::Chat>());
    QVERIFY(!chat.part<StreamExtras::Burst>());
    QCOMPARE(chat.part<StreamExtras::Chat>()->tokensPerSecond, 12.5);
    o = {};
    chat.insertInto(o);
    QCOMPARE(o.value(QStringLiteral("usageCompletionTokens")).toInteger(), -1);
    QCOMPARE(o.value(QStringLiteral("finishReason")).toString(), QStringLiteral("stop"));
}

void TestWorkloadStatistics::streamResultAddsItsStateAndError()
{
    StreamResult r;
    r.index = 2;
    r.model = ExecutionModel::Offload;
    r.figures.requests = 5;
    r.extras = StreamExtras::Speech {1.5, QStringLiteral("t")};
    QJsonObject o = r.toJson();
    QCOMPARE(o.value(QStringLiteral("stream")).toInt(), 2);
    QCOMPARE(o.value(QStringLiteral("model")).toString(), QStringLiteral("offload"));
    QCOMPARE(o.value(QStringLiteral("state")).toString(), QStringLiteral("running"));
    QCOMPARE(o.value(QStringLiteral("requests")).toInteger(), 5);
    QCOMPARE(o.value(QStringLiteral("audioS")).toDouble(), 1.5);
    QVERIFY(!o.contains(QStringLiteral("error")));
    r.state = StreamResult::State::Failed;
    r.error = QStringLiteral("refused");
    o = r.toJson();
    QCOMPARE(o.value(QStringLiteral("state")).toString(), QStringLiteral("failed"));
    QCOMPARE(o.value(QStringLiteral("error")).toString(), QStringLiteral("refused"));
    // Every StreamStatistics key is there, plus the stream's own and its extras.
    QCOMPARE(o.size(), r.figures.toJson().size() + 4 + 2);
}

void TestWorkloadStatistics::workloadJsonCarriesTheRatesInTheAggregate()
{
    WorkloadStatistics s;
    s.kind = WorkloadKind::RequestBurst;
    s.model = ExecutionModel::Thread;
    s.state = Workload::State::Finished;
    s.streams.resize(2);
    s.aggregate.requests = 40;
    QJsonObject o = s.toJson();
    QCOMPARE(sortedKeys(o), (QStringList {"aggregate", "model", "state", "streams", "workload"}));
    QCOMPARE(o.value(QStringLiteral("workload")).toString(), QStringLiteral("request-burst"));
    QCOMPARE(o.value(QStringLiteral("state")).toString(), QStringLiteral("finished"));
    QCOMPARE(o.value(QStringLiteral("streams")).toArray().size(), 2);
    QJsonObject aggregate = o.value(QStringLiteral("aggregate")).toObject();
    QCOMPARE(aggregate.value(QStringLiteral("requests")).toInteger(), 40);
    QVERIFY(!aggregate.contains(QStringLiteral("requestsPerSecond")));
    QVERIFY(!aggregate.contains(QStringLiteral("tokensPerSecond")));

    s.requestsPerSecond = 250.0;
    s.state = Workload::State::Failed;
    s.error = QStringLiteral("stream 1: refused");
    o = s.toJson();
    aggregate = o.value(QStringLiteral("aggregate")).toObject();
    QCOMPARE(aggregate.value(QStringLiteral("requestsPerSecond")).toDouble(), 250.0);
    QCOMPARE(o.value(QStringLiteral("error")).toString(), QStringLiteral("stream 1: refused"));
}

void TestWorkloadStatistics::droppingStreamsKeepsTheAggregateAndTheCount()
{
    WorkloadStatistics s;
    s.streams.resize(3);
    s.aggregate.tokens = 9;
    s.tokensPerSecond = 30.0;
    s.dropStreams();
    QVERIFY(s.streams.empty());
    QCOMPARE(s.streamsDropped, std::optional<int>(3));
    s.dropStreams(); // twice: still three were dropped
    QCOMPARE(s.streamsDropped, std::optional<int>(3));
    const QJsonObject o = s.toJson();
    QVERIFY(!o.contains(QStringLiteral("streams")));
    QCOMPARE(o.value(QStringLiteral("streamsDropped")).toInt(), 3);
    QCOMPARE(o.value(QStringLiteral("aggregate")).toObject().value(QStringLiteral("tokens")).toInteger(), 9);
    QCOMPARE(o.value(QStringLiteral("aggregate")).toObject().value(QStringLiteral("tokensPerSecond")).toDouble(), 30.0);
}

QTEST_GUILESS_MAIN(TestWorkloadStatistics)
#include "tst_workloadstatistics.moc"
