#include "app/probe/launchcommandline.h"

#include <QtTest>

using namespace Taskscope::Probe;

class TestLaunchCommandLine final : public QObject
{
    Q_OBJECT

private slots:
    void parsesOptionsAndProgram_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("program");
        QTest::addColumn<QStringList>("programArguments");
        QTest::addColumn<qint64>("failOnHangMs");
        QTest::addColumn<bool>("headless");
        const QStringList head {QStringLiteral("taskscope"), QStringLiteral("launch")};
        QTest::newRow("every option, program after --")
            << head + QStringList {"--headless", "--report", "r.json", "--trace", "t.json", "--fail-on-hang",
                                   "250",        "--",       "app",    "--flag",  "x"}
            << "app" << QStringList {"--flag", "x"} << qint64(250) << true;
        QTest::newRow("program without --")
            << head + QStringList {"--headless", "app", "-v"} << "app" << QStringList {"-v"} << qint64(-1) << true;
        QTest::newRow("program's own options after -- are not ours")
            << head + QStringList {"--", "app", "--headless"} << "app" << QStringList {"--headless"} << qint64(-1)
            << false;
    }

    void parsesOptionsAndProgram()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, program);
        QFETCH(QStringList, programArguments);
        QFETCH(qint64, failOnHangMs);
        QFETCH(bool, headless);
        QString error;
        const auto line = LaunchCommandLine::parse(arguments, &error);
        QVERIFY2(line, qPrintable(error));
        QCOMPARE(line->program, program);
        QCOMPARE(line->programArguments, programArguments);
        QCOMPARE(line->failOnHang ? qint64(line->failOnHang->count()) : -1, failOnHangMs);
        QCOMPARE(line->headless, headless);
    }

    void refusesBadLines_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("mentions");
        const QStringList head {QStringLiteral("taskscope"), QStringLiteral("launch")};
        QTest::newRow("no program") << head + QStringList {"--headless"} << "no program";
        QTest::newRow("nothing after --") << head + QStringList {"--"} << "no program";
        QTest::newRow("value missing") << head + QStringList {"--report"} << "--report";
        QTest::newRow("hang limit not a number") << head + QStringList {"--fail-on-hang", "soon", "app"} << "soon";
        QTest::newRow("hang limit zero") << head + QStringList {"--fail-on-hang", "0", "app"} << "--fail-on-hang";
        QTest::newRow("unknown option") << head + QStringList {"--frobnicate", "app"} << "--frobnicate";
    }

    void refusesBadLines()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, mentions);
        QString error;
        QVERIFY(!LaunchCommandLine::parse(arguments, &error));
        QVERIFY2(error.contains(mentions), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestLaunchCommandLine)
#include "tst_launchcommandline.moc"
