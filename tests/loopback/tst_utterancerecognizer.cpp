// Recognition of the bundled speech samples with pocketsphinx, without the network: exact finals,
// interim results before them, ordered word times, and the language-model fallback for other audio.
#include "workers/loopback/audio/wavheader.h"
#include "workers/loopback/servicestats.h"
#include "workers/loopback/speech/decoderpool.h"
#include "workers/loopback/speech/speechgrammar.h"
#include "workers/loopback/speech/speechsynthesizer.h"
#include "workers/loopback/speech/utterancerecognizer.h"

#include <QDir>
#include <QFile>
#include <QMutex>
#include <QTest>

using Taskscope::Loopback::DecoderPool;
using Taskscope::Loopback::RecognitionEvent;
using Taskscope::Loopback::RecognizedWord;
using Taskscope::Loopback::ServiceStats;
using Taskscope::Loopback::SpeechGrammar;
using Taskscope::Loopback::SpeechSynthesizer;
using Taskscope::Loopback::UtteranceRecognizer;
using Taskscope::Loopback::WavHeader;

namespace {

const QString modelDirectory = QStringLiteral("/usr/share/pocketsphinx/model/en-us");

std::vector<int16_t> readSamples(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QByteArray bytes = file.readAll();
    const WavHeader header = WavHeader::parse(bytes);
    if (header.status != WavHeader::Status::Ok)
        return {};
    std::vector<int16_t> samples(std::size_t((bytes.size() - header.dataOffset) / 2));
    std::memcpy(samples.data(), bytes.constData() + header.dataOffset, samples.size() * 2);
    return samples;
}

QStringList expectedLines(const QString &name)
{
    QFile file(QStringLiteral(":/speech/%1.txt").arg(name));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}

struct Decoded
{
    QStringList finals;
    QStringList models;
    int interimsBeforeFirstFinal = 0;
    bool wordTimesOrdered = true;
    QList<RecognizedWord> words;
};

Decoded decode(DecoderPool *pool, ServiceStats *stats, const std::vector<int16_t> &samples, std::size_t chunk)
{
    UtteranceRecognizer::Options options;
    options.interimResults = true;
    options.endpointingMs = 300;
    UtteranceRecognizer recognizer(pool, stats, options);
    Decoded out;
    if (!recognizer.start())
        return out;
    std::vector<RecognitionEvent> events;
    for (std::size_t at = 0; at < samples.size(); at += chunk)
        recognizer.feed(samples.data() + at, std::min(chunk, samples.size() - at), events);
    recognizer.finish(events);
    double lastEnd = -1;
    for (const RecognitionEvent &e : events) {
        if (e.kind == RecognitionEvent::Kind::Interim && out.finals.isEmpty())
            ++out.interimsBeforeFirstFinal;
        if (e.kind != RecognitionEvent::Kind::Final || e.transcript.isEmpty())
            continue;
        out.finals << e.transcript;
        out.models << e.model;
        for (const RecognizedWord &w : e.words) {
            if (w.start < lastEnd - 1e-9 || w.end <= w.start || w.start < e.start - 1e-9
                || w.end > e.start + e.duration + 1e-9)
                out.wordTimesOrdered = false;
            lastEnd = w.end;
            out.words << w;
        }
    }
    return out;
}

} // namespace

