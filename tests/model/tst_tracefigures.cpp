// A trace summarized per name as a comparable report, and telling a trace file from a report.
#include "model/trace/tracenames.h"
#include "model/trace/tracestore.h"
#include "model/tracefigures.h"

#include <QJsonArray>
#include <QTest>

using namespace Taskscope::Model;
using namespace Taskscope::Trace;

class TestTraceFigures final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void figuresPerName();
    void namesAreCapped();
    void traceOrReport_data();
    void traceOrReport();
};

namespace {

constexpr qint64 Ms = 1'000'000;

void addLane(TraceStore &store, LaneId id, const char *name)
{
    LaneInfo info;
    info.id = id;
    info.kind = LaneKind::Thread;
    info.name = TraceNames::intern(name);
    store.setLane(info);
}

} // namespace

void TestTraceFigures::figuresPerName()
{
    TraceStore store;
    addLane(store, 1, "UI thread");
    addLane(store, 2, "worker");
    for (int i = 0; i < 4; ++i)
        store.addSpan(1, i * 10 * Ms, i * 10 * Ms + (i + 1) * Ms, TraceNames::intern("paint"));
    store.addSpan(2, 0, 30 * Ms, TraceNames::intern("decode"));
    const QJsonObject report = TraceFigures::report(store, QStringLiteral("run 1"));
    QCOMPARE(report.value(u"label").toString(), QStringLiteral("run 1"));
    const QJsonObject paint = report.value(u"names").toObject().value(u"paint").toObject();
    QCOMPARE(paint.value(u"count").toDouble(), 4.0);
    QCOMPARE(paint.value(u"totalMs").toDouble(), 10.0);
    QCOMPARE(paint.value(u"p50Ms").toDouble(), 2.0);
    QCOMPARE(paint.value(u"maxMs").toDouble(), 4.0);
    const QJsonObject decode = report.value(u"names").toObject().value(u"decode").toObject();
    QCOMPARE(decode.value(u"totalMs").toDouble(), 30.0);
    const QJsonObject trace = report.value(u"trace").toObject();
    QCOMPARE(trace.value(u"spans").toDouble(), 5.0);
    QCOMPARE(trace.value(u"lanes").toInt(), 2);
    QVERIFY(!trace.contains(u"namesLeftOut"));
}

void TestTraceFigures::namesAreCapped()
{
    TraceStore store;
    addLane(store, 1, "UI thread");
    for (int i = 0; i < 10; ++i)
        store.addSpan(1, i * 10 * Ms, i * 10 * Ms + (i + 1) * Ms, TraceNames::intern(QStringLiteral("n%1").arg(i)));
    const QJsonObject report = TraceFigures::report(store, QStringLiteral("x"), 3);
    const QJsonObject names = report.value(u"names").toObject();
    QCOMPARE(names.size(), 3);
    // The ones with the most time are kept.
    QVERIFY(names.contains(u"n9"));
    QVERIFY(!names.contains(u"n0"));
    QCOMPARE(report.value(u"trace").toObject().value(u"namesLeftOut").toInt(), 7);
}

void TestTraceFigures::traceOrReport_data()
{
    QTest::addColumn<QByteArray>("head");
    QTest::addColumn<bool>("trace");
    QTest::newRow("an object with traceEvents is a trace")
        << QByteArray(R"({"displayTimeUnit":"ns","traceEvents":[{"ph":"X"}]})") << true;
    QTest::newRow("a bare array of events is a trace") << QByteArray(" \n[{\"ph\":\"B\"}]") << true;
    QTest::newRow("a run report is not") << QByteArray(R"({"label":"threads","tokens_per_s":40})") << false;
    QTest::newRow("nothing is not") << QByteArray() << false;
}

void TestTraceFigures::traceOrReport()
{
    QFETCH(QByteArray, head);
    QFETCH(bool, trace);
    QCOMPARE(TraceFigures::looksLikeTrace(head), trace);
}

QTEST_GUILESS_MAIN(TestTraceFigures)
#include "tst_tracefigures.moc"
