#include "model/audio/tonegenerator.h"

#include <QTest>
#include <QtEndian>

#include <cmath>

using Taskscope::Audio::ToneGenerator;

class tst_ToneGenerator final : public QObject
{
    Q_OBJECT

private slots:
    void lengthFollowsDurationAndRate_data();
    void lengthFollowsDurationAndRate();
    void sineHasTheRequestedFrequencyAndLevel_data();
    void sineHasTheRequestedFrequencyAndLevel();
    void anyChunkingGivesTheSameBytes();
    void silenceSettingsGiveZeros_data();
    void silenceSettingsGiveZeros();
    void gatingAlternatesToneAndSilence();
    void endlessToneNeverEndsAndStaysPrecise();
    void badSettingsAreClamped();
    void readAndSeekBounds();
};

namespace {

QList<qint16> samples(const QByteArray &bytes)
{
    QList<qint16> out;
    for (qsizetype i = 0; i + 1 < bytes.size(); i += 2)
        out << qFromLittleEndian<qint16>(bytes.constData() + i);
    return out;
}

} // namespace

void tst_ToneGenerator::lengthFollowsDurationAndRate_data()
{
    QTest::addColumn<qint64>("durationMs");
    QTest::addColumn<int>("rate");
    QTest::addColumn<qint64>("expectedSamples");
    QTest::newRow("one second at 16 kHz") << qint64(1000) << 16000 << qint64(16000);
    QTest::newRow("20 ms chunk") << qint64(20) << 16000 << qint64(320);
    QTest::newRow("250 ms at 8 kHz") << qint64(250) << 8000 << qint64(2000);
    QTest::newRow("zero duration") << qint64(0) << 16000 << qint64(0);
}

void tst_ToneGenerator::lengthFollowsDurationAndRate()
{
    QFETCH(qint64, durationMs);
    QFETCH(int, rate);
    QFETCH(qint64, expectedSamples);
    ToneGenerator generator({440, 0.5, durationMs, 0, 0, rate});
    QCOMPARE(generator.totalSamples(), expectedSamples);
    const QByteArray all = generator.read(1'000'000);
    QCOMPARE(all.size(), expectedSamples * 2);
    QVERIFY(generator.atEnd());
    QVERIFY(generator.read(100).isEmpty());
    QCOMPARE(ToneGenerator::generate(440, 0.5, durationMs, rate), all);
}

void tst_ToneGenerator::sineHasTheRequestedFrequencyAndLevel_data()
{
    QTest::addColumn<double>("frequency");
    QTest::addColumn<double>("amplitude");
    QTest::newRow("440 Hz at half scale") << 440.0 << 0.5;
    QTest::newRow("1 kHz at full scale") << 1000.0 << 1.0;
    QTest::newRow("fractional 123.5 Hz quiet") << 123.5 << 0.05;
}

void tst_ToneGenerator::sineHasTheRequestedFrequencyAndLevel()
{
    QFETCH(double, frequency);
    QFETCH(double, amplitude);
    const QList<qint16> s = samples(ToneGenerator::generate(frequency, amplitude, 2000));
    QCOMPARE(s.size(), 32000);
    QCOMPARE(s.first(), qint16(0)); // starts at phase zero
    int crossings = 0;
    double sumSquares = 0;
    int peak = 0;
    for (qsizetype i = 0; i < s.size(); ++i) {
        sumSquares += double(s[i]) * s[i];
        peak = std::max(peak, std::abs(int(s[i])));
        if (i > 0 && (s[i - 1] < 0) != (s[i] < 0))
            ++crossings;
    }
    // Two zero crossings per cycle over two seconds.
    QVERIFY2(std::abs(crossings - 4 * frequency) <= 2, qPrintable(QString::number(crossings)));
    const double rms = std::sqrt(sumSquares / double(s.size()));
    QVERIFY2(std::abs(rms / (amplitude * 32767 / M_SQRT2) - 1) < 0.01, qPrintable(QString::number(rms)));
    QVERIFY(peak <= int(std::lrint(amplitude * 32767)));
    QVERIFY(peak >= int(amplitude * 32767 * 0.99));
}

void tst_ToneGenerator::anyChunkingGivesTheSameBytes()
{
    const ToneGenerator::Settings settings {697.3, 0.7, 1500, 300, 200, 16000};
    ToneGenerator whole(settings);
    const QByteArray expected = whole.read(whole.totalSamples());
    ToneGenerator chunked(settings);
    QByteArray joined;
    const qint64 sizes[] = {1, 7, 320, 4000, 13};
    for (int i = 0; !chunked.atEnd(); ++i)
        joined += chunked.read(sizes[i % 5]);
    QCOMPARE(joined, expected);
    ToneGenerator byDuration(settings);
    QByteArray joinedMs;
    while (!byDuration.atEnd())
        joinedMs += byDuration.readDuration(20);
    QCOMPARE(joinedMs, expected);
}

