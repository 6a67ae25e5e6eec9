// taskscope-server's command line: every option reaches the config; bad values and non-loopback hosts
// without --allow-remote are refused with a clear message.
#include "workers/loopback/servercommandline.h"

#include <QTest>

using Taskscope::Loopback::LoopbackConfig;
using Taskscope::Loopback::ServerCommandLine;

class tst_ServerCommandLine : public QObject
{
    Q_OBJECT

private slots:
    void defaults()
    {
        QString error;
        const auto r = ServerCommandLine::parse({QStringLiteral("taskscope-server")}, QString(), &error);
        QVERIFY2(r, qPrintable(error));
        QCOMPARE(r->config.host, QHostAddress(QHostAddress::LocalHost));
        QCOMPARE(r->config.port, quint16(0));
        QVERIFY(r->config.apiKey.isEmpty());
        QCOMPARE(r->config.idleTimeoutMs, 10000);
        QVERIFY(r->config.logConnections);
        QVERIFY(!r->showHelp);
    }

    void everyOption()
    {
        QString error;
        const auto r = ServerCommandLine::parse({QStringLiteral("taskscope-server"),
                                                 QStringLiteral("--host"),
                                                 QStringLiteral("::1"),
                                                 QStringLiteral("--port=8123"),
                                                 QStringLiteral("--key"),
                                                 QStringLiteral("k1"),
                                                 QStringLiteral("--faults"),
                                                 QStringLiteral("latency=5,p=0.5"),
                                                 QStringLiteral("--load-sink"),
                                                 QStringLiteral("--idle-timeout-ms"),
                                                 QStringLiteral("2500"),
                                                 QStringLiteral("--network-threads"),
                                                 QStringLiteral("3"),
                                                 QStringLiteral("--recognition-threads"),
                                                 QStringLiteral("2"),
                                                 QStringLiteral("--max-recognition-streams"),
                                                 QStringLiteral("40"),
                                                 QStringLiteral("--chat-tokens"),
                                                 QStringLiteral("500"),
                                                 QStringLiteral("--chat-rate"),
                                                 QStringLiteral("0"),
                                                 QStringLiteral("--chat-first-token-ms"),
                                                 QStringLiteral("7"),
                                                 QStringLiteral("--chat-model"),
                                                 QStringLiteral("m"),
                                                 QStringLiteral("--max-memory-mib"),
                                                 QStringLiteral("96"),
                                                 QStringLiteral("--quiet")},
                                                QStringLiteral("from-env"), &error);
        QVERIFY2(r, qPrintable(error));
        const LoopbackConfig &c = r->config;
        QCOMPARE(c.host, QHostAddress(QHostAddress::LocalHostIPv6));
        QCOMPARE(c.port, quint16(8123));
        QCOMPARE(c.apiKey, QStringLiteral("k1")); // the option wins over the environment
        QCOMPARE(c.faults.latencyMs, 5);
        QCOMPARE(c.faults.probability, 0.5);
        QVERIFY(c.loadSink);
        QCOMPARE(c.idleTimeoutMs, 2500);
        QCOMPARE(c.networkThreads, 3);
        QCOMPARE(c.recognitionThreads, 2);
        QCOMPARE(c.maxRecognitionStreams, 40);
        QCOMPARE(c.chatTokens, 500);
        QCOMPARE(c.chatTokensPerSecond, 0.0);
        QCOMPARE(c.chatFirstTokenDelayMs, 7);
        QCOMPARE(c.chatModel, QStringLiteral("m"));
        QCOMPARE(c.maxMemoryBytes, 96 * 1024 * 1024);
        QVERIFY(r->quiet);
        QVERIFY(!c.logConnections);
    }

    void keyFromTheEnvironment()
    {
        QString error;
        const auto r = ServerCommandLine::parse({QStringLiteral("taskscope-server")}, QStringLiteral("env-key"),
                                                &error);
        QVERIFY(r);
        QCOMPARE(r->config.apiKey, QStringLiteral("env-key"));
    }

    void remoteHostsNeedTheFlag()
    {
        QString error;
        QVERIFY(!ServerCommandLine::parse({QStringLiteral("s"), QStringLiteral("--host"), QStringLiteral("0.0.0.0")},
                                          {}, &error));
        QVERIFY(error.contains(QStringLiteral("--allow-remote")));
        const auto r = ServerCommandLine::parse({QStringLiteral("s"), QStringLiteral("--host"),
                                                 QStringLiteral("0.0.0.0"), QStringLiteral("--allow-remote")},
                                                {}, &error);
        QVERIFY(r);
        QVERIFY(r->config.allowRemote);
    }

    void rejectsBadArguments_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("mentions");
        QTest::addRow("unknown option") << QStringList {QStringLiteral("--frobnicate")}
                                        << QStringLiteral("unknown option");
        QTest::addRow("port out of range")
            << QStringList {QStringLiteral("--port"), QStringLiteral("70000")} << QStringLiteral("--port");
        QTest::addRow("missing value") << QStringList {QStringLiteral("--key")} << QStringLiteral("needs a value");
        QTest::addRow("memory budget under 16 MiB")
            << QStringList {QStringLiteral("--max-memory-mib"), QStringLiteral("8")}
            << QStringLiteral("--max-memory-mib");
        QTest::addRow("latency of 2^32 ms")
            << QStringList {QStringLiteral("--faults"), QStringLiteral("latency=4294967296")}
            << QStringLiteral("0-86400000");
        QTest::addRow("bad faults") << QStringList {QStringLiteral("--faults"), QStringLiteral("boom")}
                                    << QStringLiteral("--faults");
        QTest::addRow("host not an address") << QStringList {QStringLiteral("--host"), QStringLiteral("example.com")}
                                             << QStringLiteral("not an IP address");
    }

    void rejectsBadArguments()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, mentions);
        arguments.prepend(QStringLiteral("taskscope-server"));
        QString error;
        QVERIFY(!ServerCommandLine::parse(arguments, {}, &error));
        QVERIFY2(error.contains(mentions), qPrintable(error));
    }

    void helpMentionsEveryOption()
    {
        const QString help = ServerCommandLine::helpText();
        for (const char *option :
             {"--host", "--port", "--allow-remote", "--key", "--faults", "--load-sink", "--idle-timeout-ms",
              "--network-threads", "--recognition-threads", "--chat-rate", "--max-memory-mib", "--quiet"})
            QVERIFY2(help.contains(QLatin1String(option)), option);
        QString error;
        QVERIFY(ServerCommandLine::parse({QStringLiteral("s"), QStringLiteral("-h")}, {}, &error)->showHelp);
    }
};

QTEST_GUILESS_MAIN(tst_ServerCommandLine)
#include "tst_servercommandline.moc"
