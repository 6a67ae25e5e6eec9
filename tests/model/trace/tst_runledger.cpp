// The run ledger: which runs a store holds, and which one may go next.
#include "model/trace/runledger.h"

#include <QTest>

using namespace Taskscope::Trace;

using Retention::Run;
using Retention::RunLedger;

class TestRunLedger final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void runsAreKeptInStartOrder();
    void evictBeyondKeepsTheNewest_data();
    void evictBeyondKeepsTheNewest();
    void aRunningOldestRunNeverGoes();
    void theLastRunNeverGoesWhole();
    void trimMarksTheRunsItCut();
    void runAtFindsTheRunOfATime_data();
    void runAtFindsTheRunOfATime();
};

void TestRunLedger::runsAreKeptInStartOrder()
{
    RunLedger ledger;
    ledger.begin(2, 200);
    ledger.begin(1, 100);
    ledger.begin(3, 300);
    ledger.begin(2, 999); // the same run again: ignored
    QCOMPARE(ledger.size(), 3);
    QCOMPARE(ledger.runs()[0].id, quint64(1));
    QCOMPARE(ledger.runs()[1].id, quint64(2));
    QCOMPARE(ledger.runs()[2].startNs, qint64(300));
    QVERIFY(ledger.end(2, 250));
    QCOMPARE(ledger.runs()[1].endNs, qint64(250));
    QVERIFY(!ledger.end(42, 250));
    QVERIFY(!ledger.end(3, 10)); // before its start: clamped, reported
    QCOMPARE(ledger.runs()[2].endNs, qint64(300));
}

void TestRunLedger::evictBeyondKeepsTheNewest_data()
{
    QTest::addColumn<int>("runs");
    QTest::addColumn<int>("keep");
    QTest::addColumn<int>("kept");
    QTest::addColumn<qint64>("horizon");
    QTest::newRow("fewer runs than kept: nothing goes") << 3 << 8 << 3 << qint64(-1);
    QTest::newRow("as many runs as kept: nothing goes") << 8 << 8 << 8 << qint64(-1);
    QTest::newRow("one too many: the oldest goes") << 9 << 8 << 8 << qint64(1000);
    QTest::newRow("five too many: the horizon is the first kept run") << 7 << 2 << 2 << qint64(5000);
    QTest::newRow("keep zero means any number") << 20 << 0 << 20 << qint64(-1);
}

void TestRunLedger::evictBeyondKeepsTheNewest()
{
    QFETCH(int, runs);
    QFETCH(int, keep);
    QFETCH(int, kept);
    QFETCH(qint64, horizon);
    RunLedger ledger;
    for (int i = 0; i < runs; ++i) {
        ledger.begin(quint64(i + 1), qint64(i) * 1000);
        ledger.end(quint64(i + 1), qint64(i) * 1000 + 500);
    }
    QCOMPARE(ledger.evictBeyond(keep), horizon);
    QCOMPARE(ledger.size(), kept);
    QCOMPARE(ledger.evictedRuns(), quint64(runs - kept));
}

void TestRunLedger::aRunningOldestRunNeverGoes()
{
    RunLedger ledger;
    ledger.begin(1, 0); // still running
    for (int i = 2; i <= 5; ++i) {
        ledger.begin(quint64(i), qint64(i) * 1000);
        ledger.end(quint64(i), qint64(i) * 1000 + 10);
    }
    QVERIFY(!ledger.canEvictOldest());
    QCOMPARE(ledger.evictBeyond(2), qint64(-1));
    QCOMPARE(ledger.size(), 5);
    ledger.end(1, 9000);
    QCOMPARE(ledger.evictBeyond(2), qint64(4000));
    QCOMPARE(ledger.size(), 2);
}

void TestRunLedger::theLastRunNeverGoesWhole()
{
    RunLedger ledger;
    ledger.begin(1, 0);
    ledger.end(1, 10);
    QVERIFY(!ledger.canEvictOldest());
    QCOMPARE(ledger.evictOldest(), qint64(-1));
    QCOMPARE(ledger.size(), 1);
}

void TestRunLedger::trimMarksTheRunsItCut()
{
    RunLedger ledger;
    ledger.begin(1, 0);
    ledger.begin(2, 1000);
    ledger.markTrimmedBefore(500);
    QVERIFY(ledger.runs()[0].trimmed);
    QVERIFY(!ledger.runs()[1].trimmed);
}

void TestRunLedger::runAtFindsTheRunOfATime_data()
{
    QTest::addColumn<qint64>("ns");
    QTest::addColumn<quint64>("run");
    QTest::newRow("inside the first run") << qint64(50) << quint64(1);
    QTest::newRow("between runs: none") << qint64(150) << quint64(0);
    QTest::newRow("where two runs overlap: the later") << qint64(350) << quint64(3);
    QTest::newRow("in a run still going") << qint64(100'000) << quint64(3);
    QTest::newRow("before every run: none") << qint64(-5) << quint64(0);
}

void TestRunLedger::runAtFindsTheRunOfATime()
{
    QFETCH(qint64, ns);
    QFETCH(quint64, run);
    RunLedger ledger;
    ledger.begin(1, 0);
    ledger.end(1, 100);
    ledger.begin(2, 200);
    ledger.end(2, 400);
    ledger.begin(3, 300);
    const Run *found = ledger.runAt(ns);
    QCOMPARE(found ? found->id : quint64(0), run);
}

QTEST_GUILESS_MAIN(TestRunLedger)
#include "tst_runledger.moc"
