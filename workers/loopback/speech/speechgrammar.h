#pragma once
// The recognition grammar: every line of every *.txt in the speech directory (the bundled samples'
// exact texts) becomes one alternative of a JSGF rule, and a pronouncing dictionary holding just
// those words is cut out of the CMU dictionary (a small dictionary makes each decoder start in ~25 ms
// instead of ~450 ms). Sentences with words the dictionary lacks are left out and reported.
//
// Canonical transcript form (the .txt files and the transcripts compared against them): lowercase
// words of letters and apostrophes, single spaces, no punctuation, one utterance per line.
#include <QSet>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>

namespace Taskscope::Loopback {

class SpeechGrammar
{
public:
    // Reads the sentences from `speechDirectory` and the pronunciations from `cmuDictionaryPath`.
    SpeechGrammar(const QString &speechDirectory, const QString &cmuDictionaryPath);

    bool isUsable() const { return !m_sentences.isEmpty() && !m_dictionaryPath.isEmpty(); }
    const QStringList &sentences() const { return m_sentences; }
    const QStringList &problems() const { return m_problems; }
    QByteArray jsgf() const { return m_jsgf; }
    // Path of the small dictionary file (inside a temporary directory owned by this object).
    QString dictionaryPath() const { return m_dictionaryPath; }
    bool isSentence(const QString &canonicalText) const { return m_sentenceSet.contains(canonicalText); }

    // Lowercases, drops punctuation other than apostrophes inside words, collapses spaces.
    static QString canonical(const QString &text);

private:
    QStringList m_sentences;
    QSet<QString> m_sentenceSet;
    QStringList m_problems;
    QByteArray m_jsgf;
    std::unique_ptr<QTemporaryDir> m_directory;
    QString m_dictionaryPath;
};

} // namespace Taskscope::Loopback
