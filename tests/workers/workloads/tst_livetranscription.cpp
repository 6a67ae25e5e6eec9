// Live transcription against the in-process loopback service (real pocketsphinx recognition) in
// every execution model: exact finals, recovery from a dropped connection with no audio lost
// (server-side byte count == client-side), the server faults, KeepAlive through a pause, stop in
// every phase, bad sources. Streams run faster than real time (spec.speed) to stay quick.
#include "model/trace/laneregistry.h"
#include "model/trace/tracenames.h"
#include "model/trace/tracerecorder.h"
#include "model/trace/tracestore.h"
#include "workers/audio/audiosource.h"
#include "workers/execution/executioncontext.h"
#include "workers/loopback/loopbackservice.h"
#include "workers/workloads/livetranscriptionstream.h"
#include "workers/workloads/livetranscriptionworkload.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

#include "workloadtestsupport.h"

using namespace Taskscope::Execution;
using namespace Taskscope::Model;
using namespace Taskscope::Trace;

using Taskscope::Audio::AudioSource;
using Taskscope::Loopback::FaultSpec;
using Taskscope::Loopback::LoopbackConfig;
using Taskscope::Loopback::LoopbackService;
using Taskscope::Workloads::LiveTranscriptionStream;
using Taskscope::Workloads::LiveTranscriptionWorkload;
using Taskscope::Workloads::Workload;
using Taskscope::Workloads::WorkloadEnvironment;

using namespace std::chrono_literals;

namespace {

LiveTranscriptionStream::Options fastOptions()
{
    LiveTranscriptionStream::Options o;
    o.backoffBase = 20ms;
    o.backoffCap = 200ms;
    o.maxAttempts = 3;
    o.closeTimeout = 20s;
    return o;
}

WorkloadSpec liveSpec(ExecutionModel model, const QString &sample, double speed = 4)
{
    WorkloadSpec spec;
    spec.kind = WorkloadKind::LiveTranscription;
    spec.model = model;
    spec.source = AudioSourceKind::Sample;
    spec.audio = sample;
    spec.chunkMs = 100;
    spec.speed = speed;
    return spec;
}

// Transcripts compare as words: the service punctuates and capitalizes ("Turn off the lights.").
QString words(const QString &text)
{
    QString out;
    for (const QChar c : text.toLower()) {
        if (c.isLetterOrNumber() || c == QLatin1Char('\'') || c.isSpace())
            out += c;
    }
    return out.simplified();
}

} // namespace

class TestLiveTranscription : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void closeWaitFollowsTheResults_data();
    void closeWaitFollowsTheResults();
    void cleanupTestCase();
    void exactTextArrives_data() { workloadtest::addExecutionModels(); }
    void exactTextArrives();
    void droppedConnectionRecoversWithNothingLost_data() { workloadtest::addExecutionModels(); }
    void droppedConnectionRecoversWithNothingLost();
    void timelineShowsTheStream();
    void serverFaults_data();
    void serverFaults();
    void persistentDropGivesUpWithReason();
    void keepAliveHoldsTheConnectionThroughAPause();
    void withoutKeepAliveTheIdleCloseIsRecovered();
    void stopEndsPromptly_data();
    void stopEndsPromptly();
    void blockingStreamStopsFromAnotherThread();
    void badSourcesFailClearly_data();
    void badSourcesFailClearly();

private:
    WorkloadEnvironment environment() const
    {
        WorkloadEnvironment env;
        env.loopbackBaseUrl = m_service->httpUrl();
        return env;
    }
    qint64 serverBytesFor(const QString &tag) const
    {
        qint64 bytes = 0;
        for (const auto &record : m_service->stats().streams(tag))
            bytes += record->payloadBytesReceived.load();
        return bytes;
    }

    std::unique_ptr<LoopbackService> m_service;
};

void TestLiveTranscription::initTestCase()
{
    LoopbackConfig config;
    config.idleTimeoutMs = 2000;
    m_service = std::make_unique<LoopbackService>(config);
    QVERIFY2(m_service->start() != 0, qPrintable(m_service->errorString()));
}

