// The service's memory budget and its charges: a reservation is one atomic step, so threads racing
// for the last room never take the total past the limit; new work stops at the limit less the
// headroom kept for request heads; a charge is the larger of its reservation and its current use,
// can be handed over, and is given back when it goes away.
#include "workers/loopback/memorybudget.h"
#include "workers/loopback/memorycharge.h"

#include <QTest>
#include <QThread>

#include <atomic>
#include <memory>
#include <vector>

using Taskscope::Loopback::MemoryBudget;
using Taskscope::Loopback::MemoryCharge;

class tst_MemoryBudget : public QObject
{
    Q_OBJECT

private slots:
    void racingReservationsStayWithinTheLimit_data()
    {
        QTest::addColumn<int>("threads");
        QTest::addColumn<qint64>("bytes");
        QTest::addRow("two threads, whole-budget pieces") << 2 << qint64(1024 * 1024);
        QTest::addRow("four threads, quarter pieces") << 4 << qint64(256 * 1024);
        QTest::addRow("eight threads, odd pieces") << 8 << qint64(100'003);
    }

    void racingReservationsStayWithinTheLimit()
    {
        QFETCH(int, threads);
        QFETCH(qint64, bytes);
        MemoryBudget budget(1024 * 1024);
        std::atomic<qint64> granted {0};
        std::vector<std::unique_ptr<QThread>> workers;
        for (int t = 0; t < threads; ++t) {
            workers.emplace_back(QThread::create([&] {
                for (int i = 0; i < 20000; ++i) {
                    if (budget.tryReserve(bytes, 0)) {
                        granted.fetch_add(1, std::memory_order_relaxed);
                        budget.adjust(-bytes);
                    }
                }
            }));
            workers.back()->start();
        }
        for (auto &w : workers)
            QVERIFY(w->wait());
        QVERIFY(granted.load() > 0);
        QVERIFY2(budget.peak() <= budget.limit(), qPrintable(QString::number(budget.peak())));
        QCOMPARE(budget.used(), 0);
    }

    void newWorkStopsShortOfTheLimit()
    {
        MemoryBudget budget(16 * 1024 * 1024);
        QCOMPARE(budget.headroom(), 1024 * 1024); // a sixteenth
        QCOMPARE(MemoryBudget::headroomFor(1024ll * 1024 * 1024), 8 * 1024 * 1024); // at most 8 MiB
        QVERIFY(budget.tryReserve(15 * 1024 * 1024, budget.headroom()));
        QVERIFY(budget.isExhausted());
        QVERIFY(!budget.tryReserve(1, budget.headroom())); // work: none left
        QVERIFY(budget.tryReserve(1024 * 1024, 0)); // a head: the rest
        QVERIFY(!budget.tryReserve(1, 0));
        QCOMPARE(budget.used(), budget.limit());
    }

    void aChargeIsTheLargerOfItsReservationAndItsUse()
    {
        MemoryBudget budget(1024 * 1024);
        {
            MemoryCharge charge(&budget);
            QVERIFY(charge.reserve(1000));
            QCOMPARE(budget.used(), 1000);
            charge.set(400); // within the reservation
            QCOMPARE(budget.used(), 1000);
            charge.set(3000); // past it: counted as it is
            QCOMPARE(budget.used(), 3000);
            QVERIFY(charge.reserve(500)); // lowering always succeeds; the use still counts
            QCOMPARE(budget.used(), 3000);
            charge.set(0);
            QCOMPARE(budget.used(), 500);
            QVERIFY(!charge.reserve(2 * 1024 * 1024)); // no room: nothing changes
            QCOMPARE(budget.used(), 500);
            QCOMPARE(charge.reserved(), 500);
            MemoryCharge other(&budget);
            other.set(10);
            charge.handOver(other); // other gives back its own share and keeps this one's
            QCOMPARE(budget.used(), 500);
            QCOMPARE(charge.bytes(), 0);
            QCOMPARE(other.reserved(), 500);
        }
        QCOMPARE(budget.used(), 0); // given back when the charges go away
        QCOMPARE(budget.peak(), 3000);
    }
};

QTEST_GUILESS_MAIN(tst_MemoryBudget)
#include "tst_memorybudget.moc"
