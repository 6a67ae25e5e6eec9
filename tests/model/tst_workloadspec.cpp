// Reading one workload of a scenario: numbers from hostile JSON get the right reason (a count of 1e300
// is out of range, not "not an integer", and converting it is never attempted).
#include "model/workloadspec.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

class tst_WorkloadSpec : public QObject
{
    Q_OBJECT

private slots:
    void numbersGetTheRightReason_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("mentions");
        QTest::addRow("count of 1e300") << QByteArray(R"({"workload":"command","count":1e300})")
                                        << QStringLiteral("'count' must be between");
        QTest::addRow("count of -1e300") << QByteArray(R"({"workload":"command","count":-1e300})")
                                         << QStringLiteral("'count' must be between");
        QTest::addRow("count of 2^63") << QByteArray(R"({"workload":"command","count":9223372036854775808})")
                                       << QStringLiteral("'count' must be between");
        QTest::addRow("count of 1.5") << QByteArray(R"({"workload":"command","count":1.5})")
                                      << QStringLiteral("'count' must be an integer");
        QTest::addRow("count as text") << QByteArray(R"({"workload":"command","count":"2"})")
                                       << QStringLiteral("'count' must be an integer");
    }

    void numbersGetTheRightReason()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, mentions);
        QString error;
        WorkloadSpec::fromJson(QJsonDocument::fromJson(json).object(), &error);
        QVERIFY2(error.contains(mentions), qPrintable(error));
    }

    void aValidCountIsRead()
    {
        QString error;
        const WorkloadSpec spec = WorkloadSpec::fromJson(
            QJsonDocument::fromJson(R"({"workload":"command","count":7})").object(), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(spec.count, 7);
    }
};

QTEST_GUILESS_MAIN(tst_WorkloadSpec)
#include "tst_workloadspec.moc"