void TestLiveTranscription::cleanupTestCase()
{
    m_service.reset();
}

void TestLiveTranscription::exactTextArrives()
{
    QFETCH(ExecutionModel, model);
    LiveTranscriptionWorkload workload(liveSpec(model, QStringLiteral("two-utterances")), environment(), nullptr,
                                       fastOptions());
    QStringList finals;
    int interims = 0;
    connect(&workload, &Workload::transcript, this,
            [&](int, const QString &text, bool isFinal, double startS, double endS) {
                QVERIFY(endS >= startS);
                if (isFinal)
                    finals << text;
                else
                    ++interims;
            });
    workload.start();
    QVERIFY(workloadtest::waitFinished(workload));
    QCOMPARE(workload.errorString(), QString());
    QCOMPARE(workload.state(), Workload::State::Finished);
    const QString expected = AudioSource::sampleText(QStringLiteral("two-utterances"));
    QCOMPARE(words(finals.join(QLatin1Char(' '))), expected);
    QVERIFY(interims > 0);
    const QJsonObject stats = workload.streamStatistics(0).toJson();
    QCOMPARE(words(stats.value(QStringLiteral("transcript")).toString()), expected);
    QCOMPARE(stats.value(QStringLiteral("reconnects")).toInt(), 0);
    QVERIFY(stats.value(QStringLiteral("sendLatenessMs")).toObject().value(QStringLiteral("count")).toInt() > 10);
    QVERIFY(stats.value(QStringLiteral("transcriptLatencyMs")).toObject().value(QStringLiteral("count")).toInt() > 0);
    QCOMPARE(serverBytesFor(stats.value(QStringLiteral("tag")).toString()),
             qint64(stats.value(QStringLiteral("bytesSent")).toDouble()));
}

void TestLiveTranscription::droppedConnectionRecoversWithNothingLost()
{
    QFETCH(ExecutionModel, model);
    WorkloadSpec spec = liveSpec(model, QStringLiteral("two-utterances"));
    // The first connection is cut (no close frame) after 2.5 s of audio: inside the second utterance.
    spec.faults = QStringLiteral("drop-after-rx-bytes=80000");
    LiveTranscriptionWorkload workload(spec, environment(), nullptr, fastOptions());
    QStringList finals;
    QList<double> finalStarts;
    connect(&workload, &Workload::transcript, this, [&](int, const QString &text, bool isFinal, double startS, double) {
        if (isFinal) {
            finals << text;
            finalStarts << startS;
        }
    });
    workload.start();
    QVERIFY(workloadtest::waitFinished(workload));
    QCOMPARE(workload.errorString(), QString());
    const QJsonObject stats = workload.streamStatistics(0).toJson();
    QVERIFY(stats.value(QStringLiteral("reconnects")).toInt() >= 1);
    QVERIFY(stats.value(QStringLiteral("chunksReplayed")).toInt() > 0);
    // Continuous transcript, in order, with timestamps on the stream's own timeline.
    QCOMPARE(words(finals.join(QLatin1Char(' '))), AudioSource::sampleText(QStringLiteral("two-utterances")));
    QVERIFY(std::is_sorted(finalStarts.begin(), finalStarts.end()));
    QVERIFY(finalStarts.last() > 1.5); // the second utterance keeps its place after the offset
    // Nothing lost, proved with the server's own counts per connection: each connection resumes
    // at or before the point the server had received up to, so together they cover every byte of
    // the audio. Bytes written into the dropped connection after the server cut it are in flight
    // and unknowable to any client (that is what the replay is for); the connection that ended
    // normally delivered exactly what was written to it.
    const QString tag = stats.value(QStringLiteral("tag")).toString();
    auto records = m_service->stats().streams(tag);
    std::stable_sort(records.begin(), records.end(),
                     [](const auto &a, const auto &b) { return a->started < b->started; });
    const QJsonArray connections = stats.value(QStringLiteral("connections")).toArray();
    QCOMPARE(records.size(), 1 + stats.value(QStringLiteral("reconnects")).toInt());
    QCOMPARE(qsizetype(connections.size()), records.size());
    qint64 covered = 0;
    qint64 sentOverAll = 0;
    for (qsizetype k = 0; k < records.size(); ++k) {
        const qint64 offset = connections[k].toObject().value(QStringLiteral("offsetBytes")).toInteger();
        const qint64 sent = connections[k].toObject().value(QStringLiteral("bytesSent")).toInteger();
        const qint64 received = records[k]->payloadBytesReceived.load();
        QVERIFY2(received <= sent,
                 qPrintable(QStringLiteral("connection %1: %2 received of %3 sent").arg(k).arg(received).arg(sent)));
        QVERIFY2(offset <= covered,
                 qPrintable(QStringLiteral("connection %1 starts at %2, after %3").arg(k).arg(offset).arg(covered)));
        covered = std::max(covered, offset + received);
        sentOverAll += sent;
    }
    QCOMPARE(records.last()->payloadBytesReceived.load(),
             connections.last().toObject().value(QStringLiteral("bytesSent")).toInteger());
    QCOMPARE(covered, stats.value(QStringLiteral("totalBytes")).toInteger());
    QCOMPARE(sentOverAll, qint64(stats.value(QStringLiteral("bytesSent")).toDouble()));
}

