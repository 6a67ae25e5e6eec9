#include "model/alertrecord.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace Taskscope::Model;

class TestAlertRecord final : public QObject
{
    Q_OBJECT

private slots:
    void jsonRoundTripKeepsEvidence_data();
    void jsonRoundTripKeepsEvidence();
    void badInputIsRefusedWithAMessage_data();
    void badInputIsRefusedWithAMessage();
    void namesRoundTrip();
    void jsonCapsLongEvidence();
    void sampledStackPastTheFrameTableIsLeftOut();
    void sampledStacksStayUnderTheLineBudget();
    void durationsFormatInReadableUnits();
};

static AlertRecord sampleRecord(AlertVerdict verdict, AlertTier tier, AlertEnd end)
{
    AlertRecord r;
    r.id = 7;
    r.session = QStringLiteral("session-a");
    r.pid = 4242;
    r.verdict = verdict;
    r.tier = tier;
    r.end = end;
    r.startNs = 1'000'000;
    r.detectedNs = 251'000'000;
    r.durationNs = 400'000'000;
    r.startWallMs = 1'700'000'000'000;
    r.heartbeatLatencyNs = 390'000'000;
    r.priorityHeartbeatLatencyNs = 380'000'000;
    r.excludedNs = 5;
    r.dispatch.receiverClass = QStringLiteral("QTimer");
    r.dispatch.objectName = QStringLiteral("refresh");
    r.dispatch.eventType = 1;
    r.dispatch.eventName = QStringLiteral("Timer");
    r.dispatch.depth = 1;
    r.dispatch.startNs = 1'000'000;
    r.dispatch.nestedEvents = 3;
    r.culprit = QStringLiteral("span 'parse' in coroutine 'refresh#1'");
    r.culpritCoroutine = QStringLiteral("refresh#1");
    r.culpritSpans = {QStringLiteral("load"), QStringLiteral("parse")};
    r.sampleCount = 20;
    r.sampleFailures = 1;
    r.sampleRoundTripMedianNs = 40'000;
    AlertStackFrame frame;
    frame.address = 0x401000;
    frame.function = QStringLiteral("burnCpu(int)");
    frame.module = QStringLiteral("/usr/bin/app");
    frame.file = QStringLiteral("/src/app.cpp");
    frame.line = 42;
    frame.count = 19;
    r.topFrames = {frame};
    r.stack = {frame, frame};
    AlertStackFrame own = frame;
    own.count = 0;
    own.ownCode = true;
    AlertStackFrame leaf = own;
    leaf.function = QStringLiteral("memcpy");
    leaf.module = QStringLiteral("/lib/libc.so.6");
    leaf.file.clear();
    leaf.ownCode = false;
    r.sampleFrames = {own, leaf};
    r.sampledStacks = {{{1, 0}, 15}, {{0}, 5}};
    r.samplesNotKept = 2;
    r.uiThread.tid = 4242;
    r.uiThread.state = QStringLiteral("S");
    r.uiThread.wchan = QStringLiteral("futex_wait_queue");
    r.uiThread.syscall = 202;
    r.uiThread.futexAddress = 0x7ffd1000;
    r.uiThread.futexOwnerTid = 4250;
    r.uiThread.futexOwnerName = QStringLiteral("loader");
    r.uiThread.runNs = 10;
    r.uiThread.waitNs = 20;
    r.uiThread.intervalNs = 100;
    r.uiThread.summary = QStringLiteral("waiting on futex 0x7ffd1000");
    AlertWorkerActivity worker;
    worker.lane = QStringLiteral("loader");
    worker.tid = 4250;
    worker.state = QStringLiteral("sleeping");
    worker.coroutine = QStringLiteral("fetch#2");
    worker.spans = {QStringLiteral("hold lock")};
    r.workers = {worker};
    r.budget = QStringLiteral("loading file");
    r.debuggerAttached = true;
    r.notes = {QStringLiteral("a note")};
    return r;
}

