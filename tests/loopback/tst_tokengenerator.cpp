// The chat endpoint's local text generator: deterministic per seed, sentence-shaped, JSON-safe tokens.
#include "workers/loopback/endpoints/tokengenerator.h"

#include <QTest>

using Taskscope::Loopback::TokenGenerator;

class tst_TokenGenerator : public QObject
{
    Q_OBJECT

private slots:
    void sameSeedSameTokens()
    {
        TokenGenerator a(42);
        TokenGenerator b(42);
        TokenGenerator c(43);
        QByteArray ta;
        QByteArray tc;
        for (int i = 0; i < 200; ++i) {
            const QByteArray t = a.next();
            QCOMPARE(b.next(), t);
            ta += t;
            tc += c.next();
        }
        QVERIFY(ta != tc);
    }

    void tokensFormSentences()
    {
        TokenGenerator g(TokenGenerator::seedFor("tell me about threads"));
        QByteArray text;
        for (int i = 0; i < 300; ++i) {
            const QByteArray t = g.next();
            QVERIFY(!t.isEmpty());
            for (char c : t)
                QVERIFY2(c >= 0x20 && c < 0x7F && c != '"' && c != '\\', t.constData());
            text += t;
        }
        QVERIFY(text.at(0) >= 'A' && text.at(0) <= 'Z');
        QVERIFY(text.count('.') >= 10);
        // After a period the next word starts with a capital.
        for (qsizetype i = text.indexOf(". "); i >= 0; i = text.indexOf(". ", i + 1))
            QVERIFY(text.at(i + 2) >= 'A' && text.at(i + 2) <= 'Z');
    }
};

QTEST_GUILESS_MAIN(tst_TokenGenerator)
#include "tst_tokengenerator.moc"
