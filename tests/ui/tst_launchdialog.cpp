#include "ui/launchdialog.h"

#include <QLineEdit>
#include <QtTest>

using namespace Taskscope::Ui;

class TestLaunchDialog final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void validation_data()
    {
        QTest::addColumn<QString>("program");
        QTest::addColumn<QString>("environment");
        QTest::addColumn<QString>("error");
        QTest::newRow("program and environment") << "/usr/bin/true"
                                                 << "A=1\nB=two words"
                                                 << "";
        QTest::newRow("no environment") << "designer"
                                        << ""
                                        << "";
        QTest::newRow("no program") << "  "
                                    << ""
                                    << "Name the program";
        QTest::newRow("line without equals") << "designer"
                                             << "A=1\nnonsense"
                                             << "\"nonsense\" is not NAME=value";
        QTest::newRow("line without name") << "designer"
                                           << "=1"
                                           << "is not NAME=value";
    }

    void validation()
    {
        QFETCH(QString, program);
        QFETCH(QString, environment);
        QFETCH(QString, error);
        LaunchDialog dialog;
        dialog.setValues({program, QStringLiteral("--flag \"two words\""), {}, environment});
        if (error.isEmpty())
            QCOMPARE(dialog.validationError(), QString());
        else
            QVERIFY2(dialog.validationError().contains(error), qPrintable(dialog.validationError()));
        dialog.accept();
        QCOMPARE(dialog.result(), error.isEmpty() ? int(QDialog::Accepted) : int(QDialog::Rejected));
    }

    void valuesComeBackAsSet()
    {
        LaunchDialog dialog;
        const LaunchDialog::Values in {QStringLiteral("/usr/lib/qt6/bin/designer"), QStringLiteral("-a \"b c\""),
                                       QStringLiteral("/tmp"), QStringLiteral("X=1\nY=2")};
        dialog.setValues(in);
        const LaunchDialog::Values out = dialog.values();
        QCOMPARE(out.program, in.program);
        QCOMPARE(out.arguments, in.arguments);
        QCOMPARE(out.workingDirectory, in.workingDirectory);
        QCOMPARE(out.environment, in.environment);
    }
};

QTEST_MAIN(TestLaunchDialog)
#include "tst_launchdialog.moc"
