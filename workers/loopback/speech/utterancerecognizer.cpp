#include "workers/loopback/speech/utterancerecognizer.h"

#include "workers/loopback/servicestats.h"

#include <pocketsphinx.h>

#include <algorithm>
#include <cmath>

namespace Taskscope::Loopback {

namespace {

constexpr std::size_t sliceSamples = UtteranceRecognizer::sampleRate / 10; // 100 ms
constexpr std::size_t prerollSamples = UtteranceRecognizer::sampleRate; // kept while silent
constexpr double poorMeanFrameScore = -50.0;
constexpr double poorWordFrameScore = -70.0;

bool isFiller(const char *word)
{
    return word[0] == '<' || word[0] == '[' || word[0] == '+';
}

// "to(3)" -> "to"
QString baseWord(const char *word)
{
    QString w = QString::fromUtf8(word);
    const qsizetype paren = w.indexOf(QLatin1Char('('));
    if (paren > 0)
        w.truncate(paren);
    return w;
}

// Maps a word's acoustic score per frame (0 is the best senone every frame) to 0..1: about 0.96 at
// -35, 0.5 at -60, 0.1 at -78.
double grammarConfidence(double frameScore)
{
    return 1.0 / (1.0 + std::exp((-frameScore - 60.0) / 8.0));
}

} // namespace

UtteranceRecognizer::UtteranceRecognizer(DecoderPool *pool, ServiceStats *stats, const Options &options)
    : m_pool(pool)
    , m_stats(stats)
    , m_options(options)
{
}

UtteranceRecognizer::~UtteranceRecognizer()
{
    if (m_decoder && m_uttStarted)
        ps_end_utt(m_decoder.get());
}

bool UtteranceRecognizer::start(QString *error)
{
    if (m_decoder)
        return true;
    m_primaryIsGrammar = m_pool->grammarAvailable();
    m_decoder = m_pool->acquire(m_primaryIsGrammar ? DecoderPool::Kind::Grammar : DecoderPool::Kind::LanguageModel);
    if (!m_decoder) {
        if (error)
            *error = m_pool->lastError();
        return false;
    }
    m_pool->startStream(m_decoder.get());
    ps_start_utt(m_decoder.get());
    m_uttStarted = true;
    return true;
}

void UtteranceRecognizer::feed(const int16_t *samples, std::size_t count, std::vector<RecognitionEvent> &events)
{
    if (!m_decoder)
        return;
    while (count > 0) {
        const std::size_t n = std::min(count, sliceSamples);
        processSlice(samples, n, events);
        samples += n;
        count -= n;
    }
}

void UtteranceRecognizer::processSlice(const int16_t *samples, std::size_t count, std::vector<RecognitionEvent> &events)
{
    ps_decoder_s *d = m_decoder.get();
    ps_process_raw(d, samples, count, FALSE, FALSE);
    m_samples += (long long)count;
    m_utteranceAudio.insert(m_utteranceAudio.end(), samples, samples + count);

    const bool inSpeech = ps_get_in_speech(d);
    if (inSpeech && !m_speaking) {
        m_speaking = true;
        m_silenceStartSample = -1;
        if (!m_heardSpeech) {
            m_heardSpeech = true;
            // The VAD needs ~100 ms of speech to decide; the slice boundary adds up to one slice.
            m_speechStartSample = std::max<long long>(m_utteranceAudioStart,
                                                      m_samples - (long long)count - sampleRate / 10);
            if (m_options.vadEvents) {
                RecognitionEvent e;
                e.kind = RecognitionEvent::Kind::SpeechStarted;
                e.timestamp = double(m_speechStartSample) / sampleRate;
                events.push_back(e);
            }
        }
    } else if (!inSpeech && m_speaking) {
        m_speaking = false;
        m_silenceStartSample = m_samples - (long long)m_options.endpointingFloorMs * sampleRate / 1000;
    }

    if (!m_heardSpeech && m_utteranceAudio.size() > 2 * prerollSamples) {
        // Silence only: keep a second of pre-roll for the fallback decode, not the whole silence.
        const std::size_t drop = m_utteranceAudio.size() - prerollSamples;
        m_utteranceAudio.erase(m_utteranceAudio.begin(), m_utteranceAudio.begin() + std::ptrdiff_t(drop));
        m_utteranceAudioStart += (long long)drop;
    }

    if (m_heardSpeech && !m_speaking && m_options.endpointing) {
        const long long needed = (long long)std::max(m_options.endpointingMs, m_options.endpointingFloorMs) * sampleRate
            / 1000;
        if (m_samples - m_silenceStartSample >= needed) {
            endUtterance(true, false, false, events);
            return;
        }
    }
    if (m_heardSpeech && m_samples - m_speechStartSample > (long long)m_options.maxUtteranceMs * sampleRate / 1000) {
        endUtterance(false, false, false, events);
        return;
    }
    if (m_options.interimResults && m_heardSpeech)
        maybeInterim(events);
    if (m_utteranceEndPending && m_options.utteranceEndMs > 0 && !m_speaking
        && now() - m_lastWordEnd >= m_options.utteranceEndMs / 1000.0) {
        RecognitionEvent e;
        e.kind = RecognitionEvent::Kind::UtteranceEnd;
        e.lastWordEnd = m_lastWordEnd;
        events.push_back(e);
        m_utteranceEndPending = false;
    }
}

void UtteranceRecognizer::maybeInterim(std::vector<RecognitionEvent> &events)
{
    if (m_lastInterimSample >= 0
        && m_samples - m_lastInterimSample < (long long)m_options.interimIntervalMs * sampleRate / 1000)
        return;
    const char *hyp = ps_get_hyp(m_decoder.get(), nullptr);
    if (!hyp || !*hyp)
        return;
    const DecodedUtterance partial = collect(m_decoder.get(), !m_primaryIsGrammar, 0);
    if (partial.transcript.isEmpty() || partial.transcript == m_lastInterim)
        return;
    m_lastInterim = partial.transcript;
    m_lastInterimSample = m_samples;
    RecognitionEvent e;
    e.kind = RecognitionEvent::Kind::Interim;
    e.start = m_segmentStart;
    e.duration = now() - m_segmentStart;
    e.transcript = partial.transcript;
    e.words = partial.words;
    double sum = 0;
    for (const auto &w : partial.words)
        sum += w.confidence;
    e.confidence = partial.words.isEmpty() ? 0 : sum / double(partial.words.size());
    e.model = m_primaryIsGrammar ? grammarModelName : languageModelName;
    events.push_back(e);
}

UtteranceRecognizer::DecodedUtterance UtteranceRecognizer::collect(ps_decoder_s *decoder, bool languageModel,
                                                                   double offsetSeconds) const
{
    DecodedUtterance out;
    QStringList words;
    double scoreSum = 0;
    int scored = 0;
    out.worstFrameScore = 0;
    logmath_t *logmath = ps_get_logmath(decoder);
    for (ps_seg_t *seg = ps_seg_iter(decoder); seg; seg = ps_seg_next(seg)) {
        const char *word = ps_seg_word(seg);
        if (!word || isFiller(word))
            continue;
        int startFrame = 0;
        int endFrame = 0;
        ps_seg_frames(seg, &startFrame, &endFrame);
        int32 acoustic = 0;
        int32 language = 0;
        int32 backoff = 0;
        const int32 posterior = ps_seg_prob(seg, &acoustic, &language, &backoff);
        RecognizedWord w;
        w.word = baseWord(word);
        w.start = offsetSeconds + startFrame / 100.0;
        w.end = offsetSeconds + (endFrame + 1) / 100.0;
        const int frames = std::max(1, endFrame - startFrame + 1);
        if (languageModel) {
            w.confidence = std::clamp(logmath_exp(logmath, posterior), 0.0, 1.0);
        } else {
            const double frameScore = double(acoustic) / frames;
            w.confidence = grammarConfidence(frameScore);
            scoreSum += frameScore;
            ++scored;
            out.worstFrameScore = std::min(out.worstFrameScore, frameScore);
        }
        words << w.word;
        out.words.append(w);
    }
    out.meanFrameScore = scored ? scoreSum / scored : 0;
    out.transcript = words.join(QLatin1Char(' '));
    return out;
}

bool UtteranceRecognizer::decodeWithLanguageModel(DecodedUtterance &out)
{
    if (m_utteranceAudio.empty() || !m_pool->languageModelAvailable())
        return false;
    DecoderPool::Lease lm = m_pool->acquire(DecoderPool::Kind::LanguageModel);
    if (!lm)
        return false;
    ps_decoder_s *d = lm.get();
    m_pool->startStream(d);
    ps_start_utt(d);
    ps_process_raw(d, m_utteranceAudio.data(), m_utteranceAudio.size(), FALSE, TRUE);
    ps_end_utt(d);
    out = collect(d, true, double(m_utteranceAudioStart) / sampleRate);
    if (m_stats)
        m_stats->languageModelFallbacks.fetch_add(1, std::memory_order_relaxed);
    return true;
}

void UtteranceRecognizer::endUtterance(bool speechFinal, bool fromFinalize, bool always,
                                       std::vector<RecognitionEvent> &events)
{
    ps_decoder_s *d = m_decoder.get();
    ps_end_utt(d);
    m_uttStarted = false;
    DecodedUtterance result;
    QString model = m_primaryIsGrammar ? grammarModelName : languageModelName;
    if (m_heardSpeech) {
        result = collect(d, !m_primaryIsGrammar, 0);
        const bool poor = result.words.isEmpty() || result.meanFrameScore < poorMeanFrameScore
            || result.worstFrameScore < poorWordFrameScore;
        if (m_primaryIsGrammar && poor) {
            DecodedUtterance fallback;
            if (decodeWithLanguageModel(fallback)) {
                result = fallback;
                model = languageModelName;
            } else if (!result.words.isEmpty()) {
                result = DecodedUtterance {}; // a poor grammar guess is worse than nothing
            }
        }
    }
    if (m_heardSpeech || always) {
        RecognitionEvent e;
        e.kind = RecognitionEvent::Kind::Final;
        e.start = m_segmentStart;
        e.duration = std::max(0.0, now() - m_segmentStart);
        e.transcript = result.transcript;
        e.words = result.words;
        double sum = 0;
        for (const auto &w : std::as_const(result.words))
            sum += w.confidence;
        e.confidence = result.words.isEmpty() ? 0 : sum / double(result.words.size());
        e.speechFinal = speechFinal;
        e.fromFinalize = fromFinalize;
        e.model = model;
        events.push_back(e);
        if (!result.words.isEmpty()) {
            m_lastWordEnd = result.words.last().end;
            m_utteranceEndPending = true;
        }
        if (m_stats)
            m_stats->utterancesFinalized.fetch_add(1, std::memory_order_relaxed);
        m_segmentStart = now();
    }
    m_utteranceAudio.clear();
    m_utteranceAudioStart = m_samples;
    m_heardSpeech = false;
    m_speaking = false;
    m_silenceStartSample = -1;
    m_lastInterim.clear();
    m_lastInterimSample = -1;
    ps_start_utt(d);
    m_uttStarted = true;
}

void UtteranceRecognizer::finalize(std::vector<RecognitionEvent> &events)
{
    if (m_decoder)
        endUtterance(false, true, true, events);
    RecognitionEvent done;
    done.kind = RecognitionEvent::Kind::FinalizeDone;
    events.push_back(done);
}

void UtteranceRecognizer::finish(std::vector<RecognitionEvent> &events)
{
    if (m_decoder) {
        endUtterance(true, false, false, events);
        if (m_utteranceEndPending && m_options.utteranceEndMs > 0) {
            RecognitionEvent e;
            e.kind = RecognitionEvent::Kind::UtteranceEnd;
            e.lastWordEnd = m_lastWordEnd;
            events.push_back(e);
            m_utteranceEndPending = false;
        }
        ps_end_utt(m_decoder.get());
        m_uttStarted = false;
        m_decoder.release();
    }
    RecognitionEvent done;
    done.kind = RecognitionEvent::Kind::Finished;
    events.push_back(done);
}

void UtteranceRecognizer::abandon()
{
    if (m_decoder && m_uttStarted)
        ps_end_utt(m_decoder.get());
    m_uttStarted = false;
    m_decoder.release();
}

} // namespace Taskscope::Loopback
