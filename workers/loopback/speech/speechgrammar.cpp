#include "workers/loopback/speech/speechgrammar.h"

#include <QDir>
#include <QFile>
#include <QHash>

namespace Taskscope::Loopback {

QString SpeechGrammar::canonical(const QString &text)
{
    QString out;
    out.reserve(text.size());
    bool pendingSpace = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i).toLower();
        const bool apostropheInWord = c == QLatin1Char('\'') && !out.isEmpty() && !pendingSpace && i + 1 < text.size()
            && text.at(i + 1).isLetter();
        if (c.isLetterOrNumber() || apostropheInWord) {
            if (pendingSpace && !out.isEmpty())
                out += QLatin1Char(' ');
            pendingSpace = false;
            out += c;
        } else {
            pendingSpace = true;
        }
    }
    return out;
}

SpeechGrammar::SpeechGrammar(const QString &speechDirectory, const QString &cmuDictionaryPath)
{
    // 1. Sentences, in file-name order so the grammar text is stable.
    QDir dir(speechDirectory);
    const QStringList files = dir.entryList({QStringLiteral("*.txt")}, QDir::Files, QDir::Name);
    QStringList candidates;
    for (const QString &name : files) {
        QFile file(dir.filePath(name));
        if (!file.open(QIODevice::ReadOnly)) {
            m_problems << QStringLiteral("%1: %2").arg(name, file.errorString());
            continue;
        }
        const QStringList lines = QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'));
        for (const QString &line : lines) {
            const QString sentence = canonical(line);
            if (!sentence.isEmpty() && !candidates.contains(sentence))
                candidates << sentence;
        }
    }
    if (candidates.isEmpty()) {
        m_problems << QStringLiteral("no sentences in %1/*.txt").arg(speechDirectory);
        return;
    }
    QSet<QString> words;
    for (const QString &s : std::as_const(candidates)) {
        const QStringList parts = s.split(QLatin1Char(' '));
        for (const QString &w : parts)
            words.insert(w);
    }

    // 2. Pronunciations of those words (all variants: "to", "to(2)", ...).
    QFile dictionary(cmuDictionaryPath);
    if (!dictionary.open(QIODevice::ReadOnly)) {
        m_problems << QStringLiteral("%1: %2").arg(cmuDictionaryPath, dictionary.errorString());
        return;
    }
    QHash<QString, QByteArray> entries; // variant -> line
    QSet<QString> known;
    while (!dictionary.atEnd()) {
        const QByteArray line = dictionary.readLine();
        const qsizetype space = line.indexOf(' ');
        if (space <= 0)
            continue;
        const QString variant = QString::fromUtf8(line.left(space));
        const qsizetype paren = variant.indexOf(QLatin1Char('('));
        const QString base = paren > 0 ? variant.left(paren) : variant;
        if (words.contains(base)) {
            QByteArray entry = line.trimmed();
            // Drop trailing comments some dictionaries carry ("# ...").
            if (const qsizetype hash = entry.indexOf('#'); hash > 0)
                entry = entry.left(hash).trimmed();
            entries.insert(variant, entry);
            known.insert(base);
        }
    }

    // 3. Keep the sentences whose words are all known.
    for (const QString &s : std::as_const(candidates)) {
        const QStringList parts = s.split(QLatin1Char(' '));
        QStringList missing;
        for (const QString &w : parts) {
            if (!known.contains(w))
                missing << w;
        }
        if (missing.isEmpty()) {
            m_sentences << s;
            m_sentenceSet.insert(s);
        } else {
            m_problems << QStringLiteral("sentence \"%1\" left out of the grammar: not in the dictionary: %2")
                              .arg(s, missing.join(QStringLiteral(", ")));
        }
    }
    if (m_sentences.isEmpty())
        return;

    m_directory = std::make_unique<QTemporaryDir>();
    if (!m_directory->isValid()) {
        m_problems << QStringLiteral("cannot create a temporary directory for the grammar dictionary");
        return;
    }
    QStringList variants = entries.keys();
    variants.sort();
    QByteArray dict;
    for (const QString &v : std::as_const(variants))
        dict += entries.value(v) + '\n';
    QFile out(m_directory->filePath(QStringLiteral("grammar.dict")));
    if (!out.open(QIODevice::WriteOnly) || out.write(dict) != dict.size()) {
        m_problems << QStringLiteral("cannot write %1").arg(out.fileName());
        return;
    }
    out.close();
    m_dictionaryPath = out.fileName();

    QByteArray jsgf = "#JSGF V1.0;\ngrammar taskscope;\npublic <utterance> =\n";
    for (qsizetype i = 0; i < m_sentences.size(); ++i)
        jsgf += (i == 0 ? "    ( " : "  | ( ") + m_sentences.at(i).toUtf8() + " )\n";
    jsgf += ";\n";
    m_jsgf = jsgf;
}

} // namespace Taskscope::Loopback
