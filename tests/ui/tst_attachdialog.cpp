#include "ui/attachdialog.h"

#include <QTreeWidget>
#include <QtTest>

using namespace Taskscope::Ui;

class TestAttachDialog final : public QObject
{
    Q_OBJECT

private:
    static QList<AttachDialog::Row> rows()
    {
        return {{4242, QStringLiteral("designer"), QStringLiteral("ana"), {}},
                {77, QStringLiteral("oldapp"), QStringLiteral("ana"),
                 QStringLiteral("process 77 runs Qt 6.2.4; this probe is built for Qt 6.4")}};
    }

private Q_SLOTS:
    void rowsArePidNameUserAndVerdict()
    {
        AttachDialog dialog(&rows);
        QCOMPARE(dialog.list()->topLevelItemCount(), 2);
        const QTreeWidgetItem *first = dialog.list()->topLevelItem(0); // sorted by pid
        QCOMPARE(first->text(0), QStringLiteral("77"));
        QCOMPARE(first->text(1), QStringLiteral("oldapp"));
        QCOMPARE(first->text(2), QStringLiteral("ana"));
        QVERIFY(first->text(3).contains(QStringLiteral("Qt 6.2.4")));
        QCOMPARE(dialog.list()->topLevelItem(1)->text(3), QStringLiteral("yes"));
    }

    void choice_data()
    {
        QTest::addColumn<qint64>("pid");
        QTest::addColumn<bool>("accepted");
        QTest::addColumn<QString>("status");
        QTest::newRow("a process it can attach to") << qint64(4242) << true << "gdb stops the process";
        QTest::newRow("a process the pre-flight refuses")
            << qint64(77) << false << "Cannot attach: process 77 runs Qt 6.2.4";
    }

    void choice()
    {
        QFETCH(qint64, pid);
        QFETCH(bool, accepted);
        QFETCH(QString, status);
        AttachDialog dialog(&rows);
        QVERIFY(dialog.selectPid(pid));
        QCOMPARE(dialog.selectedPid(), pid);
        QCOMPARE(dialog.canAccept(), accepted);
        QVERIFY2(dialog.statusText().contains(status), qPrintable(dialog.statusText()));
    }

    void nothingListedSaysSo()
    {
        AttachDialog dialog([] { return QList<AttachDialog::Row> {}; });
        QVERIFY(!dialog.canAccept());
        QVERIFY(dialog.statusText().contains(QStringLiteral("No running Qt 6 program")));
    }
};

QTEST_MAIN(TestAttachDialog)
#include "tst_attachdialog.moc"
