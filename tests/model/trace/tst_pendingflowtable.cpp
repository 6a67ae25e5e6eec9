// Flow ends waiting for their partner: found in one probe, kept through slot collisions (an answer
// that comes late still finds its source), bounded, and drops counted.
#include "model/trace/pendingflowtable.h"

#include <QtTest>

using namespace Taskscope::Trace;

class TestPendingFlowTable : public QObject
{
    Q_OBJECT

private slots:
    void takeFindsWhatPutStored();
    void collidingIdsBothSurvive_data();
    void collidingIdsBothSurvive();
    void sameIdTwiceKeepsTheLater();
    void overflowIsBoundedAndCounted();
    void answersFoundInTheOverflowGrowTheTable();
    void unansweredEntriesDoNotGrowTheTable();
    void clearEmptiesEverything();
};

void TestPendingFlowTable::takeFindsWhatPutStored()
{
    PendingFlowTable t;
    PendingFlowTable::Entry e;
    QVERIFY(!t.take(7, &e));
    QCOMPARE(t.put(7, {100, 3, 9}), quint64(0));
    QCOMPARE(t.size(), 1);
    QVERIFY(t.take(7, &e));
    QCOMPARE(e.ns, 100);
    QCOMPARE(e.lane, LaneId(3));
    QCOMPARE(e.name, NameId(9));
    QVERIFY(!t.take(7, &e));
    QCOMPARE(t.size(), 0);
}

void TestPendingFlowTable::collidingIdsBothSurvive_data()
{
    QTest::addColumn<quint64>("older");
    QTest::addColumn<quint64>("newer");
    QTest::newRow("one table apart") << quint64(5) << quint64(5 + PendingFlowTable::Slots);
    QTest::newRow("many tables apart") << quint64(12) << quint64(12 + 40 * PendingFlowTable::Slots);
    QTest::newRow("id zero (not from the counter)") << quint64(0) << quint64(PendingFlowTable::Slots);
}

void TestPendingFlowTable::collidingIdsBothSurvive()
{
    QFETCH(quint64, older);
    QFETCH(quint64, newer);
    PendingFlowTable t;
    t.put(older, {1, 1, 1});
    t.put(newer, {2, 2, 2});
    QCOMPARE(t.size(), 2);
    PendingFlowTable::Entry e;
    QVERIFY(t.take(older, &e));
    QCOMPARE(e.ns, 1);
    QVERIFY(t.take(newer, &e));
    QCOMPARE(e.ns, 2);
    QCOMPARE(t.size(), 0);
}

void TestPendingFlowTable::sameIdTwiceKeepsTheLater()
{
    PendingFlowTable t;
    t.put(42, {1, 1, 1});
    t.put(42, {2, 2, 2});
    QCOMPARE(t.size(), 1);
    PendingFlowTable::Entry e;
    QVERIFY(t.take(42, &e));
    QCOMPARE(e.ns, 2);
}

void TestPendingFlowTable::overflowIsBoundedAndCounted()
{
    PendingFlowTable t;
    // Every id lands on slot 1, pushing the previous one to the overflow hash.
    quint64 dropped = 0;
    const int n = PendingFlowTable::MaxOverflow + 10;
    for (int i = 0; i <= n; ++i)
        dropped += t.put(1 + quint64(i) * PendingFlowTable::Slots, {i, 1, 1});
    QCOMPARE(dropped, quint64(PendingFlowTable::MaxOverflow));
    QVERIFY(t.size() <= PendingFlowTable::MaxOverflow + 1);
    // The newest survive.
    PendingFlowTable::Entry e;
    QVERIFY(t.take(1 + quint64(n) * PendingFlowTable::Slots, &e));
    QCOMPARE(e.ns, n);
    QVERIFY(t.take(1 + quint64(n - 1) * PendingFlowTable::Slots, &e));
}

void TestPendingFlowTable::answersFoundInTheOverflowGrowTheTable()
{
    // Three tables' worth of dense ids alive at once (streams waiting seconds for transcripts),
    // answered oldest first: every answer is found, and the table grows until they fit.
    PendingFlowTable t;
    const quint64 alive = 3 * PendingFlowTable::Slots;
    quint64 dropped = 0;
    for (quint64 id = 1; id <= alive; ++id)
        dropped += t.put(id, {qint64(id), 1, 1});
    QCOMPARE(dropped, quint64(0));
    PendingFlowTable::Entry e;
    for (quint64 id = 1; id <= alive; ++id) {
        QVERIFY2(t.take(id, &e), qPrintable(QString::number(id)));
        QCOMPARE(e.ns, qint64(id));
    }
    QCOMPARE(t.size(), 0);
    QVERIFY(t.slotCount() > PendingFlowTable::Slots);
    QVERIFY(t.slotCount() <= PendingFlowTable::MaxSlots);
    // The next round of the same shape stays in the table: nothing goes to the overflow.
    const std::size_t grown = t.slotCount();
    for (quint64 id = alive + 1; id <= alive + quint64(grown) / 2; ++id)
        t.put(id, {1, 1, 1});
    for (quint64 id = alive + 1; id <= alive + quint64(grown) / 2; ++id)
        QVERIFY(t.take(id, &e));
    QCOMPARE(t.slotCount(), grown);
}

void TestPendingFlowTable::unansweredEntriesDoNotGrowTheTable()
{
    PendingFlowTable t;
    for (quint64 id = 1; id <= 4 * PendingFlowTable::Slots; ++id)
        t.put(id, {1, 1, 1});
    QCOMPARE(t.slotCount(), PendingFlowTable::Slots);
    QVERIFY(t.memoryBytes() >= PendingFlowTable::Slots * sizeof(std::uint64_t));
}

void TestPendingFlowTable::clearEmptiesEverything()
{
    PendingFlowTable t;
    t.put(3, {1, 1, 1});
    t.put(3 + PendingFlowTable::Slots, {1, 1, 1});
    t.clear();
    QCOMPARE(t.size(), 0);
    PendingFlowTable::Entry e;
    QVERIFY(!t.take(3, &e));
    QVERIFY(!t.take(3 + PendingFlowTable::Slots, &e));
}

QTEST_GUILESS_MAIN(TestPendingFlowTable)
#include "tst_pendingflowtable.moc"
