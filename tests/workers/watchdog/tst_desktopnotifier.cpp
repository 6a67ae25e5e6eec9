// Desktop notifications from a non-GUI thread by spawning the desktop's own tool, never waiting on it.
#include "workers/watchdog/desktopnotifier.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Taskscope::Watchdog;

class TestDesktopNotifier final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void notifySendGetsSummaryBodyAndUrgency_data();
    void notifySendGetsSummaryBodyAndUrgency();
    void withoutToolsItSaysWhyAndDoesNothing();
    void slowNotifierDoesNotBlockAndIsBounded();

private:
    // Puts a stand-in `notify-send` (a shell script that records its arguments) first on PATH.
    void installNotifySend(const QByteArray &body);
    std::unique_ptr<QTemporaryDir> m_dir;
    QByteArray m_path;
    QByteArray m_bus;
};

void TestDesktopNotifier::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_path = qgetenv("PATH");
    m_bus = qgetenv("DBUS_SESSION_BUS_ADDRESS");
}

void TestDesktopNotifier::cleanup()
{
    qputenv("PATH", m_path);
    if (m_bus.isEmpty())
        qunsetenv("DBUS_SESSION_BUS_ADDRESS");
    else
        qputenv("DBUS_SESSION_BUS_ADDRESS", m_bus);
}

void TestDesktopNotifier::installNotifySend(const QByteArray &body)
{
    QFile script(m_dir->filePath(QStringLiteral("notify-send")));
    QVERIFY(script.open(QIODevice::WriteOnly));
    script.write("#!/bin/sh\n" + body);
    script.close();
    QVERIFY(script.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
    qputenv("PATH", QFile::encodeName(m_dir->path()) + ':' + m_path);
}

void TestDesktopNotifier::notifySendGetsSummaryBodyAndUrgency_data()
{
    QTest::addColumn<bool>("critical");
    QTest::addColumn<QString>("urgency");
    QTest::newRow("hang") << false << QStringLiteral("--urgency=normal");
    QTest::newRow("critical hang") << true << QStringLiteral("--urgency=critical");
}

void TestDesktopNotifier::notifySendGetsSummaryBodyAndUrgency()
{
    QFETCH(bool, critical);
    QFETCH(QString, urgency);
    const QString out = m_dir->filePath(QStringLiteral("args.txt"));
    installNotifySend("for a in \"$@\"; do echo \"$a\"; done > '" + QFile::encodeName(out) + "'\n");
    DesktopNotifier notifier;
    QVERIFY(notifier.available());
    QCOMPARE(notifier.method(), QStringLiteral("notify-send"));
    QVERIFY(notifier.notify(QStringLiteral("UI thread frozen"), QStringLiteral("in span 'parse'"), critical));
    QCOMPARE(notifier.sent(), 1);
    QTRY_VERIFY(QFile::exists(out) && QFileInfo(out).size() > 0);
    QTest::qWait(50);
    QFile args(out);
    QVERIFY(args.open(QIODevice::ReadOnly));
    const QStringList lines = QString::fromUtf8(args.readAll()).split(u'\n', Qt::SkipEmptyParts);
    QVERIFY(lines.contains(urgency));
    QVERIFY(lines.contains(QStringLiteral("UI thread frozen")));
    QVERIFY(lines.contains(QStringLiteral("in span 'parse'")));
}

void TestDesktopNotifier::withoutToolsItSaysWhyAndDoesNothing()
{
    qputenv("PATH", QFile::encodeName(m_dir->path())); // an empty folder: no notify-send, no gdbus
    qunsetenv("DBUS_SESSION_BUS_ADDRESS");
    DesktopNotifier notifier;
    QVERIFY(!notifier.available());
    QVERIFY(!notifier.unavailableReason().isEmpty());
    QVERIFY(!notifier.notify(QStringLiteral("x"), QStringLiteral("y"), false));
    QCOMPARE(notifier.sent(), 0);
}

void TestDesktopNotifier::slowNotifierDoesNotBlockAndIsBounded()
{
    installNotifySend("sleep 30\n");
    DesktopNotifier notifier;
    int started = 0;
    for (int i = 0; i < 10; ++i)
        started += notifier.notify(QStringLiteral("x"), QStringLiteral("y"), false);
    QCOMPARE(started, 4); // at most four at once
    QCOMPARE(notifier.pending(), 4);
    // Destruction ends and reaps them (no zombies, no wait for the 30 s).
}

QTEST_GUILESS_MAIN(TestDesktopNotifier)
#include "tst_desktopnotifier.moc"
