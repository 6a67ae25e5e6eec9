#include "workers/loopback/speech/decoderpool.h"

#include "workers/loopback/servicestats.h"
#include "workers/loopback/speech/speechgrammar.h"

#include <QFileInfo>
#include <QMutexLocker>

#include <pocketsphinx.h>
#include <sphinxbase/err.h>

#include <mutex>
#include <type_traits>

namespace Taskscope::Loopback {

static_assert(std::is_same_v<mfcc_t, float>, "this sphinxbase build uses fixed-point features");

DecoderPool::Lease::Lease(DecoderPool *pool, Kind kind, ps_decoder_s *decoder)
    : m_pool(pool)
    , m_kind(kind)
    , m_decoder(decoder)
{
}

DecoderPool::Lease::Lease(Lease &&other) noexcept
    : m_pool(other.m_pool)
    , m_kind(other.m_kind)
    , m_decoder(std::exchange(other.m_decoder, nullptr))
{
}

DecoderPool::Lease &DecoderPool::Lease::operator=(Lease &&other) noexcept
{
    if (this != &other) {
        release();
        m_pool = other.m_pool;
        m_kind = other.m_kind;
        m_decoder = std::exchange(other.m_decoder, nullptr);
    }
    return *this;
}

DecoderPool::Lease::~Lease()
{
    release();
}

void DecoderPool::Lease::release()
{
    if (m_decoder && m_pool)
        m_pool->giveBack(m_kind, m_decoder);
    m_decoder = nullptr;
}

DecoderPool::DecoderPool(const Settings &settings, std::shared_ptr<const SpeechGrammar> grammar, ServiceStats *stats)
    : m_settings(settings)
    , m_grammar(std::move(grammar))
    , m_stats(stats)
{
    // Silence sphinxbase once for the process (its log and ps_init's configuration dump). Not
    // "-logfn /dev/null" per decoder: every ps_init with
    // -logfn opens a new global log FILE and closes the previous one while other threads may be
    // logging to it (a use-after-free seen as "free(): invalid pointer" with many streams).
    static std::once_flag silenced;
    std::call_once(silenced, [] { err_set_logfp(nullptr); });
}

DecoderPool::~DecoderPool()
{
    QMutexLocker locker(&m_lock);
    for (ps_decoder_s *d : m_idleGrammar)
        ps_free(d);
    for (ps_decoder_s *d : m_idleLanguageModel)
        ps_free(d);
}

bool DecoderPool::grammarAvailable() const
{
    return m_grammar && m_grammar->isUsable()
        && QFileInfo::exists(m_settings.modelDirectory + QStringLiteral("/en-us/mdef"));
}

bool DecoderPool::languageModelAvailable() const
{
    return QFileInfo::exists(m_settings.modelDirectory + QStringLiteral("/en-us.lm.bin"))
        && QFileInfo::exists(m_settings.modelDirectory + QStringLiteral("/cmudict-en-us.dict"))
        && QFileInfo::exists(m_settings.modelDirectory + QStringLiteral("/en-us/mdef"));
}

QString DecoderPool::lastError() const
{
    QMutexLocker locker(&m_lock);
    return m_lastError;
}

int DecoderPool::idleCount(Kind kind) const
{
    QMutexLocker locker(&m_lock);
    return int(kind == Kind::Grammar ? m_idleGrammar.size() : m_idleLanguageModel.size());
}

ps_decoder_s *DecoderPool::create(Kind kind)
{
    const QByteArray hmm = (m_settings.modelDirectory + QStringLiteral("/en-us")).toLocal8Bit();
    const QByteArray postSpeech = QByteArray::number(std::max(5, m_settings.endpointingFloorMs / 10));
    cmd_ln_t *config = nullptr;
    if (kind == Kind::Grammar) {
        if (!grammarAvailable()) {
            QMutexLocker locker(&m_lock);
            m_lastError = QStringLiteral("no usable grammar or acoustic model");
            return nullptr;
        }
        const QByteArray dict = m_grammar->dictionaryPath().toLocal8Bit();
        config = cmd_ln_init(nullptr, ps_args(), TRUE, "-hmm", hmm.constData(), "-dict", dict.constData(),
                             "-vad_postspeech", postSpeech.constData(), nullptr);
    } else {
        if (!languageModelAvailable()) {
            QMutexLocker locker(&m_lock);
            m_lastError = QStringLiteral("the general language model is not installed (pocketsphinx-en-us)");
            return nullptr;
        }
        const QByteArray dict = (m_settings.modelDirectory + QStringLiteral("/cmudict-en-us.dict")).toLocal8Bit();
        const QByteArray lm = (m_settings.modelDirectory + QStringLiteral("/en-us.lm.bin")).toLocal8Bit();
        config = cmd_ln_init(nullptr, ps_args(), TRUE, "-hmm", hmm.constData(), "-dict", dict.constData(), "-lm",
                             lm.constData(), "-vad_postspeech", postSpeech.constData(), nullptr);
    }
    if (!config) {
        QMutexLocker locker(&m_lock);
        m_lastError = QStringLiteral("pocketsphinx rejected the decoder configuration");
        return nullptr;
    }
    ps_decoder_t *decoder = ps_init(config);
    cmd_ln_free_r(config); // the decoder holds its own reference
    if (!decoder) {
        QMutexLocker locker(&m_lock);
        m_lastError = QStringLiteral("pocketsphinx could not load the model from %1").arg(m_settings.modelDirectory);
        return nullptr;
    }
    if (kind == Kind::Grammar) {
        if (ps_set_jsgf_string(decoder, "grammar", m_grammar->jsgf().constData()) != 0
            || ps_set_search(decoder, "grammar") != 0) {
            ps_free(decoder);
            QMutexLocker locker(&m_lock);
            m_lastError = QStringLiteral("pocketsphinx rejected the JSGF grammar");
            return nullptr;
        }
    }
    if (feat_t *feat = ps_get_feat(decoder); feat && feat->cmn_struct) {
        QMutexLocker locker(&m_lock);
        if (m_initialCepstralMean.empty()) {
            m_initialCepstralMean.resize(std::size_t(feat->cmn_struct->veclen));
            cmn_live_get(feat->cmn_struct, m_initialCepstralMean.data());
        }
    }
    if (m_stats)
        m_stats->decodersCreated.fetch_add(1, std::memory_order_relaxed);
    return decoder;
}

DecoderPool::Lease DecoderPool::acquire(Kind kind)
{
    {
        QMutexLocker locker(&m_lock);
        if (kind == Kind::Grammar) {
            if (!m_idleGrammar.empty()) {
                ps_decoder_s *d = m_idleGrammar.back();
                m_idleGrammar.pop_back();
                return Lease(this, kind, d);
            }
        } else {
            while (m_idleLanguageModel.empty()
                   && m_languageModelDecoders >= std::max(1, m_settings.maxLanguageModelDecoders))
                m_languageModelFreed.wait(&m_lock);
            if (!m_idleLanguageModel.empty()) {
                ps_decoder_s *d = m_idleLanguageModel.back();
                m_idleLanguageModel.pop_back();
                return Lease(this, kind, d);
            }
            ++m_languageModelDecoders; // reserve the slot while creating outside the lock
        }
    }
    ps_decoder_s *d = create(kind);
    if (!d && kind == Kind::LanguageModel) {
        QMutexLocker locker(&m_lock);
        --m_languageModelDecoders;
        m_languageModelFreed.wakeOne();
    }
    return d ? Lease(this, kind, d) : Lease();
}

void DecoderPool::giveBack(Kind kind, ps_decoder_s *decoder)
{
    QMutexLocker locker(&m_lock);
    if (kind == Kind::Grammar) {
        if (int(m_idleGrammar.size()) < m_settings.maxIdleGrammarDecoders) {
            m_idleGrammar.push_back(decoder);
            return;
        }
        locker.unlock();
        ps_free(decoder);
        return;
    }
    m_idleLanguageModel.push_back(decoder);
    m_languageModelFreed.wakeOne();
}

void DecoderPool::prewarm(Kind kind, int count)
{
    if (kind == Kind::LanguageModel)
        count = std::min(count, std::max(1, m_settings.maxLanguageModelDecoders));
    std::vector<Lease> leases;
    for (int i = 0; i < count; ++i) {
        Lease lease = acquire(kind);
        if (!lease)
            break;
        leases.push_back(std::move(lease));
    }
}

void DecoderPool::startStream(ps_decoder_s *decoder) const
{
    ps_start_stream(decoder);
    feat_t *feat = ps_get_feat(decoder);
    QMutexLocker locker(&m_lock);
    if (feat && feat->cmn_struct && int(m_initialCepstralMean.size()) == feat->cmn_struct->veclen)
        cmn_live_set(feat->cmn_struct, m_initialCepstralMean.data());
}

} // namespace Taskscope::Loopback