class tst_UtteranceRecognizer : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        m_grammar = std::make_shared<SpeechGrammar>(QStringLiteral(":/speech"),
                                                    modelDirectory + QStringLiteral("/cmudict-en-us.dict"));
        QVERIFY2(m_grammar->isUsable(), qPrintable(m_grammar->problems().join(QLatin1Char('\n'))));
        QVERIFY2(m_grammar->problems().isEmpty(), qPrintable(m_grammar->problems().join(QLatin1Char('\n'))));
        DecoderPool::Settings settings;
        settings.modelDirectory = modelDirectory;
        settings.maxLanguageModelDecoders = 1;
        m_pool = std::make_unique<DecoderPool>(settings, m_grammar, &m_stats);
    }

    void samplesDecodeExactly_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("chunkMs");
        const QStringList names =
            QDir(QStringLiteral(":/speech")).entryList({QStringLiteral("*.wav")}, QDir::Files, QDir::Name);
        QVERIFY(names.size() >= 5);
        for (const QString &file : names) {
            const QString name = file.chopped(4);
            for (int chunkMs : {20, 250})
                QTest::addRow("%s in %d ms chunks", qPrintable(name), chunkMs) << name << chunkMs;
        }
    }

    void samplesDecodeExactly()
    {
        QFETCH(QString, name);
        QFETCH(int, chunkMs);
        const std::vector<int16_t> samples = readSamples(QStringLiteral(":/speech/%1.wav").arg(name));
        QVERIFY(!samples.empty());
        const Decoded d = decode(m_pool.get(), &m_stats, samples, std::size_t(chunkMs) * 16);
        QCOMPARE(d.finals, expectedLines(name));
        for (const QString &model : d.models)
            QCOMPARE(model, UtteranceRecognizer::grammarModelName);
        QVERIFY(d.interimsBeforeFirstFinal > 0);
        QVERIFY(d.wordTimesOrdered);
    }

    void reusedDecoderDecodesLikeAFreshOne()
    {
        // The pool hands back used decoders; the second run of a sample must match the first exactly.
        const std::vector<int16_t> samples = readSamples(QStringLiteral(":/speech/weather-tomorrow.wav"));
        const Decoded first = decode(m_pool.get(), &m_stats, samples, 320);
        const Decoded second = decode(m_pool.get(), &m_stats, samples, 320);
        QCOMPARE(second.finals, first.finals);
        QCOMPARE(second.words.size(), first.words.size());
        for (qsizetype i = 0; i < first.words.size(); ++i) {
            QCOMPARE(second.words[i].start, first.words[i].start);
            QCOMPARE(second.words[i].end, first.words[i].end);
        }
    }

    void twoUtterancesFinalizeSeparatelyWithStreamTimes()
    {
        const std::vector<int16_t> samples = readSamples(QStringLiteral(":/speech/two-utterances.wav"));
        const Decoded d = decode(m_pool.get(), &m_stats, samples, 320);
        QCOMPARE(d.finals.size(), 2);
        // The second utterance starts after the first plus the 1.5 s gap: times are stream-absolute.
        QVERIFY(d.words.size() > 2);
        QVERIFY(d.words.last().start > 2.5);
    }

    void otherSpeechFallsBackToTheLanguageModel()
    {
        // A sentence that is not a sample, spoken by libespeak-ng in process at 16 kHz.
        const std::shared_ptr<SpeechSynthesizer> synthesizer = SpeechSynthesizer::shared();
        QVERIFY2(synthesizer->isAvailable(), qPrintable(synthesizer->error()));
        struct Result
        {
            QMutex lock;
            QByteArray pcm = QByteArray(16000 / 5 * 2, '\0');
            bool done = false;
        };
        auto result = std::make_shared<Result>(); // shared: the synthesis thread may outlive a failed wait
        SpeechSynthesizer::Job job;
        job.text = QStringLiteral("the quick brown fox jumps over the lazy dog near the river");
        job.sampleRate = 16000;
        job.onAudio = [result](QByteArray chunk) {
            QMutexLocker locker(&result->lock);
            result->pcm += chunk;
        };
        job.onDone = [result](bool, const QString &) {
            QMutexLocker locker(&result->lock);
            result->pcm += QByteArray(16000 * 2, '\0');
            result->done = true;
        };
        synthesizer->submit(std::move(job));
        QVERIFY(QTest::qWaitFor(
            [&] {
                QMutexLocker locker(&result->lock);
                return result->done;
            },
            10000));
        const QByteArray pcm = result->pcm;
        std::vector<int16_t> samples(std::size_t(pcm.size() / 2));
        std::memcpy(samples.data(), pcm.constData(), samples.size() * 2);
        QVERIFY(!samples.empty());
        const qint64 fallbacksBefore = m_stats.languageModelFallbacks.load();
        const Decoded d = decode(m_pool.get(), &m_stats, samples, 1600);
        QVERIFY(!d.finals.isEmpty());
        QVERIFY(!d.finals.join(QString()).isEmpty());
        QVERIFY(d.models.contains(UtteranceRecognizer::languageModelName));
        QVERIFY(m_stats.languageModelFallbacks.load() > fallbacksBefore);
    }

private:
    ServiceStats m_stats;
    std::shared_ptr<SpeechGrammar> m_grammar;
    std::unique_ptr<DecoderPool> m_pool;
};

QTEST_GUILESS_MAIN(tst_UtteranceRecognizer)
#include "tst_utterancerecognizer.moc"
