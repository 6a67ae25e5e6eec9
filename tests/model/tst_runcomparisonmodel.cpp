// Two runs' figures side by side from any JSON report layout.
#include "model/runcomparisonmodel.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace Taskscope::Model;

namespace {

QJsonObject report(const char *json)
{
    return QJsonDocument::fromJson(QByteArray(json)).object();
}

} // namespace

class TestRunComparisonModel final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void passesTheModelTester();
    void flattensNumbersByPath();
    void pairsFiguresOfBothRuns();
    void verdictKnowsWhichWayIsBetter_data();
    void verdictKnowsWhichWayIsBetter();
    void boundedAgainstHugeReports();
    void displayName_data();
    void displayName();
    void smallDifferencesAreNoise_data();
    void smallDifferencesAreNoise();
    void median_data();
    void median();
    void repeatedRunsJudgeBySpread_data();
    void repeatedRunsJudgeBySpread();
};

void TestRunComparisonModel::passesTheModelTester()
{
    RunComparisonModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setRuns(QStringLiteral("thread"), report(R"({"a":1,"b":{"c":2}})"), QStringLiteral("coroutine"),
                  report(R"({"a":3,"d":4})"));
    model.clear();
    model.setRuns({}, {}, {}, report(R"({"x":1})"));
}

void TestRunComparisonModel::flattensNumbersByPath()
{
    const auto figures = RunComparisonModel::flatten(report(
        R"({"label":"thread","pacing":{"p99_ms":1.5,"max_ms":3},"ok":true,"streams":[{"name":"s1","ttft_ms":120},{"x":7}],"note":"text"})"));
    QStringList names;
    for (const auto &f : figures)
        names.append(f.first);
    names.sort();
    // Strings are not figures; booleans count as 0 / 1; arrays of named objects go by name.
    QCOMPARE(names,
             (QStringList {QStringLiteral("ok"), QStringLiteral("pacing.max_ms"), QStringLiteral("pacing.p99_ms"),
                           QStringLiteral("streams[1].x"), QStringLiteral("streams[s1].ttft_ms")}));
}

void TestRunComparisonModel::pairsFiguresOfBothRuns()
{
    RunComparisonModel model;
    model.setRuns(QStringLiteral("thread"), report(R"({"cpu_ms":100,"only_a":1})"), QStringLiteral("coroutine"),
                  report(R"({"cpu_ms":50,"only_b":2})"));
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.headerData(RunComparisonModel::RunAColumn, Qt::Horizontal).toString(), QStringLiteral("thread"));
    const int cpu = model.figureRow(QStringLiteral("cpu_ms"));
    QCOMPARE(model.index(cpu, RunComparisonModel::RunAColumn).data().toString(), QStringLiteral("100.0"));
    QCOMPARE(model.index(cpu, RunComparisonModel::RunBColumn).data().toString(), QStringLiteral("50.000"));
    QCOMPARE(model.index(cpu, RunComparisonModel::ChangeColumn).data().toString(), QStringLiteral("-50.0 %"));
    QCOMPARE(model.index(cpu, 0).data(RunComparisonModel::RatioRole).toDouble(), 0.5);
    const int onlyA = model.figureRow(QStringLiteral("only_a"));
    QCOMPARE(model.index(onlyA, RunComparisonModel::RunBColumn).data().toString(), QString());
    QVERIFY(!model.index(onlyA, 0).data(RunComparisonModel::ValueBRole).isValid());
    QCOMPARE(model.index(onlyA, 0).data(RunComparisonModel::VerdictRole).toInt(), 0);
}

void TestRunComparisonModel::verdictKnowsWhichWayIsBetter_data()
{
    QTest::addColumn<QString>("figure");
    QTest::addColumn<double>("a");
    QTest::addColumn<double>("b");
    QTest::addColumn<int>("verdict");
    QTest::newRow("lower latency is better") << QStringLiteral("latency.p99_ms") << 10.0 << 5.0 << 1;
    QTest::newRow("higher lateness is worse") << QStringLiteral("pacing.lateness_ms") << 1.0 << 2.0 << -1;
    QTest::newRow("more tokens per second is better") << QStringLiteral("tokens_per_s") << 50.0 << 80.0 << 1;
    QTest::newRow("lower request rate is worse") << QStringLiteral("requests.rate") << 900.0 << 600.0 << -1;
    QTest::newRow("less memory per stream is better")
        << QStringLiteral("live-transcription.memoryPerStreamKiB") << 16379.8 << 300.0 << 1;
    QTest::newRow("less CPU is better") << QStringLiteral("live-transcription.cpuPercent") << 50.0 << 45.7 << 1;
    QTest::newRow("equal is neither") << QStringLiteral("cpu_ms") << 3.0 << 3.0 << 0;
}

