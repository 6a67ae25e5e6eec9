#include "model/alertrecord.h"
#include "model/protocol/probeframereader.h"
#include "model/trace/tracenames.h"
#include "model/trace/tracerecorder.h"
#include "workers/probe/probetransport.h"

#include <QLocalServer>
#include <QLocalSocket>
#include <QTemporaryDir>
#include <QtTest>

using namespace Taskscope::Model;
using namespace Taskscope::Trace;

using namespace Taskscope::Probe;

class TestProbeTransport final : public QObject
{
    Q_OBJECT

private:
    static void record(int count)
    {
        static const NameId name = TraceNames::intern(u"transport test");
        for (int i = 0; i < count; ++i)
            TraceRecorder::instant(TraceRecorder::threadLane(), name, quint64(i));
    }

private slots:
    void withoutAReaderEventsAreDrainedAndCounted()
    {
        QTemporaryDir dir;
        ProbeTransport::Options options;
        options.socketPath = dir.filePath(QStringLiteral("nobody-listens"));
        ProbeTransport transport(options);
        transport.start(QJsonObject {});
        record(500);
        QTRY_VERIFY_WITH_TIMEOUT(transport.stats().eventsDropped >= 500, 10'000);
        QCOMPARE(transport.stats().eventsSent, quint64(0));
        QCOMPARE(transport.stats().connects, quint64(0));
        transport.stop(std::chrono::milliseconds(0), QStringLiteral("done"));
    }

    void aReaderGetsEveryMessageKindInOrder()
    {
        QTemporaryDir dir;
        QLocalServer server;
        QVERIFY(server.listen(dir.filePath(QStringLiteral("reader"))));
        ProbeTransport::Options options;
        options.socketPath = server.fullServerName();
        ProbeTransport transport(options);
        transport.start(QJsonObject {{QStringLiteral("pid"), 1}});
        QVERIFY(server.waitForNewConnection(10'000));
        QLocalSocket *socket = server.nextPendingConnection();
        record(10);
        AlertRecord alert;
        alert.id = 3;
        alert.tier = AlertTier::Hang;
        transport.postAlert(alert, 0);
        QList<MessageType> types;
        ProbeFrameReader reader;
        auto pump = [&] {
            socket->waitForReadyRead(50);
            reader.feed(socket->readAll());
            ProbeFrameReader::Frame frame;
            while (reader.next(&frame))
                types.append(frame.type);
        };
        QTRY_VERIFY_WITH_TIMEOUT((pump(), types.contains(MessageType::Events) && types.contains(MessageType::Alert)),
                                 10'000);
        transport.stop(std::chrono::seconds(1), QStringLiteral("done"));
        QTRY_VERIFY_WITH_TIMEOUT((pump(), types.contains(MessageType::Bye)), 10'000);
        QCOMPARE(types.first(), MessageType::Hello);
        // Names and lanes go out before the events that refer to them.
        QVERIFY(types.indexOf(MessageType::Names) < types.indexOf(MessageType::Events));
        QVERIFY(types.indexOf(MessageType::Lanes) < types.indexOf(MessageType::Events));
        QCOMPARE(types.last(), MessageType::Bye);
        QVERIFY(!reader.failed());
    }

    void aReaderThatNeverReadsCostsBoundedMemory()
    {
        QTemporaryDir dir;
        QLocalServer server;
        QVERIFY(server.listen(dir.filePath(QStringLiteral("stalled"))));
        ProbeTransport::Options options;
        options.socketPath = server.fullServerName();
        options.maxPendingBytes = 64 << 10;
        ProbeTransport transport(options);
        transport.start(QJsonObject {});
        QVERIFY(server.waitForNewConnection(10'000));
        // Far more than the socket buffer and the cap hold; nobody reads.
        for (int round = 0; round < 20; ++round)
            record(20'000);
        QTRY_VERIFY_WITH_TIMEOUT(transport.stats().eventsDropped > 0, 10'000);
        const ProbeTransport::Stats stats = transport.stats();
        QVERIFY(stats.eventsSent + stats.eventsDropped <= 400'000 + 1000);
        transport.stop(std::chrono::milliseconds(0), QStringLiteral("done"));
    }
};

QTEST_GUILESS_MAIN(TestProbeTransport)
#include "tst_probetransport.moc"
