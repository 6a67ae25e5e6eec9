#include "app/probe/probereceiver.h"
#include "model/alertrecord.h"
#include "model/protocol/probewire.h"
#include "model/trace/tracenames.h"
#include "model/trace/tracestore.h"

#include <QEvent>
#include <QJsonArray>
#include <QtTest>

using namespace Taskscope::Model;
using namespace Taskscope::Trace;

using namespace Taskscope::Probe;

class TestProbeReceiver final : public QObject
{
    Q_OBJECT

private:
    // What a probe sends for one UI-thread timer dispatch and one alert that starts and ends.
    static QByteArray stream()
    {
        QByteArray bytes;
        ProbeWire::appendJson(bytes, MessageType::Hello, QJsonObject {{QStringLiteral("pid"), 4242}});
        ProbeWire::appendJson(
            bytes, MessageType::Names,
            QJsonObject {{QStringLiteral("first"), 0},
                         {QStringLiteral("names"), QJsonArray {QString(), QStringLiteral("QTimer \"tick\"")}}});
        ProbeWire::appendJson(
            bytes, MessageType::Lanes,
            QJsonObject {{QStringLiteral("lanes"),
                          QJsonArray {QJsonObject {{QStringLiteral("id"), 1},
                                                   {QStringLiteral("kind"), 0},
                                                   {QStringLiteral("name"), QStringLiteral("main")}}}}});
        TraceEvent events[2] {};
        events[0] = TraceEvent {
            1000, ProbeWire::DispatchArgFlag | QEvent::Timer, UiThreadLane, 1, EventKind::Begin, 0, 0, 0};
        events[1] = TraceEvent {5000, 0, UiThreadLane, 0, EventKind::End, 0, 0, 0};
        ProbeWire::appendEvents(bytes, UiThreadLane, events, 2);
        AlertRecord alert;
        alert.id = 7;
        alert.tier = AlertTier::Hang;
        ProbeWire::appendJson(bytes, MessageType::Alert,
                              QJsonObject {{QStringLiteral("phase"), 0}, {QStringLiteral("alert"), alert.toJson()}});
        alert.end = AlertEnd::Recovered;
        alert.durationNs = 400'000'000;
        ProbeWire::appendJson(bytes, MessageType::Alert,
                              QJsonObject {{QStringLiteral("phase"), 2}, {QStringLiteral("alert"), alert.toJson()}});
        ProbeWire::appendJson(bytes, MessageType::Bye,
                              QJsonObject {{QStringLiteral("reason"), QStringLiteral("done")}});
        return bytes;
    }

private slots:
    void buildsTheTimelineAndTheAlerts()
    {
        TraceStore store;
        ProbeReceiver receiver(&store);
        receiver.feed(stream());
        QCOMPARE(receiver.error(), QString());
        QCOMPARE(receiver.hello().value(u"pid").toInt(), 4242);
        QCOMPARE(receiver.threadNames(), QStringList {QStringLiteral("main")});
        QList<QString> names;
        store.forEachSpan(UiThreadLane, 0, StoredSpan::OpenEnd, [&](int, const StoredSpan &span) {
            names.append(TraceNames::name(span.name));
            QCOMPARE(span.endNs - span.startNs, qint64(4000));
        });
        QCOMPARE(names, QList<QString> {QStringLiteral("QTimer \"tick\" · Timer")});
        QCOMPARE(receiver.alerts().size(), 1);
        QCOMPARE(receiver.alerts().first().durationNs, qint64(400'000'000));
        QCOMPARE(receiver.alertsSeenWhileOngoing(), 1);
        QCOMPARE(receiver.byeReason(), QStringLiteral("done"));
    }

    void malformedInputIsAnError_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QByteArray ragged;
        ProbeWire::appendFrame(ragged, MessageType::Events, "12345", 5);
        QTest::newRow("event batch that is not whole events") << ragged;
        QByteArray notJson;
        ProbeWire::appendFrame(notJson, MessageType::Hello, "{nope", 5);
        QTest::newRow("greeting that is not JSON") << notJson;
        QByteArray gap;
        ProbeWire::appendJson(gap, MessageType::Names,
                              QJsonObject {{QStringLiteral("first"), 5}, {QStringLiteral("names"), QJsonArray {}}});
        QTest::newRow("names that skip ids") << gap;
    }

    void malformedInputIsAnError()
    {
        QFETCH(QByteArray, bytes);
        TraceStore store;
        ProbeReceiver receiver(&store);
        receiver.feed(bytes);
        QVERIFY(receiver.failed());
        QVERIFY(!receiver.error().isEmpty());
    }

    void eventsOnUnknownLanesGetAPlaceholderLane()
    {
        TraceStore store;
        ProbeReceiver receiver(&store);
        TraceEvent event {10, 0, 9, 0, EventKind::Instant, 0, 0, 0};
        QByteArray bytes;
        ProbeWire::appendEvents(bytes, 9, &event, 1);
        TraceEvent outOfRange {10, 0, ProbeReceiver::MaxLanes, 0, EventKind::Instant, 0, 0, 0};
        ProbeWire::appendEvents(bytes, 9, &outOfRange, 1);
        receiver.feed(bytes);
        QCOMPARE(receiver.error(), QString());
        QVERIFY(store.hasLane(9));
        QCOMPARE(receiver.eventsReceived(), quint64(1));
        QCOMPARE(receiver.rejected(), quint64(1));
    }
};

QTEST_GUILESS_MAIN(TestProbeReceiver)
#include "tst_probereceiver.moc"
