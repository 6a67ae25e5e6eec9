#pragma once
// Pocketsphinx decoders, reused: ps_init is slow (about 25 ms with the grammar's small dictionary and
// 450 ms and 90 MB with the general language model) and a decoder is not thread-safe, so each stream
// leases one for its lifetime and gives it back at the end. Grammar decoders are created on demand;
// language-model decoders (for the fallback) are capped at one per recognition thread, and an
// acquire waits when all are busy. Decoders are created on the calling (worker) thread.
#include <QMutex>
#include <QString>
#include <QWaitCondition>

#include <memory>
#include <vector>

struct ps_decoder_s;

namespace Taskscope::Loopback {

class ServiceStats;
class SpeechGrammar;

class DecoderPool
{
public:
    enum class Kind { Grammar, LanguageModel };
    struct Settings
    {
        QString modelDirectory; // holds en-us/, en-us.lm.bin, cmudict-en-us.dict
        int endpointingFloorMs = 250; // -vad_postspeech
        int maxLanguageModelDecoders = 2;
        int maxIdleGrammarDecoders = 64;
    };

    class Lease
    {
    public:
        Lease() = default;
        Lease(DecoderPool *pool, Kind kind, ps_decoder_s *decoder);
        Lease(Lease &&other) noexcept;
        Lease &operator=(Lease &&other) noexcept;
        Lease(const Lease &) = delete;
        Lease &operator=(const Lease &) = delete;
        ~Lease();

        ps_decoder_s *get() const { return m_decoder; }
        explicit operator bool() const { return m_decoder != nullptr; }
        void release();

    private:
        DecoderPool *m_pool = nullptr;
        Kind m_kind = Kind::Grammar;
        ps_decoder_s *m_decoder = nullptr;
    };

    DecoderPool(const Settings &settings, std::shared_ptr<const SpeechGrammar> grammar, ServiceStats *stats);
    ~DecoderPool();
    DecoderPool(const DecoderPool &) = delete;
    DecoderPool &operator=(const DecoderPool &) = delete;

    bool grammarAvailable() const;
    bool languageModelAvailable() const;
    const SpeechGrammar *grammar() const { return m_grammar.get(); }
    // An empty lease when the decoder cannot be created (missing model files); see lastError().
    Lease acquire(Kind kind);
    QString lastError() const;
    // Creates decoders ahead of demand (call from a worker thread).
    void prewarm(Kind kind, int count);
    int idleCount(Kind kind) const;
    // Prepares a leased decoder for a new stream: frame numbers restart at 0 and the live cepstral
    // mean goes back to its initial value, so a reused decoder decodes exactly like a fresh one.
    void startStream(ps_decoder_s *decoder) const;

private:
    ps_decoder_s *create(Kind kind);
    void giveBack(Kind kind, ps_decoder_s *decoder);

    Settings m_settings;
    std::shared_ptr<const SpeechGrammar> m_grammar;
    ServiceStats *m_stats;
    mutable QMutex m_lock;
    QWaitCondition m_languageModelFreed;
    std::vector<ps_decoder_s *> m_idleGrammar;
    std::vector<ps_decoder_s *> m_idleLanguageModel;
    int m_languageModelDecoders = 0; // created, idle or leased
    std::vector<float> m_initialCepstralMean; // captured from the first decoder
    QString m_lastError;
};

} // namespace Taskscope::Loopback
