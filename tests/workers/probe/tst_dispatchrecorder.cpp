#include "model/protocol/probewire.h"
#include "model/trace/tracenames.h"
#include "model/trace/tracerecorder.h"
#include "model/trace/tracestore.h"
#include "workers/probe/dispatchrecorder.h"
#include "workers/watchdog/dispatchprobe.h"

#include <QCoreApplication>
#include <QEvent>
#include <QPointer>
#include <QSemaphore>
#include <QSignalSpy>
#include <QThread>
#include <QtTest>

#include <limits>

using namespace Taskscope::Trace;
using namespace Taskscope::Watchdog;

using namespace Taskscope::Probe;

// Sends a second event to `inner` from inside its own dispatch, and notes what the watchdog's
// dispatch probe saw meanwhile.
class NestingObject final : public QObject
{
    Q_OBJECT

public:
    QObject *inner = nullptr;
    int probeDepth = 0;
    QByteArray probeClass;

signals:
    void handled();

protected:
    bool event(QEvent *event) override
    {
        if (event->type() != QEvent::User)
            return QObject::event(event);
        DispatchProbe::Snapshot snapshot;
        DispatchProbe::snapshot(&snapshot);
        probeDepth = snapshot.depth;
        probeClass = snapshot.depth > 0 && snapshot.levels[0].receiverClass ? snapshot.levels[0].receiverClass : "";
        if (inner) {
            QEvent nested(QEvent::Type(QEvent::User + 1));
            QCoreApplication::sendEvent(inner, &nested);
        }
        emit handled();
        return true;
    }
};

// Holds its thread inside a dispatch until released, so events posted meanwhile stay queued.
class BlockingObject final : public QObject
{
    Q_OBJECT

public:
    QSemaphore entered;
    QSemaphore release;

protected:
    bool event(QEvent *event) override
    {
        if (event->type() != QEvent::User)
            return QObject::event(event);
        entered.release();
        release.acquire();
        return true;
    }
};

// Asks for its victim's deferred deletion, then flushes deferred deletions from a nested dispatch:
// Qt must still count the outer dispatch's scope level, so the victim outlives the flush.
class DeferringObject final : public QObject
{
    Q_OBJECT

public:
    QPointer<QObject> victim;
    bool aliveAfterNestedFlush = false;

protected:
    bool event(QEvent *event) override
    {
        if (event->type() == QEvent::User) {
            victim->deleteLater();
            QEvent nested(QEvent::Type(QEvent::User + 1));
            QCoreApplication::sendEvent(this, &nested);
            return true;
        }
        if (event->type() == QEvent::User + 1) {
            QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
            aliveAfterNestedFlush = !victim.isNull();
            return true;
        }
        return QObject::event(event);
    }
};

class TestDispatchRecorder final : public QObject
{
    Q_OBJECT

private:
    static void drainInto(TraceStore &store) { TraceRecorder::drain(store); }

    static QList<QPair<int, QString>> spansOn(const TraceStore &store, LaneId lane)
    {
        QList<QPair<int, QString>> spans;
        store.forEachSpan(lane, 0, StoredSpan::OpenEnd, [&](int depth, const StoredSpan &span) {
            spans.append({depth, TraceNames::name(span.name)});
        });
        return spans;
    }

    static QString describe(const QList<QPair<int, QString>> &spans)
    {
        QStringList parts;
        for (const auto &span : spans)
            parts.append(QStringLiteral("%1:%2").arg(span.first).arg(span.second));
        return parts.join(QStringLiteral(", "));
    }

    static LaneId laneNamed(const TraceStore &store, QStringView name)
    {
        for (const LaneInfo &lane : store.lanes()) {
            if (TraceNames::name(lane.name) == name)
                return lane.id;
        }
        return NoLane;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(DispatchRecorder::install());
        DispatchRecorder::setUiThread();
    }

    void cleanupTestCase()
    {
        DispatchRecorder::setUiThread(false);
        DispatchRecorder::uninstall();
    }

    void nestedDispatchesNestOnTheUiLane()
    {
        TraceStore store;
        drainInto(store);
        store.clear();
        NestingObject outer;
        outer.setObjectName(QStringLiteral("outer"));
        QObject inner;
        inner.setObjectName(QStringLiteral("inner"));
        outer.inner = &inner;
        QEvent event(QEvent::User);
        QCoreApplication::sendEvent(&outer, &event);
        drainInto(store);
        const auto spans = spansOn(store, UiThreadLane);
        QVERIFY2(spans.contains(qMakePair(0, QStringLiteral("NestingObject \"outer\""))), qPrintable(describe(spans)));
        QVERIFY2(spans.contains(qMakePair(1, QStringLiteral("QObject \"inner\""))), qPrintable(describe(spans)));
        // The same bracket fed the watchdog's dispatch probe.
        QCOMPARE(outer.probeDepth, 1);
        QCOMPARE(outer.probeClass, QByteArray("NestingObject"));
    }

