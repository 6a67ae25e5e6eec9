#include "app/probe/probenametable.h"
#include "model/trace/tracenames.h"

#include <QEvent>
#include <QtTest>

using namespace Taskscope::Trace;

using namespace Taskscope::Probe;

class TestProbeNameTable final : public QObject
{
    Q_OBJECT

private slots:
    void namesMapOntoLocalIds()
    {
        ProbeNameTable table;
        QCOMPARE(table.append(0, QJsonArray {QString(), QStringLiteral("QTimer \"tick\""), QStringLiteral("work")}), 0);
        QCOMPARE(table.size(), 3);
        QCOMPARE(table.local(0), NameId(0));
        QCOMPARE(TraceNames::name(table.local(1)), QStringLiteral("QTimer \"tick\""));
        QCOMPARE(TraceNames::name(table.local(2)), QStringLiteral("work"));
        QCOMPARE(table.local(2), table.local(2));
    }

    void dispatchNamesCarryTheEventType()
    {
        ProbeNameTable table;
        table.append(0, QJsonArray {QString(), QStringLiteral("QTimer \"tick\"")});
        const NameId timer = table.dispatch(1, quint16(QEvent::Timer));
        QVERIFY(TraceNames::name(timer).startsWith(QStringLiteral("QTimer \"tick\" · ")));
        QVERIFY(timer != table.dispatch(1, quint16(QEvent::MetaCall)));
        QCOMPARE(table.dispatch(1, quint16(QEvent::Timer)), timer);
    }

    void unknownIdsReadAsUnnamed()
    {
        ProbeNameTable table;
        table.append(0, QJsonArray {QString()});
        QCOMPARE(TraceNames::name(table.local(5)), QString());
        QVERIFY(TraceNames::name(table.dispatch(5, quint16(QEvent::Timer))).startsWith(QStringLiteral("? · ")));
    }

    void namesOutOfOrder_data()
    {
        QTest::addColumn<int>("first");
        QTest::newRow("a gap after the first batch") << 5;
        QTest::newRow("the first batch sent again") << 0;
        QTest::newRow("a negative index") << -1;
    }

    void namesOutOfOrder()
    {
        QFETCH(int, first);
        ProbeNameTable table;
        QCOMPARE(table.append(0, QJsonArray {QString(), QStringLiteral("a")}), 0);
        QCOMPARE(table.append(first, QJsonArray {QStringLiteral("b")}), ProbeNameTable::OutOfOrder);
        QCOMPARE(table.size(), 2);
        QCOMPARE(table.append(2, QJsonArray {QStringLiteral("b")}), 0);
        QCOMPARE(table.size(), 3);
    }
};

QTEST_GUILESS_MAIN(TestProbeNameTable)
#include "tst_probenametable.moc"
