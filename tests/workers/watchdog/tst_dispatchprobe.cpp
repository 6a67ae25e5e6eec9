// The dispatch probe: what the UI thread dispatches, at which depth, without changing Qt's behaviour.
#include "workers/watchdog/dispatchprobe.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QPointer>
#include <QTest>
#include <QThread>

#include <atomic>
#include <thread>

#include <dlfcn.h>

using namespace Taskscope::Watchdog;

namespace {

QEvent::Type probeEventType()
{
    static const auto type = QEvent::Type(QEvent::registerEventType());
    return type;
}

// Counts notify() calls: the probe must not add or lose any.
class CountingApp final : public QCoreApplication
{
public:
    using QCoreApplication::QCoreApplication;
    bool notify(QObject *receiver, QEvent *event) override
    {
        if (event->type() == probeEventType())
            ++probeNotifies;
        return QCoreApplication::notify(receiver, event);
    }
    int probeNotifies = 0;
};

// Runs a callback for one event type (the test's own by default).
class Recorder final : public QObject
{
public:
    explicit Recorder(QEvent::Type type = probeEventType(), const QString &name = {})
        : m_type(type)
    {
        setObjectName(name);
    }
    std::function<void(QEvent *)> onEvent;
    bool event(QEvent *event) override
    {
        if (event->type() == m_type && onEvent) {
            onEvent(event);
            return true;
        }
        return QObject::event(event);
    }

private:
    QEvent::Type m_type;
};

} // namespace

class TestDispatchProbe final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void seesDepthClassNameAndEvent();
    void describesEachReceiverItSees();
    void keepsEveryEventTypeExact_data();
    void keepsEveryEventTypeExact();
    void snapshotsStayConsistentWhileTheUiThreadDispatches();
    void countsNestedProgress();
    void notifyOverrideRunsOncePerEvent_data();
    void notifyOverrideRunsOncePerEvent();
    void deleteLaterKeepsQtSemantics_data();
    void deleteLaterKeepsQtSemantics();
    void spontaneousFlagIsKept();
    void otherThreadsAreNotObserved();
};

void TestDispatchProbe::init()
{
    QVERIFY(DispatchProbe::install());
}

void TestDispatchProbe::cleanup()
{
    DispatchProbe::uninstall();
}

void TestDispatchProbe::seesDepthClassNameAndEvent()
{
    Recorder receiver;
    receiver.setObjectName(QStringLiteral("timeline refresher"));
    DispatchProbe::Snapshot inside;
    receiver.onEvent = [&](QEvent *) { DispatchProbe::snapshot(&inside); };
    const std::uint64_t enteredBefore = DispatchProbe::enteredCount();
    QEvent event(probeEventType());
    QCoreApplication::sendEvent(&receiver, &event);
    QCOMPARE(inside.depth, 1);
    QCOMPARE(QString::fromLatin1(inside.levels[0].receiverClass), QStringLiteral("QObject"));
    QCOMPARE(QString::fromUtf16(inside.levels[0].objectName, inside.levels[0].objectNameLength),
             QStringLiteral("timeline refresher"));
    QCOMPARE(inside.levels[0].eventType, int(probeEventType()));
    QCOMPARE(inside.levels[0].entryId, inside.entered); // the latest entry is this one
    QCOMPARE(inside.entered, enteredBefore + 1);
    DispatchProbe::Snapshot after;
    DispatchProbe::snapshot(&after);
    QCOMPARE(after.depth, 0);
    QCOMPARE(after.entered, inside.entered); // entries are counted, not exits
}

void TestDispatchProbe::describesEachReceiverItSees()
{
    // The probe looks a receiver up only when it differs from the last one at that depth: a
    // flood alternating between receivers must still show each one's name, at every depth.
    Recorder first;
    first.setObjectName(QStringLiteral("first"));
    Recorder second;
    second.setObjectName(QStringLiteral("second"));
    QString seenName;
    int seenDepth = 0;
    auto remember = [&](QEvent *) {
        DispatchProbe::Snapshot snapshot;
        DispatchProbe::snapshot(&snapshot);
        seenDepth = snapshot.depth;
        const DispatchProbe::Level &level = snapshot.levels[snapshot.depth - 1];
        seenName = QString::fromUtf16(level.objectName, level.objectNameLength);
    };
    first.onEvent = remember;
    second.onEvent = remember;
    Recorder outer;
    Recorder *nestedReceiver = nullptr;
    outer.onEvent = [&](QEvent *) {
        QEvent nested(probeEventType());
        QCoreApplication::sendEvent(nestedReceiver, &nested);
    };
    for (Recorder *receiver : {&first, &second, &first, &second, &second, &first}) {
        QEvent direct(probeEventType());
        QCoreApplication::sendEvent(receiver, &direct);
        QCOMPARE(seenDepth, 1);
        QCOMPARE(seenName, receiver->objectName());
        nestedReceiver = receiver;
        QEvent viaOuter(probeEventType());
        QCoreApplication::sendEvent(&outer, &viaOuter);
        QCOMPARE(seenDepth, 2);
        QCOMPARE(seenName, receiver->objectName());
    }
}

