#pragma once
// Streaming recognition of one audio stream (16 kHz mono int16) with pocketsphinx: partial hypotheses
// become interim results, the decoder's voice-activity detection plus the requested endpointing
// silence ends an utterance, and each utterance ends in one final result with word times in stream
// seconds.
//
// Grammar first, language model as fallback: the stream is decoded with the JSGF grammar of the
// bundled sample texts (cheap, about 1% of a core per stream, and exact for the samples). At the end of
// an utterance the grammar result is judged: it is "poor" when it is empty although speech was heard,
// when the mean acoustic score of its words is below -50 per frame, or when one word scores below -70
// per frame (the bundled samples score -20 to -41 on average and no word below -59). A poor utterance
// is decoded again, from its buffered audio, with the general en-us language model (about 0.2x real
// time, so those finals come later), and the final result names the search that produced it in
// `model`. Interim results always come from the grammar pass. Known limit: a sentence that differs from
// a sample by one word can still be forced onto the sample's text.
//
// Not thread-safe: one instance per stream, used by one thread at a time (RecognitionQueue makes sure).
#include "workers/loopback/speech/decoderpool.h"
#include "workers/loopback/speech/recognitionevent.h"

#include <QString>

#include <cstdint>
#include <vector>

namespace Taskscope::Loopback {

class ServiceStats;

class UtteranceRecognizer
{
public:
    static constexpr int sampleRate = 16000;
    static inline const QString grammarModelName = QStringLiteral("pocketsphinx-en-us-grammar");
    static inline const QString languageModelName = QStringLiteral("pocketsphinx-en-us-lm");

    struct Options
    {
        bool interimResults = false;
        bool vadEvents = false;
        bool endpointing = true; // false: utterances end only on Finalize, CloseStream or length
        int endpointingMs = 10; // Deepgram's default; raised to the floor below
        int endpointingFloorMs = 250; // must match the decoder pool's VAD hangover
        int utteranceEndMs = 0; // 0: no UtteranceEnd messages
        int maxUtteranceMs = 20000;
        int interimIntervalMs = 200; // at most one interim per this much audio
    };

    UtteranceRecognizer(DecoderPool *pool, ServiceStats *stats, const Options &options);
    ~UtteranceRecognizer();
    UtteranceRecognizer(const UtteranceRecognizer &) = delete;
    UtteranceRecognizer &operator=(const UtteranceRecognizer &) = delete;

    // Leases a decoder. False (with *error set) when no model is usable.
    bool start(QString *error = nullptr);
    void feed(const int16_t *samples, std::size_t count, std::vector<RecognitionEvent> &events);
    // Deepgram Finalize: ends the current utterance now (one final with fromFinalize, empty if silent).
    void finalize(std::vector<RecognitionEvent> &events);
    // End of stream: final result for pending speech, UtteranceEnd if due, then Finished. Gives the
    // decoder back.
    void finish(std::vector<RecognitionEvent> &events);
    // The stream is gone: give the decoder back without producing results (no fallback decoding).
    void abandon();
    double processedSeconds() const { return double(m_samples) / sampleRate; }

private:
    struct DecodedUtterance
    {
        QString transcript;
        QList<RecognizedWord> words;
        double meanFrameScore = 0;
        double worstFrameScore = 0;
    };

    void processSlice(const int16_t *samples, std::size_t count, std::vector<RecognitionEvent> &events);
    void endUtterance(bool speechFinal, bool fromFinalize, bool always, std::vector<RecognitionEvent> &events);
    DecodedUtterance collect(ps_decoder_s *decoder, bool languageModel, double offsetSeconds) const;
    bool decodeWithLanguageModel(DecodedUtterance &out);
    void maybeInterim(std::vector<RecognitionEvent> &events);
    double now() const { return double(m_samples) / sampleRate; }

    DecoderPool *m_pool;
    ServiceStats *m_stats;
    Options m_options;
    DecoderPool::Lease m_decoder;
    bool m_primaryIsGrammar = true;
    bool m_uttStarted = false;
    long long m_samples = 0;
    double m_segmentStart = 0;
    bool m_speaking = false;
    bool m_heardSpeech = false; // since the last final
    long long m_speechStartSample = 0;
    long long m_silenceStartSample = -1;
    std::vector<int16_t> m_utteranceAudio; // audio of the current segment, for the fallback
    long long m_utteranceAudioStart = 0;
    QString m_lastInterim;
    long long m_lastInterimSample = -1;
    bool m_utteranceEndPending = false;
    double m_lastWordEnd = 0;
};

} // namespace Taskscope::Loopback
