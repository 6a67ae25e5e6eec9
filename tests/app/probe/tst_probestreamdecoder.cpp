#include "app/probe/probestreamdecoder.h"
#include "model/protocol/probewire.h"
#include "model/trace/tracenames.h"
#include "model/trace/tracestore.h"

#include <QEvent>
#include <QJsonArray>
#include <QtTest>

using namespace Taskscope::Probe;
using namespace Taskscope::Model;
using namespace Taskscope::Trace;

// Writes down what the decoder hands over, in order.
class RecordingSink final : public ProbeStreamSink
{
public:
    QStringList calls;
    QList<DecodedProbeEvent> events;
    QList<DecodedProbeLane> lanes;
    QList<QPair<quint32, int>> alerts;

    void probeHello(const QJsonObject &hello) override
    {
        calls << QStringLiteral("hello %1").arg(hello.value(u"pid").toInt());
    }
    void probeLane(const DecodedProbeLane &lane) override
    {
        calls << QStringLiteral("lane %1").arg(lane.id);
        lanes << lane;
    }
    void probeEvent(const DecodedProbeEvent &event) override
    {
        calls << QStringLiteral("event");
        events << event;
    }
    void probeEventsDone() override { calls << QStringLiteral("events done"); }
    void probeAlert(const AlertRecord &alert, int phase) override
    {
        calls << QStringLiteral("alert");
        alerts << qMakePair(alert.id, phase);
    }
    void probeStats(const QJsonObject &) override { calls << QStringLiteral("stats"); }
    void probeBye(const QString &reason) override { calls << QStringLiteral("bye %1").arg(reason); }
};

class TestProbeStreamDecoder final : public QObject
{
    Q_OBJECT

private slots:
    void everyMessageTypeReachesTheSink()
    {
        QByteArray bytes;
        ProbeWire::appendJson(bytes, MessageType::Hello, QJsonObject {{QStringLiteral("pid"), 77}});
        ProbeWire::appendJson(
            bytes, MessageType::Names,
            QJsonObject {{QStringLiteral("first"), 0},
                         {QStringLiteral("names"),
                          QJsonArray {QString(), QStringLiteral("QTimer \"beat\""), QStringLiteral("queue")}}});
        ProbeWire::appendJson(
            bytes, MessageType::Lanes,
            QJsonObject {{QStringLiteral("lanes"),
                          QJsonArray {QJsonObject {{QStringLiteral("id"), 1},
                                                   {QStringLiteral("kind"), 0},
                                                   {QStringLiteral("name"), QStringLiteral("main")},
                                                   {QStringLiteral("endedNs"), 900}},
                                      QJsonObject {{QStringLiteral("id"), 0}, {QStringLiteral("kind"), 0}}}}});
        TraceEvent events[4] {};
        events[0] = TraceEvent {
            100, ProbeWire::DispatchArgFlag | QEvent::Timer, UiThreadLane, 1, EventKind::Begin, 0, 0, 0};
        events[1] = TraceEvent {300, 0, UiThreadLane, 0, EventKind::End, 0, 0, 0};
        events[2] = TraceEvent {400, std::bit_cast<std::uint64_t>(12.0), UiThreadLane, 2, EventKind::Counter, 0, 0, 0};
        events[3] = TraceEvent {500, 0, UiThreadLane, 2, EventKind::Alert, 0, 0, 3};
        ProbeWire::appendEvents(bytes, UiThreadLane, events, 4);
        AlertRecord alert;
        alert.id = 3;
        ProbeWire::appendJson(bytes, MessageType::Alert,
                              QJsonObject {{QStringLiteral("phase"), 1}, {QStringLiteral("alert"), alert.toJson()}});
        ProbeWire::appendJson(bytes, MessageType::Stats, QJsonObject {});
        ProbeWire::appendJson(bytes, MessageType::Bye, QJsonObject {});

        RecordingSink sink;
        ProbeStreamDecoder decoder(&sink);
        // Byte by byte: frames split anywhere decode the same.
        for (char byte : std::as_const(bytes))
            decoder.feed(QByteArrayView(&byte, 1));
        QCOMPARE(decoder.error(), QString());
        const QStringList expected {QStringLiteral("hello 77"),    QStringLiteral("lane 1"), QStringLiteral("event"),
                                    QStringLiteral("event"),       QStringLiteral("event"),  QStringLiteral("event"),
                                    QStringLiteral("events done"), QStringLiteral("alert"),  QStringLiteral("stats"),
                                    QStringLiteral("bye unknown")};
        QCOMPARE(sink.calls, expected);
        QCOMPARE(decoder.rejected(), quint64(1)); // the lane with id 0
        QCOMPARE(sink.lanes.first().name, QStringLiteral("main"));
        QCOMPARE(sink.lanes.first().endedNs, qint64(900));
        // A dispatch span's name carries its event type; its argument is the type alone.
        QCOMPARE(TraceNames::name(sink.events[0].name), QStringLiteral("QTimer \"beat\" · Timer"));
        QCOMPARE(sink.events[0].arg, std::uint32_t(QEvent::Timer));
        QCOMPARE(sink.events[2].value, 12.0);
        QCOMPARE(TraceNames::name(sink.events[2].name), QStringLiteral("queue"));
        QCOMPARE(sink.events[3].aux, std::uint32_t(3));
        QCOMPARE(sink.events[3].endNs, StoredSpan::OpenEnd);
        QCOMPARE(sink.alerts, (QList<QPair<quint32, int>> {{3u, 1}}));
    }

    void refusalsAreCountedAndTheStreamGoesOn_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("eventsPassed");
        TraceEvent badLane {10, 0, ProbeStreamDecoder::MaxLanes, 0, EventKind::Instant, 0, 0, 0};
        QByteArray lane;
        ProbeWire::appendEvents(lane, 1, &badLane, 1);
        QTest::newRow("event on a lane past the cap") << lane << 0;
        TraceEvent flow {10, 0, 1, 0, EventKind::FlowOut, 0, 0, 0};
        QByteArray kind;
        ProbeWire::appendEvents(kind, 1, &flow, 1);
        QTest::newRow("event kind the probe does not send") << kind << 0;
        QByteArray alert;
        ProbeWire::appendJson(alert, MessageType::Alert, QJsonObject {{QStringLiteral("alert"), 5}});
        QTest::newRow("alert that does not parse") << alert << 0;
    }

    void refusalsAreCountedAndTheStreamGoesOn()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, eventsPassed);
        RecordingSink sink;
        ProbeStreamDecoder decoder(&sink);
        decoder.feed(bytes);
        QCOMPARE(decoder.error(), QString());
        QCOMPARE(decoder.rejected(), quint64(1));
        QCOMPARE(sink.events.size(), eventsPassed);
        QVERIFY(sink.alerts.isEmpty());
    }

    void malformedStreamStopsTheDecoder()
    {
        QByteArray bytes;
        ProbeWire::appendFrame(bytes, MessageType::Events, "123", 3);
        ProbeWire::appendJson(bytes, MessageType::Bye, QJsonObject {});
        RecordingSink sink;
        ProbeStreamDecoder decoder(&sink);
        decoder.feed(bytes);
        QVERIFY(decoder.failed());
        QVERIFY(decoder.error().contains(QStringLiteral("not a whole number of events")));
        QVERIFY(sink.calls.isEmpty()); // nothing after the bad frame
    }
};

QTEST_GUILESS_MAIN(TestProbeStreamDecoder)
#include "tst_probestreamdecoder.moc"