void TestLiveTranscription::timelineShowsTheStream()
{
    TraceStore discard;
    TraceRecorder::drain(discard); // what earlier tests recorded
    WorkloadSpec spec = liveSpec(ExecutionModel::Coroutine, QStringLiteral("two-utterances"));
    spec.faults = QStringLiteral("drop-after-rx-bytes=80000");
    LiveTranscriptionWorkload workload(spec, environment(), nullptr, fastOptions());
    workload.start();
    QVERIFY(workloadtest::waitFinished(workload));
    QCOMPARE(workload.errorString(), QString());
    TraceStore store;
    TraceRecorder::drain(store);
    store.syncLanes();
    const LaneId stream = workload.streamLane(0);
    QVERIFY(store.hasLane(stream));
    QCOMPARE(store.lane(stream).kind, LaneKind::Stream);

    // Spans on the stream lane: two connects, a reconnect, chunks, parses, the final wait.
    QHash<QString, int> spans;
    store.forEachSpan(stream, 0, std::numeric_limits<qint64>::max(),
                      [&](int, const StoredSpan &span) { ++spans[TraceNames::name(span.name)]; });
    QVERIFY2(spans.value(QStringLiteral("connect")) >= 2, qPrintable(QStringList(spans.keys()).join(QLatin1Char(','))));
    QVERIFY(spans.value(QStringLiteral("reconnect")) >= 1);
    QVERIFY(spans.value(QStringLiteral("backoff")) >= 1);
    QVERIFY(spans.value(QStringLiteral("send chunk")) > 30);
    QVERIFY(spans.value(QStringLiteral("parse")) > 0);
    QCOMPARE(spans.value(QStringLiteral("await final results")), 1);
    QCOMPARE(spans.value(QStringLiteral("stream")), 1);
    QHash<QString, int> instants;
    store.forEachInstant(stream, [&](const StoredInstant &instant) { ++instants[TraceNames::name(instant.name)]; });
    QVERIFY(instants.value(QStringLiteral("final")) >= 2);
    QVERIFY(instants.value(QStringLiteral("interim")) >= 1);
    QVERIFY(instants.value(QStringLiteral("connection lost (1006)")) >= 1);
    QVERIFY(store.counterNames(stream).contains(TraceNames::intern("bytes in flight")));

    // Flows from chunks to results, all on this stream's lane.
    int flows = 0;
    store.forEachFlow([&](const StoredFlow &flow) {
        if (flow.fromLane == stream && flow.toLane == stream && flow.toNs >= flow.fromNs)
            ++flows;
    });
    QVERIFY(flows > 10);

    // The stream's coroutine lane: suspended on the pacer-or-message wait, ready, running.
    LaneId coroutine = NoLane;
    for (const LaneInfo &lane : store.lanes()) {
        if (lane.kind == LaneKind::Coroutine && lane.parent == stream)
            coroutine = lane.id;
    }
    QVERIFY(coroutine != NoLane);
    QCOMPARE(TraceNames::name(store.lane(coroutine).group), QStringLiteral("live-transcription"));
    QHash<SpanKind, int> segments;
    bool namedWait = false;
    store.forEachSpan(coroutine, 0, std::numeric_limits<qint64>::max(), [&](int, const StoredSpan &span) {
        ++segments[span.kind];
        namedWait |= span.kind == SpanKind::CoroutineSuspended
            && TraceNames::name(span.name) == QStringLiteral("pacer 100 ms | ws message");
    });
    QVERIFY(segments.value(SpanKind::CoroutineSuspended) > 30);
    QVERIFY(segments.value(SpanKind::CoroutineReady) > 30);
    QVERIFY(segments.value(SpanKind::CoroutineRunning) > 30);
    QVERIFY(namedWait);
}