    void eachThreadDispatchesOnItsOwnLane_data()
    {
        QTest::addColumn<bool>("excluded");
        QTest::newRow("worker thread with its own loop") << false;
        QTest::newRow("excluded thread records nothing") << true;
    }

    void eachThreadDispatchesOnItsOwnLane()
    {
        QFETCH(bool, excluded);
        const QString threadName = excluded ? QStringLiteral("ExcludedWorker") : QStringLiteral("RecorderWorker");
        QThread thread;
        thread.setObjectName(threadName);
        NestingObject worker;
        worker.setObjectName(QStringLiteral("onWorker"));
        worker.moveToThread(&thread);
        if (excluded)
            connect(
                &thread, &QThread::started, &worker, [] { DispatchRecorder::excludeCurrentThread(); },
                Qt::DirectConnection);
        thread.start();
        QSignalSpy handled(&worker, &NestingObject::handled);
        QCoreApplication::postEvent(&worker, new QEvent(QEvent::User));
        // The worker may emit before wait() starts, and wait() only counts emissions after it
        // started: poll the count instead.
        QTRY_VERIFY_WITH_TIMEOUT(!handled.isEmpty(), 5000);
        thread.quit();
        QVERIFY(thread.wait(5000));
        TraceStore store;
        drainInto(store);
        const LaneId lane = laneNamed(store, threadName);
        QVERIFY(lane != UiThreadLane);
        bool found = false;
        if (lane != NoLane) {
            for (const auto &span : spansOn(store, lane))
                found = found || span.second == u"NestingObject \"onWorker\"";
        }
        QCOMPARE(found, !excluded);
    }

    void deferredDeleteWaitsForTheDispatchThatAskedForIt()
    {
        DeferringObject deferring;
        deferring.victim = new QObject;
        QEvent event(QEvent::User);
        QCoreApplication::sendEvent(&deferring, &event);
        QVERIFY(deferring.aliveAfterNestedFlush);
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
        QVERIFY(deferring.victim.isNull());
    }

    void postedEventDepthOfABusyThread()
    {
        QThread thread;
        thread.setObjectName(QStringLiteral("QueueWorker"));
        BlockingObject blocker;
        blocker.moveToThread(&thread);
        thread.start();
        QCoreApplication::postEvent(&blocker, new QEvent(QEvent::User));
        QVERIFY(blocker.entered.tryAcquire(1, 5000));
        constexpr int Queued = 7;
        for (int i = 0; i < Queued; ++i)
            QCoreApplication::postEvent(&blocker, new QEvent(QEvent::Type(QEvent::User + 2)));
        const LaneId workerLane = [] {
            TraceStore store;
            drainInto(store);
            return laneNamed(store, u"QueueWorker");
        }();
        qsizetype depth = -1;
        DispatchRecorder::postedEventDepths([&](LaneId lane, qsizetype d) {
            if (lane == workerLane)
                depth = d;
        });
        blocker.release.release();
        thread.quit();
        QVERIFY(thread.wait(5000));
        QVERIFY(workerLane != NoLane);
        QCOMPARE(depth, qsizetype(Queued));
        // A thread that has finished leaves the registry (when its exit handlers ran, which may
        // be just after wait() returned).
        const auto listed = [workerLane] {
            bool found = false;
            DispatchRecorder::postedEventDepths([&](LaneId lane, qsizetype) { found |= lane == workerLane; });
            return found;
        };
        QTRY_VERIFY_WITH_TIMEOUT(!listed(), 5000);
    }

    void spanArgumentCarriesTheEventType()
    {
        TraceStore store;
        drainInto(store);
        store.clear();
        QObject target;
        QEvent event(QEvent::Type(QEvent::User + 7));
        QCoreApplication::sendEvent(&target, &event);
        drainInto(store);
        std::uint32_t arg = 0;
        store.forEachSpan(UiThreadLane, 0, StoredSpan::OpenEnd, [&](int, const StoredSpan &span) {
            if (TraceNames::name(span.name) == u"QObject")
                arg = span.arg;
        });
        QCOMPARE(arg, std::uint32_t(QEvent::User + 7)); // the low bits; the flag is bit 63
        QVERIFY(ProbeWire::DispatchArgFlag > std::numeric_limits<std::uint32_t>::max());
    }
};

QTEST_GUILESS_MAIN(TestDispatchRecorder)
#include "tst_dispatchrecorder.moc"
