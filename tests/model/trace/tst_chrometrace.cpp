#include "model/trace/chrometracereader.h"
#include "model/trace/chrometracewriter.h"
#include "model/trace/tracenames.h"
#include "model/trace/tracestore.h"

#include <QBuffer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <limits>

using namespace Taskscope::Trace;

namespace {

constexpr qint64 Min = std::numeric_limits<qint64>::min() / 4;
constexpr qint64 Max = std::numeric_limits<qint64>::max() / 4;

LaneInfo lane(LaneId id, LaneKind kind, const char *name, const char *group = "")
{
    LaneInfo info;
    info.id = id;
    info.kind = kind;
    info.name = TraceNames::intern(name);
    info.group = TraceNames::intern(group);
    return info;
}

// A small store with every kind of data, at nanosecond-precise times.
void fill(TraceStore &store)
{
    store.setLane(lane(1, LaneKind::Thread, "UI thread"));
    store.setLane(lane(2, LaneKind::Thread, "audio \"worker\" 1"));
    store.setLane(lane(3, LaneKind::Stream, "stream 1"));
    store.setLane(lane(4, LaneKind::Coroutine, "live #1", "live"));
    const NameId connect = TraceNames::intern(u"connect"), send = TraceNames::intern(u"send chunk");
    store.addSpan(2, 1'000'001, 2'000'002, connect);
    store.addSpan(2, 1'500'003, 1'600'004, send, SpanKind::Span, 0, 640);
    store.addSpan(3, 3'000'000, 3'000'007, send);
    store.addInstant(3, 3'500'001, TraceNames::intern(u"transcript"), 3);
    store.addCounter(3, TraceNames::intern(u"bytes in flight"), 3'600'000, 640);
    store.addCounter(3, TraceNames::intern(u"bytes in flight"), 3'700'000, 1280.5);
    store.setCoroutineState(4, 1, 4'000'000, CoroutineState::Running, 0);
    store.setCoroutineState(4, NoLane, 4'100'000, CoroutineState::Suspended, TraceNames::intern(u"timer 20 ms"));
    store.setCoroutineState(4, NoLane, 4'120'000, CoroutineState::Ready, TraceNames::intern(u"timer 20 ms"));
    store.setCoroutineState(4, 1, 4'125'000, CoroutineState::Running, 0);
    store.setCoroutineState(4, NoLane, 4'200'000, CoroutineState::Finished, 0);
    store.addFlow(StoredFlow {1'550'000, 3'500'001, 2, 3, send, 0, 77});
    store.setAlert(1, 5, TraceNames::intern(u"long dispatch"), 5'000'000, 5'400'000);
}

struct Summary
{
    QMap<QString, QString> laneKinds; // name -> kind
    QList<QPair<qint64, qint64>> spans; // thread/stream spans
    QList<int> segmentKinds;
    int mirrors = 0;
    int instants = 0;
    int counterSamples = 0;
    int flows = 0;
    int alerts = 0;
};

Summary summarize(const TraceStore &store)
{
    Summary s;
    for (const LaneInfo &info : store.lanes()) {
        s.laneKinds.insert(TraceNames::name(info.name), QString::number(int(info.kind)));
        store.forEachSpan(info.id, Min, Max, [&](int depth, const StoredSpan &span) {
            if (info.kind == LaneKind::Coroutine && depth == 0)
                s.segmentKinds.append(int(span.kind));
            else if (span.kind == SpanKind::ThreadRunsCoroutine)
                ++s.mirrors;
            else
                s.spans.append(qMakePair(span.startNs, span.endNs));
        });
        store.forEachInstant(info.id, [&](const StoredInstant &) { ++s.instants; });
        store.forEachCounterSample(info.id, [&](NameId, const CounterSample &) { ++s.counterSamples; });
    }
    store.forEachFlow([&](const StoredFlow &) { ++s.flows; });
    s.alerts = int(store.alertBands().size());
    std::sort(s.spans.begin(), s.spans.end());
    return s;
}

} // namespace