void TestRunComparisonModel::verdictKnowsWhichWayIsBetter()
{
    QFETCH(QString, figure);
    QFETCH(double, a);
    QFETCH(double, b);
    QFETCH(int, verdict);
    RunComparisonModel model;
    model.setRuns(QStringLiteral("A"), QJsonObject {{figure, a}}, QStringLiteral("B"), QJsonObject {{figure, b}});
    QCOMPARE(model.index(0, RunComparisonModel::ChangeColumn).data(RunComparisonModel::VerdictRole).toInt(), verdict);
}

void TestRunComparisonModel::displayName_data()
{
    QTest::addColumn<QString>("figure");
    QTest::addColumn<QString>("name");
    QTest::newRow("camelCase with a percentile and a unit")
        << QStringLiteral("live-transcription.latencyP50Ms") << QStringLiteral("live-transcription · latency p50 (ms)");
    QTest::newRow("memory per stream") << QStringLiteral("memoryPerStreamKiB")
                                       << QStringLiteral("memory per stream (KiB)");
    QTest::newRow("snake_case") << QStringLiteral("pacing.p99_ms") << QStringLiteral("pacing · p99 (ms)");
    QTest::newRow("a rate") << QStringLiteral("requestsPerSecond") << QStringLiteral("requests (/s)");
    QTest::newRow("an acronym stays") << QStringLiteral("TTFT_ms") << QStringLiteral("TTFT (ms)");
    QTest::newRow("no unit") << QStringLiteral("errors") << QStringLiteral("errors");
}

void TestRunComparisonModel::displayName()
{
    QFETCH(QString, figure);
    QFETCH(QString, name);
    QCOMPARE(RunComparisonModel::displayName(figure), name);
}

void TestRunComparisonModel::smallDifferencesAreNoise_data()
{
    QTest::addColumn<QString>("figure");
    QTest::addColumn<double>("a");
    QTest::addColumn<double>("b");
    QTest::addColumn<bool>("noise");
    QTest::newRow("2 % apart") << QStringLiteral("tokens_per_s") << 100.0 << 102.0 << true;
    QTest::newRow("20 % apart") << QStringLiteral("tokens_per_s") << 100.0 << 120.0 << false;
    QTest::newRow("a sub-millisecond latency change") << QStringLiteral("latencyP50Ms") << 0.4 << 0.9 << true;
    QTest::newRow("a 30 ms latency change") << QStringLiteral("latencyP50Ms") << 40.0 << 70.0 << false;
}

void TestRunComparisonModel::smallDifferencesAreNoise()
{
    QFETCH(QString, figure);
    QFETCH(double, a);
    QFETCH(double, b);
    QFETCH(bool, noise);
    QCOMPARE(RunComparisonModel::withinNoise(figure, a, b), noise);
    RunComparisonModel model;
    model.setRuns(QStringLiteral("A"), QJsonObject {{figure, a}}, QStringLiteral("B"), QJsonObject {{figure, b}});
    const QModelIndex change = model.index(0, RunComparisonModel::ChangeColumn);
    QCOMPARE(change.data(RunComparisonModel::NoiseRole).toBool(), noise);
    // Noise is never coloured as better or worse.
    if (noise)
        QCOMPARE(change.data(RunComparisonModel::VerdictRole).toInt(), 0);
    else
        QVERIFY(change.data(RunComparisonModel::VerdictRole).toInt() != 0);
    QCOMPARE(change.data().toString().endsWith(QStringLiteral("(noise)")), noise);
}

