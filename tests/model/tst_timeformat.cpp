// Times and counts as the window writes them.
#include "model/timeformat.h"

#include <QTest>

using namespace Taskscope::Model;

class TestTimeFormat final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void duration_data();
    void duration();
    void timestamp_data();
    void timestamp();
    void counts();
};

void TestTimeFormat::duration_data()
{
    QTest::addColumn<qint64>("ns");
    QTest::addColumn<QString>("text");
    QTest::newRow("nanoseconds") << qint64(820) << QStringLiteral("820 ns");
    QTest::newRow("microseconds") << qint64(12'400) << QStringLiteral("12.40 µs");
    QTest::newRow("milliseconds") << qint64(16'700'000) << QStringLiteral("16.70 ms");
    QTest::newRow("seconds") << qint64(1'500'000'000) << QStringLiteral("1.50 s");
    QTest::newRow("minutes") << qint64(125) * 1'000'000'000 << QStringLiteral("2 min 05 s");
    QTest::newRow("hours") << qint64(3725) * 1'000'000'000 << QStringLiteral("1 h 02 min");
    QTest::newRow("negative") << qint64(-2'000'000) << QStringLiteral("-2.00 ms");
}

void TestTimeFormat::duration()
{
    QFETCH(qint64, ns);
    QFETCH(QString, text);
    QCOMPARE(TimeFormat::duration(ns), text);
}

void TestTimeFormat::timestamp_data()
{
    QTest::addColumn<qint64>("ns");
    QTest::addColumn<qint64>("resolution");
    QTest::addColumn<QString>("text");
    QTest::newRow("ticks a second apart") << qint64(3'000'000'000) << qint64(1'000'000'000) << QStringLiteral("3 s");
    QTest::newRow("ticks 20 ms apart") << qint64(1'240'000'000) << qint64(20'000'000) << QStringLiteral("1.24 s");
    QTest::newRow("ticks 5 µs apart") << qint64(1'000'005'000) << qint64(5'000) << QStringLiteral("1.000005 s");
    QTest::newRow("nanoseconds") << qint64(1'000'000'007) << qint64(1) << QStringLiteral("1.000000007 s");
    QTest::newRow("hours of trace") << qint64(3723) * 1'000'000'000 << qint64(1'000'000'000)
                                    << QStringLiteral("1:02:03");
}

void TestTimeFormat::timestamp()
{
    QFETCH(qint64, ns);
    QFETCH(qint64, resolution);
    QFETCH(QString, text);
    QCOMPARE(TimeFormat::timestamp(ns, resolution), text);
}

void TestTimeFormat::counts()
{
    QCOMPARE(TimeFormat::count(1234567), QStringLiteral("1,234,567"));
    QCOMPARE(TimeFormat::count(12), QStringLiteral("12"));
    QCOMPARE(TimeFormat::compactCount(9999), QStringLiteral("9999"));
    QCOMPARE(TimeFormat::compactCount(12'500), QStringLiteral("12.5 k"));
    QCOMPARE(TimeFormat::compactCount(1'200'000), QStringLiteral("1.2 M"));
    QCOMPARE(TimeFormat::bytes(2048), QStringLiteral("2.0 KiB"));
}

QTEST_GUILESS_MAIN(TestTimeFormat)
#include "tst_timeformat.moc"
