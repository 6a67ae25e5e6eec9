#include "workers/watchdog/notifyhook.h"

#include <QCoreApplication>
#include <QEvent>
#include <QObject>
#include <QtTest>

using Taskscope::Watchdog::NotifyHook;

namespace {

NotifyHook::NotifyInternal g_notify = nullptr;
QEvent *g_passThrough = nullptr;
int g_bracketed = 0;
int g_deliveredInside = 0;

class Receiver final : public QObject
{
public:
    int events = 0;
    bool event(QEvent *e) override
    {
        if (e->type() == QEvent::User) {
            ++events;
            if (g_passThrough) // delivered from inside the bracket
                ++g_deliveredInside;
            return true;
        }
        return QObject::event(e);
    }
};

bool bracket(void **data)
{
    auto *event = static_cast<QEvent *>(data[1]);
    if (event == g_passThrough)
        return false; // our re-entry: Qt delivers it
    if (event->type() != QEvent::User)
        return false;
    ++g_bracketed;
    QEvent *const saved = g_passThrough;
    g_passThrough = event;
    *static_cast<bool *>(data[2]) = g_notify(static_cast<QObject *>(data[0]), event);
    g_passThrough = saved;
    return true;
}

} // namespace

class TestNotifyHook final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void bracketsEachDispatchOnceAndDeliversItOnce()
    {
        g_notify = NotifyHook::install(&bracket);
        QVERIFY(g_notify);
        Receiver receiver;
        for (int i = 0; i < 3; ++i)
            QCoreApplication::postEvent(&receiver, new QEvent(QEvent::User));
        QCoreApplication::sendPostedEvents(&receiver);
        QCOMPARE(receiver.events, 3);
        QCOMPARE(g_bracketed, 3);
        QCOMPARE(g_deliveredInside, 3);

        NotifyHook::uninstall(&bracket);
        QCoreApplication::postEvent(&receiver, new QEvent(QEvent::User));
        QCoreApplication::sendPostedEvents(&receiver);
        QCOMPARE(receiver.events, 4);
        QCOMPARE(g_bracketed, 3); // no longer called
    }
};

QTEST_GUILESS_MAIN(TestNotifyHook)
#include "tst_notifyhook.moc"