void TestLiveTranscription::serverFaults_data()
{
    QTest::addColumn<ExecutionModel>("model");
    QTest::addColumn<QString>("faults");
    QTest::addColumn<bool>("succeeds");
    QTest::addColumn<QString>("errorContains");
    QTest::addColumn<QString>("statistic"); // must be >= 1
    const QList<std::pair<const char *, ExecutionModel>> models {{"coroutine", ExecutionModel::Coroutine},
                                                                 {"blocking", ExecutionModel::Blocking},
                                                                 {"thread", ExecutionModel::Thread}};
    for (const auto &[name, model] : models) {
        QTest::addRow("401 at the handshake fails (%s)", name)
            << model << QStringLiteral("status=401") << false << QStringLiteral("authentication failed") << QString();
        QTest::addRow("1011 NET-0001 close reconnects (%s)", name)
            << model << QStringLiteral("close=1011:NET-0001") << true << QString() << QStringLiteral("reconnects");
        QTest::addRow("malformed JSON message is counted and skipped (%s)", name)
            << model << QStringLiteral("malformed-json=1") << true << QString() << QStringLiteral("malformedMessages");
        QTest::addRow("500 at the handshake retries (%s)", name)
            << model << QStringLiteral("status=500") << true << QString() << QStringLiteral("reconnects");
        QTest::addRow("policy close 1008 fails (%s)", name)
            << model << QStringLiteral("close=1008:policy") << false << QStringLiteral("1008") << QString();
    }
}

void TestLiveTranscription::serverFaults()
{
    QFETCH(ExecutionModel, model);
    QFETCH(QString, faults);
    QFETCH(bool, succeeds);
    QFETCH(QString, errorContains);
    QFETCH(QString, statistic);
    WorkloadSpec spec = liveSpec(model, QStringLiteral("lights-off"), 8);
    spec.faults = faults;
    LiveTranscriptionWorkload workload(spec, environment(), nullptr, fastOptions());
    workload.start();
    QVERIFY(workloadtest::waitFinished(workload));
    const QJsonObject stats = workload.streamStatistics(0).toJson();
    if (succeeds) {
        QCOMPARE(workload.errorString(), QString());
        QCOMPARE(workload.state(), Workload::State::Finished);
        if (!faults.startsWith(QLatin1String("malformed")))
            QCOMPARE(words(stats.value(QStringLiteral("transcript")).toString()),
                     AudioSource::sampleText(QStringLiteral("lights-off")));
        QCOMPARE(serverBytesFor(stats.value(QStringLiteral("tag")).toString()),
                 qint64(stats.value(QStringLiteral("bytesSent")).toDouble()));
    } else {
        QCOMPARE(workload.state(), Workload::State::Failed);
        QVERIFY2(workload.errorString().contains(errorContains), qPrintable(workload.errorString()));
        QCOMPARE(stats.value(QStringLiteral("state")).toString(), QStringLiteral("failed"));
        QVERIFY(LaneRegistry::info(workload.streamLane(0)).endedNs >= 0);
    }
    if (!statistic.isEmpty())
        QVERIFY2(stats.value(statistic).toInt() >= 1, qPrintable(QJsonDocument(stats).toJson()));
}