class TestChromeTrace : public QObject
{
    Q_OBJECT

private slots:
    void exportFollowsThePerfettoRules();
    void exportThenImportKeepsEverything();
    void importsAnotherToolsTrace();
    void hostileInputIsRefusedClearly_data();
    void hostileInputIsRefusedClearly();
    void hugeTidsAreRemappedNotAllocated();
};

void TestChromeTrace::exportFollowsThePerfettoRules()
{
    TraceStore store;
    fill(store);
    const QByteArray json = ChromeTraceWriter::toJson(store);
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    const QJsonArray events = document.object().value(QLatin1StringView("traceEvents")).toArray();
    QVERIFY(events.size() > 10);
    QHash<QString, int> asyncBalance;
    for (const QJsonValue &value : events) {
        const QJsonObject e = value.toObject();
        const QString ph = e.value(QLatin1StringView("ph")).toString();
        QCOMPARE(ph.size(), 1);
        QVERIFY(e.value(QLatin1StringView("pid")).isDouble());
        QVERIFY(e.value(QLatin1StringView("tid")).isDouble());
        QVERIFY(e.value(QLatin1StringView("tid")).toDouble() < 4294967296.0);
        QVERIFY(e.value(QLatin1StringView("tid")).toDouble() >= 0);
        if (ph != QLatin1StringView("M"))
            QVERIFY2(e.value(QLatin1StringView("ts")).isDouble(), qPrintable(QJsonDocument(e).toJson()));
        if (ph == QLatin1StringView("X"))
            QVERIFY(e.value(QLatin1StringView("dur")).isDouble());
        if (ph == QLatin1StringView("C"))
            QVERIFY(!e.value(QLatin1StringView("args")).toObject().isEmpty());
        if (ph == QLatin1StringView("b") || ph == QLatin1StringView("e")) {
            QVERIFY(e.value(QLatin1StringView("id")).isDouble());
            const QString key = e.value(QLatin1StringView("cat")).toString() + QLatin1Char('/')
                + QString::number(e.value(QLatin1StringView("id")).toInteger());
            asyncBalance[key] += ph == QLatin1StringView("b") ? 1 : -1;
            QVERIFY(asyncBalance[key] >= 0);
        }
        if (ph == QLatin1StringView("s") || ph == QLatin1StringView("f"))
            QVERIFY(e.value(QLatin1StringView("id")).isDouble());
    }
    for (auto it = asyncBalance.cbegin(); it != asyncBalance.cend(); ++it)
        QVERIFY2(it.value() == 0, qPrintable(it.key()));
    // Nanosecond precision: three decimals of microseconds.
    QVERIFY(json.contains("\"ts\":1000.001"));
    QVERIFY(json.contains("\"dur\":1000.001"));
    QVERIFY(json.contains("audio \\\"worker\\\" 1"));
}

