// WatchedProcess's checks and wording; launching and watching are in tests/app/gui/tst_probesessioncontroller.
#include "app/probe/watchedprocess.h"

#include <QTemporaryDir>
#include <QtTest>

#include <csignal>

using namespace Taskscope::Probe;

class TestWatchedProcess final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void describeExit_data()
    {
        QTest::addColumn<int>("code");
        QTest::addColumn<bool>("signalled");
        QTest::addColumn<QString>("text");
        QTest::newRow("clean exit") << 0 << false << "exited 0";
        QTest::newRow("failure status") << 3 << false << "exited 3";
        QTest::newRow("segmentation fault") << int(SIGSEGV) << true << "killed by SIGSEGV";
        QTest::newRow("abort") << int(SIGABRT) << true << "killed by SIGABRT";
        QTest::newRow("kill") << int(SIGKILL) << true << "killed by SIGKILL";
    }

    void describeExit()
    {
        QFETCH(int, code);
        QFETCH(bool, signalled);
        QFETCH(QString, text);
        QCOMPARE(WatchedProcess::describeExit(code, signalled), text);
    }

    void checkRequest_data()
    {
        QTest::addColumn<QString>("program");
        QTest::addColumn<QString>("directory");
        QTest::addColumn<QStringList>("environment");
        QTest::addColumn<QString>("error");
        QTest::newRow("program on PATH") << "sh"
                                         << "" << QStringList {QStringLiteral("A=1")} << "";
        QTest::newRow("absolute program") << "/bin/sh"
                                          << "/tmp" << QStringList {} << "";
        QTest::newRow("no program") << ""
                                    << "" << QStringList {} << "no program given";
        QTest::newRow("missing program") << "/nonexistent/prog"
                                         << "" << QStringList {} << "no such program";
        QTest::newRow("not on PATH") << "no-such-program-here"
                                     << "" << QStringList {} << "no such program";
        QTest::newRow("a folder") << "/tmp"
                                  << "" << QStringList {} << "not an executable file";
        QTest::newRow("missing working folder") << "/bin/sh"
                                                << "/nonexistent/dir" << QStringList {} << "does not exist";
        QTest::newRow("bad environment line") << "/bin/sh"
                                              << "" << QStringList {QStringLiteral("X")} << "not NAME=value";
    }

    void checkRequest()
    {
        QFETCH(QString, program);
        QFETCH(QString, directory);
        QFETCH(QStringList, environment);
        QFETCH(QString, error);
        const QString why = WatchedProcess::checkRequest({program, {}, directory, environment});
        if (error.isEmpty())
            QCOMPARE(why, QString());
        else
            QVERIFY2(why.contains(error), qPrintable(why));
    }

    void launchingAMissingProgramFailsCleanly()
    {
        WatchedProcess process;
        QString error;
        QVERIFY(!process.launch({QStringLiteral("/nonexistent/prog"), {}, {}, {}}, &error));
        QVERIFY(error.contains(QStringLiteral("no such program")));
        QCOMPARE(process.pid(), qint64(0));
    }
};

QTEST_MAIN(TestWatchedProcess)
#include "tst_watchedprocess.moc"