void TestLiveTranscription::persistentDropGivesUpWithReason()
{
    // Server-wide: every connection closes with 1011 at once, so reconnects cannot help.
    FaultSpec faults = *FaultSpec::parse(QStringLiteral("only=/v1/listen,close=1011:NET-0001"));
    m_service->setFaults(faults);
    LiveTranscriptionWorkload workload(liveSpec(ExecutionModel::Coroutine, QStringLiteral("lights-off"), 8),
                                       environment(), nullptr, fastOptions());
    workload.start();
    const bool done = workloadtest::waitFinished(workload);
    m_service->setFaults(FaultSpec {});
    QVERIFY(done);
    QCOMPARE(workload.state(), Workload::State::Failed);
    QVERIFY2(workload.errorString().contains(
                 QStringLiteral("gave up after 3 failed reconnect attempts: closed 1011: NET-0001")),
             qPrintable(workload.errorString()));
}

void TestLiveTranscription::keepAliveHoldsTheConnectionThroughAPause()
{
    // The server closes after 2 s without audio or a text message; the stream (at 2x) pauses 2.5 s.
    WorkloadSpec spec = liveSpec(ExecutionModel::Coroutine, QStringLiteral("two-utterances"), 2);
    spec.pauseS = 5;
    spec.chunkMs = 250;
    LiveTranscriptionStream::Options options = fastOptions();
    options.keepAlive = 700ms;
    LiveTranscriptionWorkload workload(spec, environment(), nullptr, options);
    workload.start();
    QVERIFY(workloadtest::waitFinished(workload));
    QCOMPARE(workload.errorString(), QString());
    const QJsonObject stats = workload.streamStatistics(0).toJson();
    QVERIFY(stats.value(QStringLiteral("keepAlives")).toInt() >= 2);
    QCOMPARE(stats.value(QStringLiteral("reconnects")).toInt(), 0);
    QCOMPARE(words(stats.value(QStringLiteral("transcript")).toString()),
             AudioSource::sampleText(QStringLiteral("two-utterances")));
}

void TestLiveTranscription::withoutKeepAliveTheIdleCloseIsRecovered()
{
    // No KeepAlive through a 2.5 s pause: the service closes with 1011 NET-0001 after 2 s idle, as
    // Deepgram does after 10 s; the stream reconnects, replays what was not final, and completes.
    WorkloadSpec spec = liveSpec(ExecutionModel::Coroutine, QStringLiteral("two-utterances"), 2);
    spec.pauseS = 5;
    spec.chunkMs = 250;
    LiveTranscriptionStream::Options options = fastOptions();
    options.keepAlive = 600s;
    LiveTranscriptionWorkload workload(spec, environment(), nullptr, options);
    workload.start();
    QVERIFY(workloadtest::waitFinished(workload));
    QCOMPARE(workload.errorString(), QString());
    const QJsonObject stats = workload.streamStatistics(0).toJson();
    QCOMPARE(stats.value(QStringLiteral("keepAlives")).toInt(), 0);
    QVERIFY(stats.value(QStringLiteral("reconnects")).toInt() >= 1);
    QCOMPARE(words(stats.value(QStringLiteral("transcript")).toString()),
             AudioSource::sampleText(QStringLiteral("two-utterances")));
    const QString tag = stats.value(QStringLiteral("tag")).toString();
    bool sawIdleClose = false;
    for (const auto &record : m_service->stats().streams(tag))
        sawIdleClose |= record->closeCode == 1011 && record->closeReason.contains(QStringLiteral("net0001"));
    QVERIFY(sawIdleClose);
    QCOMPARE(serverBytesFor(tag), qint64(stats.value(QStringLiteral("bytesSent")).toDouble()));
}