void TestChromeTrace::exportThenImportKeepsEverything()
{
    TraceStore original;
    fill(original);
    const QByteArray json = ChromeTraceWriter::toJson(original);

    TraceStore imported;
    const ChromeTraceReader::Result result = ChromeTraceReader::read(json, imported);
    QVERIFY2(result.ok, qPrintable(result.error));

    const Summary a = summarize(original);
    const Summary b = summarize(imported);
    QCOMPARE(imported.lanes().size(), original.lanes().size());
    QCOMPARE(b.laneKinds, a.laneKinds);
    for (const LaneInfo &info : imported.lanes()) {
        if (info.kind == LaneKind::Coroutine)
            QCOMPARE(TraceNames::name(info.group), QStringLiteral("live"));
    }
    QCOMPARE(b.spans, a.spans);
    QCOMPARE(b.segmentKinds, a.segmentKinds);
    QCOMPARE(b.mirrors, a.mirrors);
    QCOMPARE(b.instants, a.instants);
    QCOMPARE(b.counterSamples, a.counterSamples);
    QCOMPARE(b.flows, a.flows);
    QCOMPARE(b.alerts, a.alerts);
    QCOMPARE(imported.alertBands()[0].endNs - imported.alertBands()[0].startNs, qint64(400'000));

    // And a second round trip is stable byte for byte in its events.
    TraceStore again;
    QVERIFY(ChromeTraceReader::read(ChromeTraceWriter::toJson(imported), again).ok);
    QCOMPARE(summarize(again).spans, b.spans);
}

void TestChromeTrace::importsAnotherToolsTrace()
{
    // A minimal trace in the Chrome Trace Event format: B/E, X, i, C, async and flows.
    const QByteArray json = R"([
        {"name":"thread_name","ph":"M","pid":1,"tid":2,"args":{"name":"AudioWorker"}},
        {"name":"decodeChunk","cat":"audio","ph":"X","ts":1000.0,"dur":850.25,"pid":1,"tid":2},
        {"name":"resample","cat":"audio","ph":"X","ts":1100.5,"dur":300,"pid":1,"tid":2},
        {"name":"audio_buffer","ph":"C","ts":1850.25,"pid":1,"tid":2,"args":{"fill":512,"underruns":0}},
        {"name":"httpGet","cat":"net","ph":"B","ts":2200,"pid":1,"tid":3},
        {"name":"httpGet","cat":"net","ph":"E","ts":4900,"pid":1,"tid":3},
        {"name":"fetch","cat":"rpc","ph":"b","id":"0x11","ts":2000,"pid":1,"tid":1},
        {"name":"fetch","cat":"rpc","ph":"e","id":"0x11","ts":5300,"pid":1,"tid":3},
        {"name":"resume","cat":"f","ph":"s","id":17,"ts":2090,"pid":1,"tid":2},
        {"name":"resume","cat":"f","ph":"f","bp":"e","id":17,"ts":4000,"pid":1,"tid":3},
        {"name":"stall","ph":"i","s":"t","ts":6000,"pid":1,"tid":1},
        {"name":"unknown phase","ph":"Z","ts":1,"pid":1,"tid":1},
        {}
    ])";
    TraceStore store;
    const ChromeTraceReader::Result result = ChromeTraceReader::read(json, store);
    QVERIFY2(result.ok, qPrintable(result.error));
    QCOMPARE(result.skipped, qint64(1));
    const Summary s = summarize(store);
    QVERIFY(s.laneKinds.contains(QStringLiteral("AudioWorker")));
    QCOMPARE(s.spans.size(), 4); // decode, resample, httpGet, fetch
    QVERIFY(s.spans.contains(qMakePair(qint64(1'000'000), qint64(1'850'250))));
    QCOMPARE(s.counterSamples, 2);
    QCOMPARE(s.flows, 1);
    QCOMPARE(s.instants, 1);
}

