// The WAV pieces the client's reader and the service's stream reader share: fmt chunks (as written,
// short, extensible, hostile) and the 44-byte header both sides write.
#include "model/audio/wavformat.h"
#include "model/audio/wavreader.h"

#include <QTest>
#include <QtEndian>

using Taskscope::Audio::WavFormat;
using Taskscope::Audio::WavReader;

namespace {

QByteArray le16(int v)
{
    QByteArray b(2, 0);
    qToLittleEndian<quint16>(quint16(v), b.data());
    return b;
}

QByteArray le32(qint64 v)
{
    QByteArray b(4, 0);
    qToLittleEndian<quint32>(quint32(v), b.data());
    return b;
}

QByteArray fmtBody(int tag, int channels, qint64 rate, int bits)
{
    const int align = channels * bits / 8;
    return le16(tag) + le16(channels) + le32(rate) + le32(rate * align) + le16(align) + le16(bits);
}

const QByteArray guidTail("\x00\x00\x00\x00\x10\x00\x80\x00\x00\xAA\x00\x38\x9B\x71", 14);

QByteArray extensible(int subTag, int extensionSize = 22, const QByteArray &tail = guidTail)
{
    return fmtBody(0xFFFE, 2, 48000, 24) + le16(extensionSize) + le16(20) + le32(3) + le16(subTag) + tail;
}

} // namespace

class tst_WavFormat final : public QObject
{
    Q_OBJECT

private slots:
    void fmtChunksAreReadAsWritten_data()
    {
        QTest::addColumn<QByteArray>("chunk");
        QTest::addColumn<int>("formatTag");
        QTest::addColumn<int>("sampleTag");
        QTest::addColumn<int>("channels");
        QTest::addColumn<qint64>("rate");
        QTest::addColumn<int>("bits");
        QTest::addColumn<int>("validBits");
        QTest::addRow("PCM 16-bit mono 16 kHz") << fmtBody(1, 1, 16000, 16) << 1 << 1 << 1 << qint64(16000) << 16 << 16;
        QTest::addRow("mu-law 8-bit mono 8 kHz") << fmtBody(7, 1, 8000, 8) << 7 << 7 << 1 << qint64(8000) << 8 << 8;
        QTest::addRow("extensible PCM 24-bit with 20 valid bits")
            << extensible(1) << 0xFFFE << 1 << 2 << qint64(48000) << 24 << 20;
        QTest::addRow("extensible float") << extensible(3) << 0xFFFE << 3 << 2 << qint64(48000) << 24 << 20;
        QTest::addRow("absurd rate is kept for the reader to judge")
            << fmtBody(1, 1, 0xFFFFFFFFLL, 16) << 1 << 1 << 1 << qint64(0xFFFFFFFFLL) << 16 << 16;
        QTest::addRow("zero channels is kept for the reader to judge")
            << fmtBody(1, 0, 16000, 16) << 1 << 1 << 0 << qint64(16000) << 16 << 16;
    }

    void fmtChunksAreReadAsWritten()
    {
        QFETCH(QByteArray, chunk);
        QString error;
        const std::optional<WavFormat::Fmt> fmt = WavFormat::parseFmt(chunk, &error);
        QVERIFY2(fmt, qPrintable(error));
        QTEST(int(fmt->formatTag), "formatTag");
        QTEST(int(fmt->sampleTag), "sampleTag");
        QTEST(fmt->channels, "channels");
        QTEST(qint64(fmt->sampleRate), "rate");
        QTEST(fmt->bitsPerSample, "bits");
        QTEST(fmt->validBitsPerSample, "validBits");
    }