void TestLiveTranscription::stopEndsPromptly_data()
{
    QTest::addColumn<ExecutionModel>("model");
    QTest::addColumn<QString>("phase");
    for (const auto &[name, model] :
         QList<std::pair<const char *, ExecutionModel>> {{"thread", ExecutionModel::Thread},
                                                         {"coroutine", ExecutionModel::Coroutine},
                                                         {"offload", ExecutionModel::Offload}}) {
        for (const char *phase : {"connect", "streaming", "reconnect backoff"})
            QTest::addRow("%s during %s", name, phase) << model << QString::fromLatin1(phase);
    }
}

void TestLiveTranscription::stopEndsPromptly()
{
    QFETCH(ExecutionModel, model);
    QFETCH(QString, phase);
    const int contextsBefore = ExecutionContext::liveContexts();
    WorkloadSpec spec = liveSpec(model, QStringLiteral("email-dictation"), 1);
    LiveTranscriptionStream::Options options = fastOptions();
    const int waitMs = 300;
    if (phase == QLatin1String("connect")) {
        spec.faults = QStringLiteral("latency=20000"); // the handshake reply is held for 20 s
    } else if (phase == QLatin1String("reconnect backoff")) {
        spec.faults = QStringLiteral("drop-after-ms=100");
        options.backoffBase = options.backoffCap = 60s; // a minute of backoff
    }
    spec.count = 3;
    LiveTranscriptionWorkload workload(spec, environment(), nullptr, options);
    workload.start();
    if (phase == QLatin1String("connect")) {
        QTest::qWait(waitMs); // the handshake reply is held for 20 s: still connecting
    } else if (phase == QLatin1String("streaming")) {
        QTRY_VERIFY_WITH_TIMEOUT(workload.streamStatistics(0).toJson().value(QStringLiteral("chunksSent")).toInt() > 0,
                                 10000);
    } else {
        QTRY_VERIFY_WITH_TIMEOUT(workload.streamStatistics(0).toJson().value(QStringLiteral("reconnects")).toInt() >= 1,
                                 10000);
    }
    QVERIFY(workload.isActive());
    workload.stop();
    QSignalSpy finished(&workload, &Workload::finished);
    QVERIFY(finished.wait(5000));
    QCOMPARE(workload.state(), Workload::State::Stopped);
    QCOMPARE(workload.liveStreams(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(ExecutionContext::liveContexts(), contextsBefore, 5000);
}

void TestLiveTranscription::blockingStreamStopsFromAnotherThread()
{
    // The UI thread is frozen by the blocking stream; a watchdog-like thread stops it.
    LiveTranscriptionWorkload workload(liveSpec(ExecutionModel::Blocking, QStringLiteral("email-dictation"), 1),
                                       environment(), nullptr, fastOptions());
    std::unique_ptr<QThread> stopper(QThread::create([&workload] {
        QThread::msleep(400);
        workload.cancelFromAnyThread();
    }));
    workload.start();
    stopper->start();
    QVERIFY(workloadtest::waitFinished(workload));
    stopper->wait();
    QCOMPARE(workload.state(), Workload::State::Stopped);
    const double sentS = workload.streamStatistics(0).toJson().value(QStringLiteral("audioSentS")).toDouble();
    QVERIFY(sentS > 0);
    QVERIFY(sentS
            < AudioSource::load(liveSpec(ExecutionModel::Blocking, QStringLiteral("email-dictation"))).durationS());
}

void TestLiveTranscription::badSourcesFailClearly_data()
{
    QTest::addColumn<ExecutionModel>("model");
    QTest::addColumn<int>("source");
    QTest::addColumn<QByteArray>("fileBytes"); // written to a temporary file when not empty
    QTest::addColumn<QString>("errorContains");
    const QByteArray notWav = "this is not a WAV file at all, just text";
    QByteArray truncated = AudioSource::wavFromLinear16(QByteArray(3200, '\0')).left(30);
    QByteArray muLaw = AudioSource::wavFromLinear16(QByteArray(3200, '\0'));
    muLaw[20] = 7; // format tag 7: mu-law
    for (const auto &[name, model] :
         QList<std::pair<const char *, ExecutionModel>> {{"coroutine", ExecutionModel::Coroutine},
                                                         {"offload", ExecutionModel::Offload},
                                                         {"thread", ExecutionModel::Thread},
                                                         {"blocking", ExecutionModel::Blocking}}) {
        QTest::addRow("not a WAV (%s)", name)
            << model << int(AudioSourceKind::File) << notWav << QStringLiteral("RIFF");
        QTest::addRow("truncated header (%s)", name) << model << int(AudioSourceKind::File) << truncated << QString();
        QTest::addRow("mu-law (%s)", name) << model << int(AudioSourceKind::File) << muLaw << QStringLiteral("format");
    }
    QTest::newRow("missing file") << ExecutionModel::Coroutine << int(AudioSourceKind::File) << QByteArray()
                                  << QStringLiteral("/no/such/file.wav");
    QTest::newRow("unknown sample") << ExecutionModel::Coroutine << int(AudioSourceKind::Sample) << QByteArray()
                                    << QStringLiteral("no bundled sample");
    QTest::newRow("microphone on a machine without one")
        << ExecutionModel::Coroutine << int(AudioSourceKind::Microphone) << QByteArray()
        << QStringLiteral("no input device");
}

void TestLiveTranscription::badSourcesFailClearly()
{
    QFETCH(ExecutionModel, model);
    QFETCH(int, source);
    QFETCH(QByteArray, fileBytes);
    QFETCH(QString, errorContains);
    WorkloadSpec spec = liveSpec(model, QStringLiteral("no-such-sample"));
    spec.source = AudioSourceKind(source);
    QTemporaryDir dir;
    if (spec.source == AudioSourceKind::File) {
        spec.audio = QStringLiteral("/no/such/file.wav");
        if (!fileBytes.isEmpty()) {
            spec.audio = dir.filePath(QStringLiteral("bad.wav"));
            QFile file(spec.audio);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(fileBytes);
        }
    }
    if (spec.source == AudioSourceKind::Microphone)
        QVERIFY(!AudioSource::microphoneUnavailableReason().isEmpty()); // this machine has no input
    AudioSource::clearCache();
    LiveTranscriptionWorkload workload(spec, environment(), nullptr, fastOptions());
    workload.start();
    QVERIFY(workloadtest::waitFinished(workload));
    QCOMPARE(workload.state(), Workload::State::Failed);
    QVERIFY(!workload.errorString().isEmpty());
    QVERIFY2(workload.errorString().contains(errorContains), qPrintable(workload.errorString()));
    QCOMPARE(workload.streamStatistics(0).toJson().value(QStringLiteral("bytesSent")).toInt(), 0);
}

void TestLiveTranscription::closeWaitFollowsTheResults_data()
{
    using namespace std::chrono;
    QTest::addColumn<qint64>("lastMessageS");
    QTest::addColumn<qint64>("audioS");
    QTest::addColumn<qint64>("deadlineS");
    // CloseStream sent at 100 s, a 15 s timeout.
    QTest::newRow("silent since CloseStream: the timeout after it") << qint64(90) << qint64(10) << qint64(115);
    QTest::newRow("results still arriving: the timeout after the last") << qint64(108) << qint64(10) << qint64(123);
    QTest::newRow("a recognizer far behind is still waited for") << qint64(140) << qint64(10) << qint64(155);
    QTest::newRow("never past a minute more for short audio") << qint64(200) << qint64(10) << qint64(175);
    QTest::newRow("never past four times the audio for long audio") << qint64(500) << qint64(100) << qint64(515);
}

void TestLiveTranscription::closeWaitFollowsTheResults()
{
    using namespace std::chrono;
    QFETCH(qint64, lastMessageS);
    QFETCH(qint64, audioS);
    QFETCH(qint64, deadlineS);
    constexpr qint64 S = 1'000'000'000;
    QCOMPARE(LiveTranscriptionStream::closeDeadlineNs(100 * S, lastMessageS * S, seconds(15), seconds(audioS)),
             deadlineS * S);
}

QTEST_GUILESS_MAIN(TestLiveTranscription)
#include "tst_livetranscription.moc"
