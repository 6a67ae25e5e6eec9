// The dispatch probe: what the UI thread dispatches, at which depth, without changing Qt's behaviour.
#include "workers/dispatchprobe.h"

#include <QCoreApplication>
#include <QPointer>
#include <QTest>
#include <QThread>

#include <dlfcn.h>

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

class Recorder final : public QObject
{
public:
    std::function<void(QEvent *)> onEvent;
    bool event(QEvent *event) override
    {
        if (event->type() == probeEventType() && onEvent) {
            onEvent(event);
            return true;
        }
        return QObject::event(event);
    }
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
