// The recognition grammar built from the speech folder: canonical transcript form, a dictionary cut to
// the grammar's words, and sentences with unknown words left out with a reason.
#include "workers/loopback/speech/speechgrammar.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using Taskscope::Loopback::SpeechGrammar;

namespace {
const QString cmuDictionary = QStringLiteral("/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict");
}

class tst_SpeechGrammar : public QObject
{
    Q_OBJECT

private slots:
    void canonicalForm_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("canonical");
        QTest::addRow("already canonical")
            << QStringLiteral("set a timer for ten minutes") << QStringLiteral("set a timer for ten minutes");
        QTest::addRow("case and punctuation")
            << QStringLiteral("Set a timer, for TEN minutes!") << QStringLiteral("set a timer for ten minutes");
        QTest::addRow("apostrophes inside words")
            << QStringLiteral("It's 'quoted' isn't it?") << QStringLiteral("it's quoted isn't it");
        QTest::addRow("spaces and line ends")
            << QStringLiteral("  hey\tassistant \r\n") << QStringLiteral("hey assistant");
    }

    void canonicalForm()
    {
        QFETCH(QString, text);
        QFETCH(QString, canonical);
        QCOMPARE(SpeechGrammar::canonical(text), canonical);
    }

    void bundledSamplesMakeAGrammar()
    {
        const SpeechGrammar grammar(QStringLiteral(":/speech"), cmuDictionary);
        QVERIFY(grammar.isUsable());
        QVERIFY2(grammar.problems().isEmpty(), qPrintable(grammar.problems().join(QLatin1Char('\n'))));
        QVERIFY(grammar.sentences().size() >= 6);
        // Every line of every .txt is a sentence, already in canonical form.
        for (const QString &s : grammar.sentences()) {
            QCOMPARE(SpeechGrammar::canonical(s), s);
            QVERIFY(grammar.isSentence(s));
            QVERIFY(grammar.jsgf().contains(s.toUtf8()));
        }
        QVERIFY(grammar.isSentence(QStringLiteral("hey assistant")));
        QVERIFY(grammar.jsgf().startsWith("#JSGF V1.0;"));
        // The dictionary holds the grammar's words with all their pronunciations, and nothing else.
        QFile dict(grammar.dictionaryPath());
        QVERIFY(dict.open(QIODevice::ReadOnly));
        const QByteArray entries = dict.readAll();
        QVERIFY(entries.contains("\nto(2) ") || entries.startsWith("to(2) "));
        QVERIFY(!entries.contains("\nzebra "));
        QVERIFY(entries.count('\n') < 200);
    }

    void unknownWordsLeaveTheSentenceOut()
    {
        QTemporaryDir dir;
        QFile a(dir.filePath(QStringLiteral("a.txt")));
        QVERIFY(a.open(QIODevice::WriteOnly));
        a.write("turn on the lights\nplease frobnicate the qwzxv\n");
        a.close();
        const SpeechGrammar grammar(dir.path(), cmuDictionary);
        QCOMPARE(grammar.sentences(), QStringList {QStringLiteral("turn on the lights")});
        QCOMPARE(grammar.problems().size(), 1);
        QVERIFY(grammar.problems().first().contains(QStringLiteral("qwzxv")));
        QVERIFY(grammar.isUsable());
    }

    void emptyFolderIsUnusableWithAReason()
    {
        QTemporaryDir dir;
        const SpeechGrammar grammar(dir.path(), cmuDictionary);
        QVERIFY(!grammar.isUsable());
        QVERIFY(!grammar.problems().isEmpty());
    }
};

QTEST_GUILESS_MAIN(tst_SpeechGrammar)
#include "tst_speechgrammar.moc"
