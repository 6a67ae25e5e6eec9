// The selection tab: labelled fields, and no rows for what does not apply to the span.
#include "model/trace/tracenames.h"
#include "ui/spandetailspanel.h"
#include "ui/spanselection.h"

#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

#include "tests/ui/tracefixture.h"

using namespace Taskscope::Trace;
using namespace Taskscope::Ui;

using namespace TraceFixture;

class TestSpanDetailsPanel final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fieldsOfASpan_data();
    void fieldsOfASpan();
    void zoomAsksForTheSpansRange();
};

void TestSpanDetailsPanel::fieldsOfASpan_data()
{
    QTest::addColumn<LaneId>("lane");
    QTest::addColumn<qint64>("start");
    QTest::addColumn<qint64>("end");
    QTest::addColumn<QString>("name");
    QTest::addColumn<uint>("arg");
    QTest::addColumn<bool>("showsArg");
    QTest::newRow("a span with an argument")
        << UiThreadLane << 10 * Ms << 30 * Ms << QStringLiteral("onTimer") << 42u << true;
    QTest::newRow("a span without one leaves the row out")
        << Worker << 5 * Ms << 50 * Ms << QStringLiteral("decode") << 0u << false;
}

void TestSpanDetailsPanel::fieldsOfASpan()
{
    QFETCH(LaneId, lane);
    QFETCH(qint64, start);
    QFETCH(qint64, end);
    QFETCH(QString, name);
    QFETCH(uint, arg);
    QFETCH(bool, showsArg);
    TraceStore store;
    fill(store);
    SpanDetailsPanel panel;
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    panel.setSelection(
        SpanSelection::resolve(store, lane, 0, start, end, false, TraceNames::intern(name), SpanKind::Span, 0, arg));
    QCOMPARE(panel.field(QStringLiteral("name")), name);
    // The lane by name and level; its internal id is not a field.
    QVERIFY(panel.field(QStringLiteral("lane")).endsWith(QStringLiteral("· level 1")));
    QVERIFY(!panel.field(QStringLiteral("lane")).contains(QStringLiteral("lane ")));
    QCOMPARE(panel.showsField(QStringLiteral("arg")), showsArg);
    if (showsArg)
        QCOMPARE(panel.field(QStringLiteral("arg")), QString::number(arg));
    // A plain span on a thread is not a coroutine: no coroutine row, not a dash.
    QVERIFY(!panel.showsField(QStringLiteral("coroutine")));
}

void TestSpanDetailsPanel::zoomAsksForTheSpansRange()
{
    TraceStore store;
    fill(store);
    SpanDetailsPanel panel;
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QSignalSpy zoom(&panel, &SpanDetailsPanel::zoomRequested);
    panel.setSelection(SpanSelection::resolve(store, Worker, 0, 5 * Ms, 50 * Ms, false, TraceNames::intern("decode"),
                                              SpanKind::Span, 0, 0));
    const auto buttons = panel.findChildren<QPushButton *>();
    QCOMPARE(buttons.size(), 1);
    QTest::mouseClick(buttons.first(), Qt::LeftButton);
    QCOMPARE(zoom.count(), 1);
    QCOMPARE(zoom.first().at(0).toLongLong(), 5 * Ms);
    QCOMPARE(zoom.first().at(1).toLongLong(), 50 * Ms);
}

QTEST_MAIN(TestSpanDetailsPanel)
#include "tst_spandetailspanel.moc"