void TestAlertRecord::jsonRoundTripKeepsEvidence_data()
{
    QTest::addColumn<int>("verdict");
    QTest::addColumn<int>("tier");
    QTest::addColumn<int>("end");
    QTest::newRow("ongoing long dispatch at hang")
        << int(AlertVerdict::LongDispatch) << int(AlertTier::Hang) << int(AlertEnd::Ongoing);
    QTest::newRow("recovered backlog at severe")
        << int(AlertVerdict::BacklogSaturation) << int(AlertTier::Severe) << int(AlertEnd::Recovered);
    QTest::newRow("modal loop is not a hang")
        << int(AlertVerdict::NestedModalLoop) << int(AlertTier::None) << int(AlertEnd::Recovered);
    QTest::newRow("killed while blocked outside dispatch")
        << int(AlertVerdict::BlockedOutsideDispatch) << int(AlertTier::Critical) << int(AlertEnd::KilledWhileHung);
}

void TestAlertRecord::jsonRoundTripKeepsEvidence()
{
    QFETCH(int, verdict);
    QFETCH(int, tier);
    QFETCH(int, end);
    const AlertRecord original = sampleRecord(AlertVerdict(verdict), AlertTier(tier), AlertEnd(end));
    // Through text, as the journal and reports store it.
    const QByteArray text = QJsonDocument(original.toJson()).toJson(QJsonDocument::Compact);
    AlertRecord back;
    QString error;
    QVERIFY2(AlertRecord::fromJson(QJsonDocument::fromJson(text).object(), &back, &error), qPrintable(error));
    QCOMPARE(back.toJson(), original.toJson());
    QCOMPARE(int(back.verdict), verdict);
    QCOMPARE(int(back.tier), tier);
    QCOMPARE(int(back.end), end);
    QCOMPARE(back.uiThread.futexAddress, quint64(0x7ffd1000));
    QCOMPARE(back.topFrames.value(0).function, QStringLiteral("burnCpu(int)"));
    QCOMPARE(back.workers.value(0).coroutine, QStringLiteral("fetch#2"));
    QCOMPARE(back.culpritSpans, original.culpritSpans);
    // Every sample by distinct stack, for the flame graph.
    QCOMPARE(back.sampledStacks.size(), 2);
    QCOMPARE(back.sampledStacks[0].frames, (QList<int> {1, 0}));
    QCOMPARE(back.sampledStacks[0].samples, 15);
    QVERIFY(back.sampleFrames[0].ownCode);
    QVERIFY(!back.sampleFrames[1].ownCode);
    QCOMPARE(back.samplesNotKept, 2);
}

void TestAlertRecord::sampledStackPastTheFrameTableIsLeftOut()
{
    AlertRecord r = sampleRecord(AlertVerdict::LongDispatch, AlertTier::Hang, AlertEnd::Recovered);
    QJsonObject json = r.toJson();
    QJsonArray stacks = json.value(u"sampledStacks").toArray();
    stacks.append(QJsonObject {{QStringLiteral("frames"), QJsonArray {0, 9}}, {QStringLiteral("samples"), 3}});
    stacks.append(QJsonObject {{QStringLiteral("frames"), QJsonArray {-1}}, {QStringLiteral("samples"), 3}});
    stacks.append(QJsonObject {{QStringLiteral("frames"), QJsonArray {0}}, {QStringLiteral("samples"), 0}});
    json.insert(u"sampledStacks", stacks);
    AlertRecord back;
    QVERIFY(AlertRecord::fromJson(json, &back));
    QCOMPARE(back.sampledStacks.size(), 2);
}

void TestAlertRecord::badInputIsRefusedWithAMessage_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::newRow("empty object") << QByteArray("{}");
    QTest::newRow("unknown verdict") << QByteArray(R"({"id":1,"verdict":"sleepy","startNs":0})");
    QTest::newRow("unknown tier") << QByteArray(R"({"id":1,"verdict":"long-dispatch","tier":"meh","startNs":0})");
    QTest::newRow("negative id") << QByteArray(R"({"id":-4,"verdict":"long-dispatch","startNs":0})");
    QTest::newRow("unknown end") << QByteArray(R"({"id":1,"verdict":"long-dispatch","end":"later","startNs":0})");
}

