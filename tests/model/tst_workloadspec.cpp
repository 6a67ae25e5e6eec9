// Reading one workload of a scenario: numbers from hostile JSON get the right reason (a count of 1e300
// is out of range, not "not an integer", and converting it is never attempted).
#include "model/workloadspec.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Taskscope::Model;

using Taskscope::Protocol::FieldError;

class tst_WorkloadSpec : public QObject
{
    Q_OBJECT

private slots:
    void numbersGetTheRightReason_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("mentions");
        QTest::addRow("count of 1e300") << QByteArray(R"({"workload":"command","count":1e300})")
                                        << QStringLiteral("count is 1e+300, expected an integer between 1 and 100000");
        QTest::addRow("count of -1e300") << QByteArray(R"({"workload":"command","count":-1e300})")
                                         << QStringLiteral("count is -1e+300, expected an integer between 1 and");
        QTest::addRow("count of 2^63") << QByteArray(R"({"workload":"command","count":9223372036854775808})")
                                       << QStringLiteral("count is 9.22337203685e+18, expected an integer between");
        QTest::addRow("count of 1.5") << QByteArray(R"({"workload":"command","count":1.5})")
                                      << QStringLiteral("count is 1.5, expected an integer between 1 and 100000");
        QTest::addRow("count as text") << QByteArray(R"({"workload":"command","count":"2"})")
                                       << QStringLiteral("count is a string, expected an integer between");
        QTest::addRow("no workload") << QByteArray(R"({"count":2})")
                                     << QStringLiteral("workload is missing, expected one of live-transcription, ");
        QTest::addRow("unknown workload")
            << QByteArray(R"({"workload":"dance"})") << QStringLiteral("workload is \"dance\", expected one of ");
        QTest::addRow("relative base URL") << QByteArray(R"({"workload":"command","baseUrl":"/v1"})")
                                           << QStringLiteral("baseUrl is \"/v1\", expected an absolute URL");
        QTest::addRow("negative loop") << QByteArray(R"({"workload":"live-transcription","durationS":-1})")
                                       << QStringLiteral("durationS is -1, expected a number between 0 and 86400");
        QTest::addRow("loop past a day") << QByteArray(R"({"workload":"live-transcription","durationS":90000})")
                                         << QStringLiteral("durationS is 90000, expected a number between 0 and 86400");
        QTest::addRow("loop as text") << QByteArray(R"({"workload":"live-transcription","durationS":"30"})")
                                      << QStringLiteral("durationS is a string, expected a number between 0 and");
    }

    void numbersGetTheRightReason()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, mentions);
        FieldError error;
        QVERIFY(!WorkloadSpec::fromJson(QJsonDocument::fromJson(json).object(), &error));
        QVERIFY2(error.toString().startsWith(mentions), qPrintable(error.toString()));
    }

    void aValidCountIsRead()
    {
        FieldError error;
        const std::optional<WorkloadSpec> spec = WorkloadSpec::fromJson(
            QJsonDocument::fromJson(R"({"workload":"command","count":7})").object(), &error);
        QVERIFY2(spec, qPrintable(error.toString()));
        QCOMPARE(spec->count, 7);
    }

    void loopReadsAndWritesDurationS_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<double>("loopS");
        QTest::addRow("no field plays once") << QByteArray(R"({"workload":"live-transcription"})") << 0.0;
        QTest::addRow("whole seconds") << QByteArray(R"({"workload":"live-transcription","durationS":90})") << 90.0;
        QTest::addRow("a fraction of a second")
            << QByteArray(R"({"workload":"live-transcription","durationS":2.5})") << 2.5;
    }

    void loopReadsAndWritesDurationS()
    {
        QFETCH(QByteArray, json);
        QFETCH(double, loopS);
        FieldError error;
        const std::optional<WorkloadSpec> spec = WorkloadSpec::fromJson(QJsonDocument::fromJson(json).object(), &error);
        QVERIFY2(spec, qPrintable(error.toString()));
        QCOMPARE(spec->durationS, loopS);
        // Through JSON and back: the same loop.
        const std::optional<WorkloadSpec> back = WorkloadSpec::fromJson(spec->toJson(), &error);
        QVERIFY2(back, qPrintable(error.toString()));
        QCOMPARE(back->durationS, loopS);
    }
};

QTEST_GUILESS_MAIN(tst_WorkloadSpec)
#include "tst_workloadspec.moc"
