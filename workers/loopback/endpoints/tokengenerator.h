#pragma once
// A small local text generator for the chat endpoint: plausible English-like sentences about streams
// and threads from a fixed vocabulary, one token per word or punctuation mark, deterministic for a seed.
// Tokens are ASCII and need no JSON escaping.
#include <QByteArray>
#include <QRandomGenerator>

namespace Taskscope::Loopback {

class TokenGenerator
{
public:
    explicit TokenGenerator(quint64 seed);

    // The next token: " word", ",", "." or, at the very start, "Word".
    QByteArray next();
    static quint64 seedFor(const QByteArray &text);

private:
    QRandomGenerator m_random;
    int m_wordsLeftInSentence = 0;
    bool m_first = true;
    bool m_capitalizeNext = true;
    bool m_pendingPeriod = false;
};

} // namespace Taskscope::Loopback
