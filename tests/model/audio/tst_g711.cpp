// G.711 mu-law and A-law: every 7th 16-bit value survives a round trip within the codec's steps.
#include "model/audio/g711.h"

#include <QTest>

#include <cstdlib>

namespace G711 = Taskscope::Audio::G711;

class tst_G711 : public QObject
{
    Q_OBJECT

private slots:
    void g711RoundTripsWithinItsQuantization()
    {
        for (int v = -32768; v <= 32767; v += 7) {
            const auto s = int16_t(v);
            const int mu = G711::mulawToLinear(G711::linearToMulaw(s));
            const int a = G711::alawToLinear(G711::linearToAlaw(s));
            // Logarithmic steps: the error grows with the magnitude, about 1/16 of it at most.
            const int tolerance = std::max(16, std::abs(v) / 15);
            QVERIFY2(std::abs(mu - v) <= tolerance, qPrintable(QStringLiteral("mu-law %1 -> %2").arg(v).arg(mu)));
            QVERIFY2(std::abs(a - v) <= tolerance, qPrintable(QStringLiteral("A-law %1 -> %2").arg(v).arg(a)));
        }
        QCOMPARE(G711::mulawToLinear(0xFF), int16_t(0));
    }
};

QTEST_GUILESS_MAIN(tst_G711)
#include "tst_g711.moc"