void TestChromeTrace::hostileInputIsRefusedClearly_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("not json") << QByteArray("this is not json") << QStringLiteral("not valid JSON");
    QTest::newRow("empty file") << QByteArray() << QStringLiteral("not valid JSON");
    QTest::newRow("a bare number") << QByteArray("42") << QStringLiteral("not valid JSON");
    QTest::newRow("object without traceEvents") << QByteArray(R"({"events":[]})") << QStringLiteral("traceEvents");
    QTest::newRow("traceEvents not an array") << QByteArray(R"({"traceEvents":{}})") << QStringLiteral("traceEvents");
    QTest::newRow("event not an object") << QByteArray("[1,2,3]") << QStringLiteral("event 0 is not an object");
    QTest::newRow("deep nesting") << QByteArray(100'000, '[') << QStringLiteral("nesting deeper");
    QTest::newRow("missing ph") << QByteArray(R"([{"ts":1}])") << QStringLiteral("'ph'");
    QTest::newRow("long ph") << QByteArray(R"([{"ph":"XX","ts":1}])") << QStringLiteral("'ph'");
    QTest::newRow("ph not a string") << QByteArray(R"([{"ph":5,"ts":1}])") << QStringLiteral("'ph'");
    QTest::newRow("ts missing") << QByteArray(R"([{"ph":"i","pid":1,"tid":1}])") << QStringLiteral("'ts' is missing");
    QTest::newRow("ts not numeric") << QByteArray(R"([{"ph":"i","ts":"soon"}])")
                                    << QStringLiteral("'ts' is not a number");
    QTest::newRow("ts an object") << QByteArray(R"([{"ph":"i","ts":{}}])") << QStringLiteral("'ts' is not a number");
    QTest::newRow("ts astronomically large")
        << QByteArray(R"([{"ph":"i","ts":1e300}])") << QStringLiteral("out of range");
    QTest::newRow("X without dur") << QByteArray(R"([{"ph":"X","ts":1,"pid":1,"tid":1}])")
                                   << QStringLiteral("'dur' is missing");
    QTest::newRow("negative dur") << QByteArray(R"([{"ph":"X","ts":1,"dur":-5}])") << QStringLiteral("negative");
    QTest::newRow("name not a string") << QByteArray(R"([{"ph":"i","ts":1,"name":7}])") << QStringLiteral("'name'");
    QTest::newRow("args an array") << QByteArray(R"([{"ph":"i","ts":1,"args":[1]}])") << QStringLiteral("'args'");
    QTest::newRow("tid a list") << QByteArray(R"([{"ph":"i","ts":1,"tid":[1]}])") << QStringLiteral("'tid'");
    QTest::newRow("async without id") << QByteArray(R"([{"ph":"b","ts":1,"cat":"x"}])")
                                      << QStringLiteral("without 'id'");
    QTest::newRow("flow without id") << QByteArray(R"([{"ph":"s","ts":1}])") << QStringLiteral("without 'id'");
    QTest::newRow("id an object") << QByteArray(R"([{"ph":"b","ts":1,"id":{}}])") << QStringLiteral("'id'");
    QTest::newRow("id astronomically large")
        << QByteArray(R"([{"ph":"b","ts":1,"cat":"x","id":1e300}])") << QStringLiteral("'id' is out of range");
    QTest::newRow("ts + dur past the largest time")
        << QByteArray(R"([{"ph":"X","ts":8.9e15,"dur":8.9e15,"pid":1,"tid":1}])")
        << QStringLiteral("'ts' + 'dur' is out of range");
}

void TestChromeTrace::hostileInputIsRefusedClearly()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, mentions);
    TraceStore store;
    const ChromeTraceReader::Result result = ChromeTraceReader::read(json, store);
    QVERIFY(!result.ok);
    QVERIFY2(result.error.contains(mentions), qPrintable(result.error));
}

void TestChromeTrace::hugeTidsAreRemappedNotAllocated()
{
    const QByteArray json = R"([{"ph":"X","ts":1,"dur":2,"pid":4000000000,"tid":4294967295},
                                {"ph":"X","ts":1,"dur":2,"pid":1,"tid":-3}])";
    TraceStore store;
    const ChromeTraceReader::Result result = ChromeTraceReader::read(json, store);
    QVERIFY2(result.ok, qPrintable(result.error));
    QCOMPARE(store.lanes().size(), 2);
    for (const LaneInfo &info : store.lanes())
        QVERIFY(info.id <= 2);

    ChromeTraceReader::Limits limits;
    limits.maxBytes = 64;
    QVERIFY(!ChromeTraceReader::read(QByteArray(200, ' '), store, limits).ok);
    limits = ChromeTraceReader::Limits();
    limits.maxLanes = 1;
    TraceStore capped;
    const ChromeTraceReader::Result tooMany = ChromeTraceReader::read(json, capped, limits);
    QVERIFY(!tooMany.ok);
    QVERIFY(tooMany.error.contains(QStringLiteral("lanes")));

    // An async track takes a lane of its own beside its thread's: the same cap holds for it.
    const QByteArray async = R"([{"ph":"b","cat":"x","id":1,"ts":1,"pid":1,"tid":1,"name":"a"},
                                 {"ph":"e","cat":"x","id":1,"ts":2,"pid":1,"tid":1,"name":"a"}])";
    TraceStore asyncCapped;
    const ChromeTraceReader::Result asyncTooMany = ChromeTraceReader::read(async, asyncCapped, limits);
    QVERIFY(!asyncTooMany.ok);
    QVERIFY(asyncTooMany.error.contains(QStringLiteral("lanes")));
    limits.maxLanes = 2;
    TraceStore asyncFits;
    const ChromeTraceReader::Result fits = ChromeTraceReader::read(async, asyncFits, limits);
    QVERIFY2(fits.ok, qPrintable(fits.error));
    QCOMPARE(fits.lanes, 2);
}

QTEST_APPLESS_MAIN(TestChromeTrace)
#include "tst_chrometrace.moc"