    void hostileFmtChunksAreRefusedWithTheReason_data()
    {
        QTest::addColumn<QByteArray>("chunk");
        QTest::addColumn<QString>("error");
        QTest::addRow("empty chunk") << QByteArray() << QStringLiteral("fmt chunk is 0 bytes; it needs at least 16");
        QTest::addRow("fifteen bytes") << fmtBody(1, 1, 16000, 16).left(15)
                                       << QStringLiteral("fmt chunk is 15 bytes; it needs at least 16");
        QTest::addRow("extensible cut after the plain part")
            << fmtBody(0xFFFE, 2, 48000, 24)
            << QStringLiteral("WAVE_FORMAT_EXTENSIBLE fmt chunk is 16 bytes; it needs 40");
        QTest::addRow("extensible one byte short")
            << extensible(1).left(39) << QStringLiteral("WAVE_FORMAT_EXTENSIBLE fmt chunk is 39 bytes; it needs 40");
        QTest::addRow("extensible declaring a short extension")
            << extensible(1, 10) << QStringLiteral("WAVE_FORMAT_EXTENSIBLE extension is 10 bytes; it needs 22");
        QByteArray foreign = guidTail;
        foreign[13] = 'X';
        QTest::addRow("extensible with a foreign subformat GUID")
            << extensible(1, 22, foreign)
            << QStringLiteral("unsupported WAVE_FORMAT_EXTENSIBLE subformat (not a KSDATAFORMAT_SUBTYPE GUID)");
    }

    void hostileFmtChunksAreRefusedWithTheReason()
    {
        QFETCH(QByteArray, chunk);
        QFETCH(QString, error);
        QString why;
        QVERIFY(!WavFormat::parseFmt(chunk, &why));
        QCOMPARE(why, error);
    }

    void theHeaderBothSidesWriteReadsBack_data()
    {
        QTest::addColumn<int>("rate");
        QTest::addColumn<int>("channels");
        QTest::addColumn<qint64>("dataBytes");
        QTest::addRow("one second of 16 kHz mono") << 16000 << 1 << qint64(32000);
        QTest::addRow("a single sample") << 22050 << 1 << qint64(2);
        QTest::addRow("stereo 48 kHz") << 48000 << 2 << qint64(4 * 480);
        QTest::addRow("a stream of unknown length") << 24000 << 1 << qint64(-1);
    }

    void theHeaderBothSidesWriteReadsBack()
    {
        QFETCH(int, rate);
        QFETCH(int, channels);
        QFETCH(qint64, dataBytes);
        const QByteArray header = WavFormat::linear16Header(rate, channels, dataBytes);
        QCOMPARE(header.size(), WavFormat::HeaderBytes);
        QVERIFY(WavFormat::looksLikeWav(header));
        const qint64 present = dataBytes < 0 ? 4 * channels : dataBytes; // a stream: a little audio so far
        const QByteArray file = header + QByteArray(present, '\0');
        const WavReader::Layout layout = WavReader::parse(file);
        QVERIFY2(layout.ok, qPrintable(layout.error));
        QCOMPARE(layout.format.sampleRate, rate);
        QCOMPARE(layout.format.channels, channels);
        QCOMPARE(layout.format.bitsPerSample, 16);
        QCOMPARE(layout.dataOffset, WavFormat::HeaderBytes);
        QCOMPARE(qint64(layout.dataBytes), present);
        QCOMPARE(layout.dataSizeUnreliable, dataBytes < 0);
    }

    void somethingElseIsNotWav_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addRow("nothing") << QByteArray();
        QTest::addRow("RIFF without its form type") << QByteArray("RIFF\x04\x00\x00\x00", 8);
        QTest::addRow("AVI") << QByteArray("RIFF\x04\x00\x00\x00"
                                           "AVI ",
                                           12);
        QTest::addRow("big-endian RIFX") << QByteArray("RIFX\x04\x00\x00\x00WAVE", 12);
    }

    void somethingElseIsNotWav()
    {
        QFETCH(QByteArray, bytes);
        QVERIFY(!WavFormat::looksLikeWav(bytes));
    }
};

QTEST_GUILESS_MAIN(tst_WavFormat)
#include "tst_wavformat.moc"