void TestDispatchProbe::keepsEveryEventTypeExact_data()
{
    // The probe packs the entry id and the event type into one word: the type must come back whole.
    QTest::addColumn<int>("type");
    QTest::newRow("a timer event") << int(QEvent::Timer);
    QTest::newRow("a registered user event") << int(probeEventType());
    QTest::newRow("the highest user event type") << int(QEvent::MaxUser);
}

void TestDispatchProbe::keepsEveryEventTypeExact()
{
    QFETCH(int, type);
    Recorder receiver(QEvent::Type(type), QStringLiteral("typed"));
    DispatchProbe::Snapshot inside;
    receiver.onEvent = [&](QEvent *) { DispatchProbe::snapshot(&inside); };
    for (int i = 0; i < 3; ++i) {
        const std::uint64_t enteredBefore = DispatchProbe::enteredCount();
        QEvent event {QEvent::Type(type)};
        QCoreApplication::sendEvent(&receiver, &event);
        QCOMPARE(inside.depth, 1);
        QCOMPARE(inside.levels[0].eventType, type);
        QCOMPARE(inside.levels[0].entryId, enteredBefore + 1);
        QCOMPARE(inside.entered, enteredBefore + 1);
    }
}

void TestDispatchProbe::snapshotsStayConsistentWhileTheUiThreadDispatches()
{
    // A reader on another thread must never see a level half rewritten: each receiver here gets
    // its own event type and a name of the same length, alternating at depths 1 and 2, so a torn
    // copy shows as a name with the wrong type or a mix of both names.
    const auto alphaType = QEvent::Type(QEvent::registerEventType());
    const auto bravoType = QEvent::Type(QEvent::registerEventType());
    Recorder alpha(alphaType, QStringLiteral("alpha"));
    Recorder bravo(bravoType, QStringLiteral("bravo"));
    Recorder *nested = nullptr;
    auto sendTo = [&](Recorder *receiver) {
        QEvent event(receiver == &alpha ? alphaType : bravoType);
        QCoreApplication::sendEvent(receiver, &event);
    };
    alpha.onEvent = [&](QEvent *) {
        if (nested) {
            Recorder *inner = std::exchange(nested, nullptr);
            sendTo(inner);
        }
    };
    bravo.onEvent = alpha.onEvent;

    std::atomic<bool> stop {false};
    std::atomic<int> torn {0};
    std::atomic<int> seenNested {0};
    std::atomic<int> snapshots {0};
    QString firstProblem;
    std::thread reader([&] {
        DispatchProbe::Snapshot snapshot;
        while (!stop.load(std::memory_order_relaxed)) {
            DispatchProbe::snapshot(&snapshot);
            snapshots.fetch_add(1, std::memory_order_relaxed);
            if (snapshot.depth >= 2)
                seenNested.fetch_add(1, std::memory_order_relaxed);
            for (int d = 0; d < qMin(snapshot.depth, DispatchProbe::MaxLevels); ++d) {
                const DispatchProbe::Level &level = snapshot.levels[d];
                const QString name = QString::fromUtf16(level.objectName, level.objectNameLength);
                const bool consistent = ((name == u"alpha" && level.eventType == alphaType)
                                         || (name == u"bravo" && level.eventType == bravoType))
                    && level.entryId <= snapshot.entered && snapshot.enteredSince[d] == snapshot.entered - level.entryId
                    && (d == 0 || level.entryId > snapshot.levels[d - 1].entryId);
                if (!consistent && torn.fetch_add(1) == 0)
                    firstProblem = QStringLiteral("depth %1: %2 with type %3").arg(d).arg(name).arg(level.eventType);
            }
        }
    });
    // At least 200,000 dispatches, and on until the reader (which a loaded machine may leave
    // unscheduled for a while) has copied a good number of nested levels.
    QElapsedTimer elapsed;
    elapsed.start();
    for (int i = 0; (i < 200'000 || seenNested.load(std::memory_order_relaxed) < 1000) && elapsed.elapsed() < 20'000;
         ++i) {
        // Outer and inner receivers alternate, so every entry rewrites its level's description.
        Recorder *outer = i % 2 ? &alpha : &bravo;
        nested = i % 3 == 0 ? (outer == &alpha ? &bravo : &alpha) : nullptr;
        sendTo(outer);
    }
    stop.store(true);
    reader.join();
    QVERIFY2(torn.load() == 0,
             qPrintable(QStringLiteral("%1 torn snapshots, first: %2").arg(torn.load()).arg(firstProblem)));
    QVERIFY2(seenNested.load() >= 1000,
             qPrintable(QStringLiteral("the reader copied only %1 nested levels in %2 snapshots")
                            .arg(seenNested.load())
                            .arg(snapshots.load())));
}

void TestDispatchProbe::countsNestedProgress()
{
    Recorder outer;
    Recorder inner;
    DispatchProbe::Snapshot deepest;
    DispatchProbe::Snapshot afterInner;
    inner.onEvent = [&](QEvent *) { DispatchProbe::snapshot(&deepest); };
    outer.onEvent = [&](QEvent *) {
        for (int i = 0; i < 3; ++i) {
            QEvent nested(probeEventType());
            QCoreApplication::sendEvent(&inner, &nested);
        }
        DispatchProbe::snapshot(&afterInner);
    };
    QEvent event(probeEventType());
    QCoreApplication::sendEvent(&outer, &event);
    QCOMPARE(deepest.depth, 2);
    QCOMPARE(afterInner.depth, 1);
    QCOMPARE(afterInner.enteredSince[0], 3u);
    QCOMPARE(deepest.enteredSince[0], deepest.entered - deepest.levels[0].entryId);
}

void TestDispatchProbe::notifyOverrideRunsOncePerEvent_data()
{
    QTest::addColumn<bool>("installed");
    QTest::newRow("without the probe") << false;
    QTest::newRow("with the probe") << true;
}

void TestDispatchProbe::notifyOverrideRunsOncePerEvent()
{
    QFETCH(bool, installed);
    if (!installed)
        DispatchProbe::uninstall();
    auto *app = static_cast<CountingApp *>(QCoreApplication::instance());
    app->probeNotifies = 0;
    Recorder receiver;
    bool handled = false;
    receiver.onEvent = [&](QEvent *) { handled = true; };
    QEvent event(probeEventType());
    QVERIFY(QCoreApplication::sendEvent(&receiver, &event)); // the handler's result comes back
    QVERIFY(handled);
    QCOMPARE(app->probeNotifies, 1);
}

void TestDispatchProbe::deleteLaterKeepsQtSemantics_data()
{
    QTest::addColumn<bool>("installed");
    QTest::newRow("without the probe") << false;
    QTest::newRow("with the probe") << true;
}

void TestDispatchProbe::deleteLaterKeepsQtSemantics()
{
    // Qt's scope level keeps `doomed->deleteLater(); processEvents();` inside a handler from deleting
    // the object before control returns to the loop. The probe must not change that.
    QFETCH(bool, installed);
    if (!installed)
        DispatchProbe::uninstall();
    Recorder receiver;
    QPointer<QObject> doomed = new QObject;
    bool aliveAfterProcessEvents = false;
    receiver.onEvent = [&](QEvent *) {
        doomed->deleteLater();
        QCoreApplication::processEvents();
        aliveAfterProcessEvents = !doomed.isNull();
    };
    QCoreApplication::postEvent(&receiver, new QEvent(probeEventType()));
    QTRY_VERIFY(doomed.isNull());
    QVERIFY(aliveAfterProcessEvents);
}

void TestDispatchProbe::spontaneousFlagIsKept()
{
    // Window-system events are sent spontaneous (QtGui does it through this private function).
    using Send = bool (*)(QObject *, QEvent *);
    const auto sendSpontaneous = reinterpret_cast<Send>(
        dlsym(RTLD_DEFAULT, "_ZN16QCoreApplication20sendSpontaneousEventEP7QObjectP6QEvent"));
    QVERIFY(sendSpontaneous);
    Recorder receiver;
    bool spontaneous = false;
    int depth = 0;
    receiver.onEvent = [&](QEvent *event) {
        spontaneous = event->spontaneous();
        DispatchProbe::Snapshot snapshot;
        DispatchProbe::snapshot(&snapshot);
        depth = snapshot.depth;
    };
    QEvent event(probeEventType());
    sendSpontaneous(&receiver, &event);
    QVERIFY(spontaneous);
    QCOMPARE(depth, 1);
}

void TestDispatchProbe::otherThreadsAreNotObserved()
{
    QThread worker;
    worker.start();
    auto *receiver = new Recorder;
    receiver->moveToThread(&worker);
    QObject::connect(&worker, &QThread::finished, receiver, &QObject::deleteLater);
    std::atomic<int> depthSeen {-1};
    receiver->onEvent = [&](QEvent *) {
        DispatchProbe::Snapshot snapshot;
        DispatchProbe::snapshot(&snapshot);
        depthSeen.store(snapshot.depth);
    };
    QCoreApplication::postEvent(receiver, new QEvent(probeEventType()));
    QTRY_VERIFY(depthSeen.load() >= 0);
    QCOMPARE(depthSeen.load(), 0); // the UI thread was idle; the worker's dispatch is not its own
    worker.quit();
    worker.wait();
}

int main(int argc, char *argv[])
{
    CountingApp app(argc, argv);
    TestDispatchProbe test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_dispatchprobe.moc"