void TestRunComparisonModel::median_data()
{
    QTest::addColumn<QList<double>>("values");
    QTest::addColumn<double>("expected");
    QTest::newRow("one value is itself") << QList<double> {7} << 7.0;
    QTest::newRow("odd count takes the middle") << QList<double> {30, 10, 12} << 12.0;
    QTest::newRow("even count averages the middle two") << QList<double> {4, 1, 3, 2} << 2.5;
}

void TestRunComparisonModel::median()
{
    QFETCH(QList<double>, values);
    QFETCH(double, expected);
    QCOMPARE(RunComparisonModel::median(values), expected);
}

void TestRunComparisonModel::repeatedRunsJudgeBySpread_data()
{
    QTest::addColumn<QList<double>>("a");
    QTest::addColumn<QList<double>>("b");
    QTest::addColumn<double>("medianA");
    QTest::addColumn<double>("medianB");
    QTest::addColumn<int>("verdict");
    QTest::addColumn<bool>("noise");
    // latencyP50Ms: lower is better.
    QTest::newRow("separate ranges: B is better")
        << QList<double> {10, 12, 30} << QList<double> {5, 6, 7} << 12.0 << 6.0 << 1 << false;
    QTest::newRow("overlapping ranges: within the spread")
        << QList<double> {10, 20, 30} << QList<double> {15, 25, 35} << 20.0 << 25.0 << 0 << true;
    QTest::newRow("separate ranges: B is worse")
        << QList<double> {10, 11} << QList<double> {12, 14} << 10.5 << 13.0 << -1 << false;
}

void TestRunComparisonModel::repeatedRunsJudgeBySpread()
{
    QFETCH(QList<double>, a);
    QFETCH(QList<double>, b);
    QFETCH(double, medianA);
    QFETCH(double, medianB);
    QFETCH(int, verdict);
    QFETCH(bool, noise);
    const QString figure = QStringLiteral("latencyP50Ms");
    const auto runs = [&](const QList<double> &values) {
        QList<QJsonObject> out;
        for (const double v : values)
            out.append(QJsonObject {{figure, v}});
        return out;
    };
    RunComparisonModel model;
    model.setRepeatedRuns(QStringLiteral("A"), runs(a), QStringLiteral("B"), runs(b));
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.index(0, 0).data(RunComparisonModel::ValueARole).toDouble(), medianA);
    QCOMPARE(model.index(0, 0).data(RunComparisonModel::ValueBRole).toDouble(), medianB);
    const QModelIndex change = model.index(0, RunComparisonModel::ChangeColumn);
    QCOMPARE(change.data(RunComparisonModel::VerdictRole).toInt(), verdict);
    QCOMPARE(change.data(RunComparisonModel::NoiseRole).toBool(), noise);
    // The note gives the spread, not the single-run warning.
    const QString tip = change.data(Qt::ToolTipRole).toString();
    QVERIFY2(tip.contains(QStringLiteral("ranged")), qPrintable(tip));
    QCOMPARE(tip.contains(QStringLiteral("ranges overlap")), noise);
    QVERIFY(!tip.contains(QStringLiteral("one run")));
    QVERIFY(model.index(0, RunComparisonModel::RunAColumn)
                .data(Qt::ToolTipRole)
                .toString()
                .startsWith(QStringLiteral("Median of %1 runs").arg(a.size())));
}

void TestRunComparisonModel::boundedAgainstHugeReports()
{
    QJsonObject big;
    for (int i = 0; i < RunComparisonModel::MaxFigures + 500; ++i)
        big.insert(QStringLiteral("f%1").arg(i), i);
    QJsonArray longArray;
    for (int i = 0; i < 1000; ++i)
        longArray.append(i);
    big.insert(QStringLiteral("array"), longArray);
    RunComparisonModel model;
    model.setRuns(QStringLiteral("A"), big, QStringLiteral("B"), big);
    QVERIFY(model.rowCount() <= RunComparisonModel::MaxFigures);
    QVERIFY(RunComparisonModel::flatten(QJsonObject {{QStringLiteral("array"), longArray}}).size()
            <= RunComparisonModel::MaxArrayItems);
}

QTEST_GUILESS_MAIN(TestRunComparisonModel)
#include "tst_runcomparisonmodel.moc"
