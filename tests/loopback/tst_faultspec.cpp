// The fault spec syntax: every item parses, canonical text round-trips, and bad specs say why.
#include "workers/loopback/faultspec.h"

#include <QTest>

using Taskscope::Loopback::FaultSpec;

class tst_FaultSpec : public QObject
{
    Q_OBJECT

private slots:
    void parsesEveryItem()
    {
        QString error;
        const auto spec = FaultSpec::parse(
            QStringLiteral(" latency=120, message-delay=30,drop-after-ms=2000,drop-after-rx-bytes=6400,"
                           "drop-after-tx-bytes=99,drop-after-messages=3,close=4001:going%20away%2C%20bye,"
                           "malformed-json=2,status=429,retry-after=7,slow-read=16000,p=0.25,only=/v1/listen"),
            &error);
        QVERIFY2(spec, qPrintable(error));
        QCOMPARE(spec->latencyMs, 120);
        QCOMPARE(spec->messageDelayMs, 30);
        QCOMPARE(spec->dropAfterMs, 2000);
        QCOMPARE(spec->dropAfterRxBytes, 6400);
        QCOMPARE(spec->dropAfterTxBytes, 99);
        QCOMPARE(spec->dropAfterMessages, 3);
        QCOMPARE(spec->closeCode, 4001);
        QCOMPARE(spec->closeReason, QStringLiteral("going away, bye"));
        QCOMPARE(spec->malformedJsonMessage, 2);
        QCOMPARE(spec->httpStatus, 429);
        QCOMPARE(spec->retryAfterSeconds, 7);
        QCOMPARE(spec->slowReadBytesPerSecond, 16000);
        QCOMPARE(spec->probability, 0.25);
        QCOMPARE(spec->onlyPathPrefix, QStringLiteral("/v1/listen"));
        QVERIFY(spec->hasDropTrigger());
        QVERIFY(spec->appliesToPath(QStringLiteral("/v1/listen")));
        QVERIFY(!spec->appliesToPath(QStringLiteral("/v1/speak")));
        // Canonical text parses back to the same spec.
        const auto again = FaultSpec::parse(spec->toString(), &error);
        QVERIFY2(again, qPrintable(error));
        QCOMPARE(*again, *spec);
    }

    void defaultsAndFlags()
    {
        const auto empty = FaultSpec::parse(QString());
        QVERIFY(empty && empty->isEmpty());
        QVERIFY(!empty->hasDropTrigger());
        QCOMPARE(empty->toString(), QString());
        const auto malformed = FaultSpec::parse(QStringLiteral("malformed-json"));
        QVERIFY(malformed);
        QCOMPARE(malformed->malformedJsonMessage, 1);
        const auto close = FaultSpec::parse(QStringLiteral("close=1011"));
        QVERIFY(close);
        QCOMPARE(close->closeCode, 1011);
        QVERIFY(close->closeReason.isEmpty());
        QVERIFY(!close->hasDropTrigger());
    }

    void rejectsBadSpecs_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("mentions");
        QTest::addRow("unknown item") << QStringLiteral("explode=1") << QStringLiteral("unknown fault");
        QTest::addRow("negative latency") << QStringLiteral("latency=-5") << QStringLiteral("latency");
        QTest::addRow("latency of 2^32 ms") << QStringLiteral("latency=4294967296") << QStringLiteral("0-86400000");
        QTest::addRow("message delay of 2^31 ms")
            << QStringLiteral("message-delay=2147483648") << QStringLiteral("0-86400000");
        QTest::addRow("drop after 2^63 ms")
            << QStringLiteral("drop-after-ms=9223372036854775808") << QStringLiteral("drop-after-ms");
        QTest::addRow("latency without value") << QStringLiteral("latency") << QStringLiteral("latency");
        QTest::addRow("status out of range") << QStringLiteral("status=200") << QStringLiteral("400-599");
        QTest::addRow("reserved close code") << QStringLiteral("close=1006") << QStringLiteral("close code");
        QTest::addRow("close code not a number") << QStringLiteral("close=abc") << QStringLiteral("close code");
        QTest::addRow("probability above one") << QStringLiteral("p=1.5") << QStringLiteral("fraction");
        QTest::addRow("slow read of zero") << QStringLiteral("slow-read=0") << QStringLiteral("bytes per second");
        QTest::addRow("relative only path") << QStringLiteral("only=v1") << QStringLiteral("path");
        QTest::addRow("malformed json index zero") << QStringLiteral("malformed-json=0") << QStringLiteral("index");
        QTest::addRow("close reason too long")
            << QStringLiteral("close=4000:") + QString(130, QLatin1Char('x')) << QStringLiteral("123 bytes");
    }

    void rejectsBadSpecs()
    {
        QFETCH(QString, text);
        QFETCH(QString, mentions);
        QString error;
        QVERIFY(!FaultSpec::parse(text, &error));
        QVERIFY2(error.contains(mentions), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(tst_FaultSpec)
#include "tst_faultspec.moc"
