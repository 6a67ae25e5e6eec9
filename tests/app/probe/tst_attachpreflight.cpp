#include "app/probe/attachpreflight.h"

#include <QtTest>

using namespace Taskscope::Probe;

class TestAttachPreflight final : public QObject
{
    Q_OBJECT

private slots:
    void ptraceScope_data()
    {
        QTest::addColumn<int>("scope"); // -1: Yama not active
        QTest::addColumn<bool>("privileged");
        QTest::addColumn<QString>("mentions"); // empty: allowed
        QTest::newRow("Yama not active") << -1 << false << QString();
        QTest::newRow("scope 0: any process of the user") << 0 << false << QString();
        QTest::newRow("scope 1 refuses a non-parent") << 1 << false << "ptrace_scope is 1";
        QTest::newRow("scope 1 allows root") << 1 << true << QString();
        QTest::newRow("scope 2 refuses without CAP_SYS_PTRACE") << 2 << false << "CAP_SYS_PTRACE";
        QTest::newRow("scope 3 refuses everyone") << 3 << true << "ptrace_scope is 3";
    }

    void ptraceScope()
    {
        QFETCH(int, scope);
        QFETCH(bool, privileged);
        QFETCH(QString, mentions);
        const QString why = AttachPreflight::checkPtraceScope(scope < 0 ? std::nullopt : std::optional<int>(scope),
                                                              privileged);
        if (mentions.isEmpty())
            QCOMPARE(why, QString());
        else
            QVERIFY2(why.contains(mentions), qPrintable(why));
    }

    void qtOfTheProcess_data()
    {
        QTest::addColumn<QString>("maps");
        QTest::addColumn<QString>("mentions"); // empty: allowed
        const QString line = QStringLiteral("7f00-7f10 r-xp 0 08:01 1 /usr/lib/x86_64-linux-gnu/%1\n");
        QTest::newRow("same Qt minor") << line.arg(u"libQt6Core.so.6.4.2") << QString();
        QTest::newRow("another Qt minor") << line.arg(u"libQt6Core.so.6.7.0") << "runs Qt 6.7.0";
        QTest::newRow("Qt 5 program") << line.arg(u"libQt5Core.so.5.15.8") << "Qt 5 program";
        QTest::newRow("no Qt at all") << line.arg(u"libc.so.6") << "not a Qt 6 program";
        QTest::newRow("probe already inside")
            << line.arg(u"libQt6Core.so.6.4.2") + line.arg(u"libtaskscope_probe.so") << "already has";
    }

    void qtOfTheProcess()
    {
        QFETCH(QString, maps);
        QFETCH(QString, mentions);
        const QString why = AttachPreflight::checkQt(77, maps, QStringLiteral("6.4"));
        if (mentions.isEmpty())
            QCOMPARE(why, QString());
        else
            QVERIFY2(why.contains(mentions), qPrintable(why));
    }

    void missingGdbSaysWhichPackage()
    {
        QVERIFY(AttachPreflight::checkGdb(QString()).contains(u"Debian package gdb"));
        QCOMPARE(AttachPreflight::checkGdb(QStringLiteral("/usr/bin/gdb")), QString());
    }

    void noSuchProcess()
    {
        QString gdb;
        const QString why = AttachPreflight::refusal(0, &gdb);
        QVERIFY(!why.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestAttachPreflight)
#include "tst_attachpreflight.moc"
