// Audio sources for live streams: a source looped to a long duration costs one pass of memory, not the
// whole duration, and its bytes are the pass repeated (including across the wrap-around).
#include "model/audio/tonegenerator.h"
#include "workers/audio/audiosource.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Taskscope::Model;

using Taskscope::Audio::AudioSource;
using Taskscope::Audio::ToneGenerator;

class tst_AudioSource : public QObject
{
    Q_OBJECT

private slots:
    void aDayOfALoopedSampleKeepsOnePass()
    {
        WorkloadSpec spec;
        spec.source = AudioSourceKind::Sample;
        spec.audio = QStringLiteral("set-timer");
        const AudioSource::Loaded once = AudioSource::load(spec);
        QVERIFY2(once.ok, qPrintable(once.error));
        spec.durationS = 86400;
        const AudioSource::Loaded day = AudioSource::load(spec);
        QVERIFY2(day.ok, qPrintable(day.error));
        const qint64 pass = once.pcm->size();
        QCOMPARE(day.pcm->size(), pass);
        QCOMPARE(day.totalBytes, qint64(86400) * AudioSource::BytesPerSecond);
        QCOMPARE(day.durationS(), 86400.0);
        // Across the end of a pass: its tail, then its head again.
        const QByteArray wrap = day.bytes(3 * pass - 10, 3 * pass + 10);
        QCOMPARE(wrap, once.pcm->right(10) + once.pcm->left(10));
        QCOMPARE(day.bytes(day.totalBytes - 4, day.totalBytes + 100).size(), 4);
    }

    void aOneSecondFileLoopsForFiveSeconds()
    {
        // A 1 s WAV file (a ramp, so every position is distinct) looped for 5 s: the stream is the
        // pass five times over, read in unbroken 20 ms chunks, and the WAV header is never part of it.
        QByteArray pass;
        for (int i = 0; i < AudioSource::SampleRate; ++i) {
            const qint16 sample = qint16(i % 30000 - 15000);
            pass.append(reinterpret_cast<const char *>(&sample), 2);
        }
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("one-second.wav"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(AudioSource::wavFromLinear16(pass));
        file.close();

        WorkloadSpec spec;
        spec.source = AudioSourceKind::File;
        spec.audio = path;
        spec.durationS = 5;
        const AudioSource::Loaded looped = AudioSource::load(spec);
        QVERIFY2(looped.ok, qPrintable(looped.error));
        QCOMPARE(looped.pcm->size(), pass.size());
        QCOMPARE(looped.totalBytes, qint64(5) * AudioSource::BytesPerSecond);
        QCOMPARE(looped.durationS(), 5.0);

        constexpr qint64 ChunkBytes = AudioSource::BytesPerSecond / 50; // 20 ms
        QByteArray streamed;
        int chunks = 0;
        for (qint64 from = 0; from < looped.totalBytes; from += ChunkBytes, ++chunks) {
            const QByteArray chunk = looped.bytes(from, from + ChunkBytes);
            QCOMPARE(chunk.size(), ChunkBytes); // every chunk full, across each wrap too
            streamed += chunk;
        }
        QCOMPARE(chunks, 250);
        QCOMPARE(streamed, pass.repeated(5));
        QVERIFY(!streamed.contains("RIFF"));

        // Zero plays the file once.
        spec.durationS = 0;
        QCOMPARE(AudioSource::load(spec).totalBytes, qint64(pass.size()));
    }

    void aDayOfToneKeepsOnePeriod()
    {
        WorkloadSpec spec;
        spec.source = AudioSourceKind::Tone;
        spec.toneHz = 440;
        spec.durationS = 86400;
        const AudioSource::Loaded day = AudioSource::load(spec);
        QVERIFY2(day.ok, qPrintable(day.error));
        QVERIFY(day.pcm->size() <= 3 * AudioSource::BytesPerSecond);
        QCOMPARE(day.totalBytes, qint64(86400) * AudioSource::BytesPerSecond);
        // Far into the stream the samples are the tone's own.
        ToneGenerator::Settings settings;
        settings.frequencyHz = 440;
        settings.amplitude = 0.3;
        settings.durationMs = -1;
        settings.toneMs = 1000;
        settings.silenceMs = 500;
        ToneGenerator tone(settings);
        const qint64 sample = 12345 * 16000 + 777;
        tone.seek(sample);
        QCOMPARE(day.bytes(sample * 2, sample * 2 + 4000), tone.read(2000));
    }
};

QTEST_GUILESS_MAIN(tst_AudioSource)
#include "tst_audiosource.moc"
