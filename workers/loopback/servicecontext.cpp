#include "workers/loopback/servicecontext.h"

#include "workers/loopback/http/httprequest.h"
#include "workers/loopback/networkloop.h"
#include "workers/loopback/speech/decoderpool.h"
#include "workers/loopback/speech/speechgrammar.h"
#include "workers/loopback/speech/speechsynthesizer.h"

#include <QMutexLocker>
#include <QRandomGenerator>
#include <QThread>

namespace Taskscope::Loopback {

ServiceContext::ServiceContext(const LoopbackConfig &config)
    : m_config(config)
    , m_memory(config.maxMemoryBytes)
    , m_serverFaults(config.faults)
{
    m_stats.setMemoryBudget(&m_memory);
    m_grammar = std::make_shared<SpeechGrammar>(config.speechDirectory,
                                                config.acousticModelDirectory + QStringLiteral("/cmudict-en-us.dict"));
    m_warnings = m_grammar->problems();
    const int cores = std::max(1, QThread::idealThreadCount());
    const int threads = config.recognitionThreads > 0 ? config.recognitionThreads : 2 * cores;
    DecoderPool::Settings settings;
    settings.modelDirectory = config.acousticModelDirectory;
    settings.endpointingFloorMs = config.endpointingFloorMs;
    settings.maxLanguageModelDecoders = std::min(threads, cores); // 90 MB each
    m_decoders = std::make_unique<DecoderPool>(settings, m_grammar, &m_stats);
    if (!m_decoders->grammarAvailable())
        m_warnings << QStringLiteral("grammar recognition unavailable (acoustic model or sentences missing)");
    if (!m_decoders->languageModelAvailable())
        m_warnings << QStringLiteral("language-model recognition unavailable (pocketsphinx-en-us not installed?)");
    m_recognitionPool.setMaxThreadCount(threads);
    m_recognitionPool.setExpiryTimeout(-1);
    m_recognitionPool.setObjectName(QStringLiteral("loopback-recognition"));
}

ServiceContext::~ServiceContext()
{
    m_recognitionPool.waitForDone();
}

std::shared_ptr<SpeechSynthesizer> ServiceContext::synthesizer()
{
    QMutexLocker locker(&m_lock);
    if (!m_synthesizer)
        m_synthesizer = SpeechSynthesizer::shared();
    return m_synthesizer;
}

void ServiceContext::setServerFaults(const FaultSpec &faults)
{
    QMutexLocker locker(&m_lock);
    m_serverFaults = faults;
}

FaultSpec ServiceContext::serverFaults() const
{
    QMutexLocker locker(&m_lock);
    return m_serverFaults;
}

bool ServiceContext::faultsFor(const HttpRequest &request, FaultSpec *out, QString *error) const
{
    *out = FaultSpec {};
    std::optional<FaultSpec> spec;
    if (request.hasHeader("x-taskscope-faults")) {
        spec = FaultSpec::parse(QString::fromUtf8(request.header("x-taskscope-faults")), error);
        if (!spec)
            return false;
    } else if (request.query.hasQueryItem(QStringLiteral("faults"))) {
        spec = FaultSpec::parse(request.queryValue(QStringLiteral("faults")), error);
        if (!spec)
            return false;
    } else {
        const bool control = request.path == u"/v1/stats" || request.path == u"/healthz";
        if (control)
            return true;
        spec = serverFaults();
    }
    if (spec->isEmpty() || !spec->appliesToPath(request.path))
        return true;
    if (spec->probability < 1.0 && QRandomGenerator::global()->generateDouble() >= spec->probability)
        return true;
    *out = *spec;
    return true;
}

namespace {

// Compares without stopping at the first difference, so the time taken says nothing about the key.
bool sameKey(const QByteArray &given, const QByteArray &key)
{
    unsigned char difference = given.size() == key.size() ? 0 : 1;
    for (qsizetype i = 0; i < given.size(); ++i)
        difference |= uchar(given.at(i)) ^ uchar(key.isEmpty() ? 0 : key.at(i % key.size()));
    return difference == 0;
}

} // namespace

bool ServiceContext::isAuthorized(const HttpRequest &request) const
{
    if (m_config.apiKey.isEmpty())
        return true;
    const QByteArray key = m_config.apiKey.toUtf8();
    const QByteArray authorization = request.header("authorization");
    const qsizetype space = authorization.indexOf(' ');
    if (space > 0) {
        const QByteArray scheme = authorization.left(space).toLower();
        if ((scheme == "token" || scheme == "bearer") && sameKey(authorization.mid(space + 1).trimmed(), key))
            return true;
    }
    // Browsers cannot set headers on a WebSocket: Sec-WebSocket-Protocol: token, KEY
    const QList<QByteArray> protocols = request.header("sec-websocket-protocol").split(',');
    for (qsizetype i = 0; i + 1 < protocols.size(); ++i) {
        const QByteArray scheme = protocols[i].trimmed().toLower();
        if ((scheme == "token" || scheme == "bearer") && sameKey(protocols[i + 1].trimmed(), key))
            return true;
    }
    return false;
}

bool ServiceContext::tryAcquireRecognitionSlot()
{
    int current = m_recognitionStreams.load();
    while (current < m_config.maxRecognitionStreams) {
        if (m_recognitionStreams.compare_exchange_weak(current, current + 1))
            return true;
    }
    return false;
}

void ServiceContext::releaseRecognitionSlot()
{
    m_recognitionStreams.fetch_sub(1);
}

void ServiceContext::post(NetworkLoop *loop, std::function<void()> fn)
{
    QMutexLocker locker(&m_postLock);
    if (!m_posting)
        return;
    QMetaObject::invokeMethod(loop, std::move(fn), Qt::QueuedConnection);
}

void ServiceContext::stopPosting()
{
    QMutexLocker locker(&m_postLock);
    m_posting = false;
}

void ServiceContext::beginSynthesisJob()
{
    QMutexLocker locker(&m_synthesisLock);
    ++m_synthesisJobs;
}

void ServiceContext::endSynthesisJob()
{
    QMutexLocker locker(&m_synthesisLock);
    if (--m_synthesisJobs == 0)
        m_synthesisDone.wakeAll();
}

void ServiceContext::waitForSynthesisJobs()
{
    QMutexLocker locker(&m_synthesisLock);
    while (m_synthesisJobs > 0)
        m_synthesisDone.wait(&m_synthesisLock);
}

} // namespace Taskscope::Loopback
