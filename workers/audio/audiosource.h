#pragma once

#include "model/workloadspec.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <memory>

namespace Taskscope::Audio {

/// The audio a live-transcription or prerecorded stream sends, as 16 kHz mono linear16.
///
/// load() is blocking and CPU-bound (file read, WAV decode, resample): call it inside
/// ExecutionContext::blockingPart so each model pays for it the way it should. Decoded audio is
/// cached process-wide by source (bounded, 16 entries), and concurrent loads of one source wait
/// for a single decode, so 512 streams of one sample decode it once.
///
/// Sources: Sample -- a bundled speech sample by name (":/speech/NAME.wav", its exact text in
/// NAME.txt); File -- any WAV file (WavReader: clear errors for unsupported or malformed files);
/// Tone -- ToneGenerator at spec.toneHz, gated 1 s on / 0.5 s off so there are pauses;
/// Microphone -- not a file: see microphoneUnavailableReason() and MicrophoneCapture.
/// spec.durationS > 0 loops a sample or file to that length (or sets the tone's length; default 5 s).
class AudioSource
{
public:
    static constexpr int SampleRate = 16000;
    static constexpr int BytesPerSecond = SampleRate * 2;

    struct Loaded
    {
        bool ok = false;
        QString error; ///< why not, e.g. "unsupported format tag 7 (mu-law) in x.wav"
        std::shared_ptr<const QByteArray> pcm; ///< 16 kHz mono linear16, one pass of the source
        qint64 totalBytes = 0; ///< the stream: pcm repeated to this length (durationS), never
                               ///< materialized, so a day-long looped stream costs one pass
        QString expectedText; ///< bundled samples: the exact words (lines joined by a space)
        QString description; ///< e.g. "sample two-utterances (4.1 s)"
        double durationS() const { return double(totalBytes) / BytesPerSecond; }
        /// Bytes [from, to) of the looped stream: no copy unless the range wraps around the pass.
        QByteArray bytes(qint64 from, qint64 to) const;
    };

    static Loaded load(const Model::WorkloadSpec &spec);
    /// The bytes to POST for a prerecorded request: the WAV file itself (sample or file), or a WAV
    /// made from the tone. Blocking (reads the file).
    static Loaded loadFile(const Model::WorkloadSpec &spec, QByteArray *wavBytes);
    /// Names of the bundled samples (":/speech/*.wav" without the extension).
    static QStringList sampleNames();
    /// The exact text of a bundled sample ("" if none).
    static QString sampleText(const QString &name);
    /// "" when a microphone can be used, else why not ("no input device").
    static QString microphoneUnavailableReason();
    /// A 44-byte-header WAV of 16 kHz mono linear16.
    static QByteArray wavFromLinear16(const QByteArray &pcm);
    /// Drops the cache (tests).
    static void clearCache();
};

} // namespace Taskscope::Audio
