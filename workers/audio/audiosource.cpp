#include "workers/audio/audiosource.h"

#include "model/audio/tonegenerator.h"
#include "model/audio/wavformat.h"
#include "model/audio/wavreader.h"

#include <QAudioDevice>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QMediaDevices>
#include <QMutex>
#include <QtEndian>

#include <algorithm>
#include <cmath>

using Taskscope::Model::AudioSourceKind;
using Taskscope::Model::WorkloadSpec;

namespace Taskscope::Audio {

namespace {

struct CacheEntry
{
    QMutex mutex; // held while decoding: concurrent loads of one source wait for one decode
    bool done = false;
    AudioSource::Loaded loaded;
};

QMutex s_cacheMutex;
QHash<QString, std::shared_ptr<CacheEntry>> s_cache;
constexpr int MaxCacheEntries = 16;

QString samplePath(const QString &name, const char *extension)
{
    return QStringLiteral(":/speech/%1.%2").arg(name, QLatin1StringView(extension));
}

QString cacheKey(const WorkloadSpec &spec)
{
    switch (spec.source) {
    case AudioSourceKind::Sample:
        return QStringLiteral("sample|%1|%2").arg(spec.audio).arg(spec.durationS);
    case AudioSourceKind::File: {
        const QFileInfo info(spec.audio);
        return QStringLiteral("file|%1|%2|%3|%4")
            .arg(info.absoluteFilePath())
            .arg(info.size())
            .arg(info.lastModified().toMSecsSinceEpoch())
            .arg(spec.durationS);
    }
    case AudioSourceKind::Tone:
        return QStringLiteral("tone|%1|%2").arg(spec.toneHz).arg(spec.durationS);
    case AudioSourceKind::Microphone:
        break;
    }
    return {};
}

// The length of pcm repeated to `seconds` (whole samples); one pass when no duration is asked for.
qint64 loopedBytes(const QByteArray &pcm, double seconds)
{
    if (seconds <= 0 || pcm.isEmpty())
        return pcm.size();
    return qint64(seconds * AudioSource::SampleRate) * 2;
}

// The tone's samples repeat every 3 s when its frequency is a whole number of hertz (1.5 s bursts,
// and a whole number of cycles per second), so one period is enough.
constexpr qint64 TonePeriodMs = 3000;

AudioSource::Loaded decodeSource(const WorkloadSpec &spec)
{
    AudioSource::Loaded loaded;
    switch (spec.source) {
    case AudioSourceKind::Sample: {
        if (spec.audio.isEmpty()) {
            loaded.error = QStringLiteral("no sample named: choose one of %1")
                               .arg(AudioSource::sampleNames().join(QStringLiteral(", ")));
            return loaded;
        }
        QFile file(samplePath(spec.audio, "wav"));
        if (!file.open(QIODevice::ReadOnly)) {
            loaded.error = QStringLiteral("no bundled sample \"%1\" (have: %2)")
                               .arg(spec.audio, AudioSource::sampleNames().join(QStringLiteral(", ")));
            return loaded;
        }
        const WavReader::Audio audio = WavReader::decode(file.readAll());
        if (!audio.ok) {
            loaded.error = QStringLiteral("sample %1: %2").arg(spec.audio, audio.error);
            return loaded;
        }
        loaded.pcm = std::make_shared<const QByteArray>(audio.linear16);
        loaded.totalBytes = loopedBytes(audio.linear16, spec.durationS);
        loaded.expectedText = AudioSource::sampleText(spec.audio);
        loaded.description = QStringLiteral("sample %1").arg(spec.audio);
        break;
    }
    case AudioSourceKind::File: {
        if (spec.audio.isEmpty()) {
            loaded.error = QStringLiteral("no audio file given");
            return loaded;
        }
        const WavReader::Audio audio = WavReader::decodeFile(spec.audio);
        if (!audio.ok) {
            loaded.error = audio.error;
            return loaded;
        }
        if (audio.linear16.isEmpty()) {
            loaded.error = QStringLiteral("%1 contains no audio").arg(spec.audio);
            return loaded;
        }
        loaded.pcm = std::make_shared<const QByteArray>(audio.linear16);
        loaded.totalBytes = loopedBytes(audio.linear16, spec.durationS);
        loaded.description =
            QStringLiteral("file %1 (%2)").arg(QFileInfo(spec.audio).fileName(), audio.source.description());
        break;
    }
    case AudioSourceKind::Tone: {
        ToneGenerator::Settings settings;
        settings.frequencyHz = spec.toneHz;
        settings.amplitude = 0.3;
        const qint64 durationMs = qint64((spec.durationS > 0 ? spec.durationS : 5.0) * 1000);
        const bool periodic = spec.toneHz == std::floor(spec.toneHz);
        settings.durationMs = periodic ? std::min(durationMs, TonePeriodMs) : durationMs;
        settings.toneMs = 1000;
        settings.silenceMs = 500;
        ToneGenerator tone(settings);
        loaded.pcm = std::make_shared<const QByteArray>(tone.read(tone.totalSamples()));
        loaded.totalBytes = durationMs * AudioSource::SampleRate / 1000 * 2;
        loaded.description = QStringLiteral("tone %1 Hz").arg(spec.toneHz);
        break;
    }
    case AudioSourceKind::Microphone: {
        const QString reason = AudioSource::microphoneUnavailableReason();
        loaded.error = reason.isEmpty() ? QStringLiteral("the microphone is a live source, not a file") : reason;
        return loaded;
    }
    }
    loaded.ok = true;
    loaded.description += QStringLiteral(" (%1 s)").arg(loaded.durationS(), 0, 'f', 1);
    return loaded;
}

} // namespace

QByteArray AudioSource::Loaded::bytes(qint64 from, qint64 to) const
{
    to = std::min(to, totalBytes);
    if (!pcm || pcm->isEmpty() || from < 0 || to <= from)
        return {};
    const qint64 pass = pcm->size();
    const qint64 start = from % pass;
    if (start + (to - from) <= pass)
        return QByteArray::fromRawData(pcm->constData() + start, qsizetype(to - from));
    QByteArray out;
    out.reserve(qsizetype(to - from));
    for (qint64 at = from; at < to;) {
        const qint64 offset = at % pass;
        const qint64 n = std::min(pass - offset, to - at);
        out.append(pcm->constData() + offset, qsizetype(n));
        at += n;
    }
    return out;
}

AudioSource::Loaded AudioSource::load(const WorkloadSpec &spec)
{
    const QString key = cacheKey(spec);
    if (key.isEmpty())
        return decodeSource(spec);
    std::shared_ptr<CacheEntry> entry;
    {
        QMutexLocker locker(&s_cacheMutex);
        entry = s_cache.value(key);
        if (!entry) {
            if (s_cache.size() >= MaxCacheEntries)
                s_cache.clear();
            entry = std::make_shared<CacheEntry>();
            s_cache.insert(key, entry);
        }
    }
    QMutexLocker locker(&entry->mutex);
    if (!entry->done) {
        entry->loaded = decodeSource(spec);
        entry->done = true;
    }
    return entry->loaded;
}

AudioSource::Loaded AudioSource::loadFile(const WorkloadSpec &spec, QByteArray *wavBytes)
{
    Loaded loaded;
    switch (spec.source) {
    case AudioSourceKind::Sample:
    case AudioSourceKind::File: {
        const QString path = spec.source == AudioSourceKind::Sample ? samplePath(spec.audio, "wav") : spec.audio;
        QFile file(path);
        if (spec.audio.isEmpty() || !file.open(QIODevice::ReadOnly)) {
            loaded.error = spec.source == AudioSourceKind::Sample
                ? QStringLiteral("no bundled sample \"%1\"").arg(spec.audio)
                : QStringLiteral("cannot open %1: %2").arg(spec.audio, file.errorString());
            return loaded;
        }
        if (file.size() > WavReader::DefaultMaxInputBytes) {
            loaded.error =
                QStringLiteral("%1 is larger than %2 MiB").arg(path).arg(WavReader::DefaultMaxInputBytes >> 20);
            return loaded;
        }
        *wavBytes = file.readAll();
        // Check it is a WAV we understand before sending it anywhere.
        const WavReader::Layout layout = WavReader::parse(*wavBytes);
        if (!layout.ok) {
            loaded.error = QStringLiteral("%1: %2").arg(QFileInfo(path).fileName(), layout.error);
            wavBytes->clear();
            return loaded;
        }
        if (spec.source == AudioSourceKind::Sample)
            loaded.expectedText = sampleText(spec.audio);
        loaded.description = QStringLiteral("%1 (%2)").arg(QFileInfo(path).fileName(), layout.format.description());
        loaded.ok = true;
        return loaded;
    }
    case AudioSourceKind::Tone: {
        loaded = load(spec);
        if (loaded.ok)
            *wavBytes = wavFromLinear16(loaded.bytes(0, loaded.totalBytes));
        return loaded;
    }
    case AudioSourceKind::Microphone:
        loaded.error = QStringLiteral("prerecorded transcription needs a file, a sample or a tone, not the microphone");
        return loaded;
    }
    return loaded;
}

QStringList AudioSource::sampleNames()
{
    QStringList names;
    const QStringList files =
        QDir(QStringLiteral(":/speech")).entryList({QStringLiteral("*.wav")}, QDir::Files, QDir::Name);
    for (const QString &f : files)
        names.append(QFileInfo(f).completeBaseName());
    return names;
}

QString AudioSource::sampleText(const QString &name)
{
    QFile file(samplePath(name, "txt"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QStringList lines;
    const QList<QByteArray> raw = file.readAll().split('\n');
    for (const QByteArray &line : raw) {
        const QString text = QString::fromUtf8(line).trimmed();
        if (!text.isEmpty())
            lines.append(text);
    }
    return lines.join(QLatin1Char(' '));
}

QString AudioSource::microphoneUnavailableReason()
{
    if (QMediaDevices::audioInputs().isEmpty())
        return QStringLiteral("no input device: the system reports no microphone (choose a sample, a file or a tone)");
    return {};
}

QByteArray AudioSource::wavFromLinear16(const QByteArray &pcm)
{
    return WavFormat::linear16Header(SampleRate, 1, pcm.size()) + pcm;
}

void AudioSource::clearCache()
{
    QMutexLocker locker(&s_cacheMutex);
    s_cache.clear();
}

} // namespace Taskscope::Audio