void TestAlertRecord::badInputIsRefusedWithAMessage()
{
    QFETCH(QByteArray, json);
    AlertRecord record;
    record.id = 99;
    QString error;
    QVERIFY(!AlertRecord::fromJson(QJsonDocument::fromJson(json).object(), &record, &error));
    QVERIFY(!error.isEmpty());
    QCOMPARE(record.id, 99u); // untouched
}

void TestAlertRecord::namesRoundTrip()
{
    for (int v = 0; v < 4; ++v) {
        AlertVerdict parsed;
        QVERIFY(AlertRecord::verdictFromKey(AlertRecord::verdictKey(AlertVerdict(v)), &parsed));
        QCOMPARE(int(parsed), v);
    }
    for (int t = 0; t < 5; ++t) {
        AlertTier parsed;
        QVERIFY(AlertRecord::tierFromName(AlertRecord::tierName(AlertTier(t)), &parsed));
        QCOMPARE(int(parsed), t);
    }
    for (int e = 0; e < 4; ++e) {
        AlertEnd parsed;
        QVERIFY(AlertRecord::endFromName(AlertRecord::endName(AlertEnd(e)), &parsed));
        QCOMPARE(int(parsed), e);
    }
}

void TestAlertRecord::jsonCapsLongEvidence()
{
    AlertRecord r = sampleRecord(AlertVerdict::LongDispatch, AlertTier::Hang, AlertEnd::Ongoing);
    r.culprit = QString(5000, u'x');
    for (int i = 0; i < 100; ++i)
        r.stack.append(r.stack.first());
    const QJsonObject json = r.toJson();
    QVERIFY(json.value(u"culprit").toString().size() < 600);
    QCOMPARE(json.value(u"stack").toArray().size(), 32);
}

void TestAlertRecord::sampledStacksStayUnderTheLineBudget()
{
    // The most the caps allow, with long template names: the journal line stays small, and the
    // stacks whose frames did not fit are counted as samples not kept.
    AlertRecord r = sampleRecord(AlertVerdict::LongDispatch, AlertTier::Hang, AlertEnd::Recovered);
    r.sampleFrames.clear();
    r.sampledStacks.clear();
    r.samplesNotKept = 0;
    for (qsizetype i = 0; i < AlertRecord::MaxSampleFrames; ++i) {
        AlertStackFrame f;
        f.function = QStringLiteral("std::function<void (%1)>::operator()").arg(QString(600, u'x'));
        f.module = QStringLiteral("/usr/lib/libQt6Core.so.6");
        f.file = QStringLiteral("/usr/include/c++/12/bits/std_function.h");
        r.sampleFrames.append(f);
    }
    for (int s = 0; s < AlertRecord::MaxSampledStacks; ++s)
        r.sampledStacks.append(AlertSampledStack {{int(s * 7 % AlertRecord::MaxSampleFrames), int(s)}, 2});
    const QJsonObject json = r.toJson();
    QVERIFY(QJsonDocument(json).toJson(QJsonDocument::Compact).size() < 160 * 1024);
    AlertRecord back;
    QVERIFY(AlertRecord::fromJson(json, &back));
    QVERIFY(!back.sampledStacks.isEmpty());
    QVERIFY(back.samplesNotKept > 0);
    int kept = 0;
    for (const AlertSampledStack &stack : back.sampledStacks)
        kept += stack.samples;
    QCOMPARE(kept + back.samplesNotKept, 2 * int(AlertRecord::MaxSampledStacks));
}

void TestAlertRecord::durationsFormatInReadableUnits()
{
    QCOMPARE(AlertRecord::formatDuration(340'000'000), QStringLiteral("340 ms"));
    QCOMPARE(AlertRecord::formatDuration(1'250'000'000), QStringLiteral("1.25 s"));
    QCOMPARE(AlertRecord::formatDuration(12'340'000'000), QStringLiteral("12.3 s"));
}

QTEST_GUILESS_MAIN(TestAlertRecord)
#include "tst_alertrecord.moc"