void tst_ToneGenerator::silenceSettingsGiveZeros_data()
{
    QTest::addColumn<double>("frequency");
    QTest::addColumn<double>("amplitude");
    QTest::newRow("amplitude zero") << 440.0 << 0.0;
    QTest::newRow("frequency zero") << 0.0 << 0.8;
    QTest::newRow("NaN amplitude") << 440.0 << std::nan("");
    QTest::newRow("NaN frequency") << std::nan("") << 0.5;
}

void tst_ToneGenerator::silenceSettingsGiveZeros()
{
    QFETCH(double, frequency);
    QFETCH(double, amplitude);
    const QByteArray bytes = ToneGenerator::generate(frequency, amplitude, 100);
    QCOMPARE(bytes, QByteArray(3200, '\0'));
}

void tst_ToneGenerator::gatingAlternatesToneAndSilence()
{
    // 100 ms of tone (1600 samples), then 50 ms of silence (800 samples), repeated.
    ToneGenerator generator({1000, 0.5, 600, 100, 50, 16000});
    const QList<qint16> s = samples(generator.read(generator.totalSamples()));
    QCOMPARE(s.size(), 9600);
    for (qsizetype start = 0; start < s.size(); start += 2400) {
        bool toneHasSignal = false;
        for (qsizetype i = start; i < start + 1600 && i < s.size(); ++i)
            toneHasSignal |= std::abs(s[i]) > 10000;
        QVERIFY2(toneHasSignal, qPrintable(QString::number(start)));
        for (qsizetype i = start + 1600; i < start + 2400 && i < s.size(); ++i)
            QCOMPARE(s[i], qint16(0));
    }
}

void tst_ToneGenerator::endlessToneNeverEndsAndStaysPrecise()
{
    ToneGenerator generator({1000, 0.5, -1, 0, 0, 16000});
    QCOMPARE(generator.totalSamples(), -1);
    // A 1 kHz tone at 16 kHz repeats every 16 samples exactly, even ten days into a stream.
    const qint64 far = qint64(16000) * 86400 * 10;
    for (qint64 i = 0; i < 16; ++i)
        QCOMPARE(generator.sampleAt(far + i), generator.sampleAt(i));
    generator.seek(far);
    QCOMPARE(generator.read(16).size(), 32);
    QVERIFY(!generator.atEnd());
}

void tst_ToneGenerator::badSettingsAreClamped()
{
    ToneGenerator loud({440, 7.0, 100, 0, 0, 16000});
    QCOMPARE(loud.settings().amplitude, 1.0);
    for (const qint16 v : samples(loud.read(loud.totalSamples())))
        QVERIFY(v >= -32767 && v <= 32767);

    ToneGenerator aboveNyquist({50000, 0.5, 100, 0, 0, 16000});
    QCOMPARE(aboveNyquist.settings().frequencyHz, 8000.0);

    ToneGenerator oddRate({440, 0.5, 1000, -5, -5, 10});
    QCOMPARE(oddRate.settings().sampleRate, 1000);
    QCOMPARE(oddRate.totalSamples(), 1000);
    QCOMPARE(oddRate.settings().toneMs, 0);

    ToneGenerator huge({440, 0.5, std::numeric_limits<qint64>::max(), 0, 0, 16000});
    QVERIFY(huge.totalSamples() > 0);
    QCOMPARE(huge.read(std::numeric_limits<qint64>::max()).size(), ToneGenerator::MaxSamplesPerRead * 2);
}

void tst_ToneGenerator::readAndSeekBounds()
{
    ToneGenerator generator; // 440 Hz, half scale, one second
    QCOMPARE(generator.totalSamples(), 16000);
    QVERIFY(generator.read(0).isEmpty());
    QVERIFY(generator.read(-3).isEmpty());
    QVERIFY(generator.readDuration(-20).isEmpty());
    generator.seek(15990);
    QCOMPARE(generator.read(100).size(), 20);
    QVERIFY(generator.atEnd());
    generator.seek(99999);
    QCOMPARE(generator.position(), 16000);
    generator.seek(-5);
    QCOMPARE(generator.position(), 0);
    generator.rewind();
    QCOMPARE(generator.read(16000), ToneGenerator::generate(440, 0.5, 1000));
}

QTEST_GUILESS_MAIN(tst_ToneGenerator)
#include "tst_tonegenerator.moc"
