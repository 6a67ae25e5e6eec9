#include "workers/loopback/endpoints/tokengenerator.h"

#include <QCryptographicHash>

#include <iterator>

namespace Taskscope::Loopback {

namespace {

constexpr const char *vocabulary[] = {
    "the",       "stream",       "thread",     "event",      "loop",        "audio",      "chunk",   "token",
    "server",    "client",       "latency",    "and",        "a",           "of",         "to",      "in",
    "is",        "on",           "with",       "for",        "that",        "while",      "each",    "every",
    "coroutine", "worker",       "timeline",   "socket",     "buffer",      "frame",      "signal",  "queue",
    "request",   "reply",        "waits",      "runs",       "sends",       "reads",      "writes",  "resumes",
    "blocks",    "schedules",    "measures",   "records",    "quickly",     "steadily",   "again",   "later",
    "first",     "next",         "before",     "after",      "during",      "between",    "real",    "time",
    "speech",    "voice",        "model",      "result",     "final",       "interim",    "word",    "sentence",
    "user",      "window",       "watchdog",   "alert",      "trace",       "span",       "lane",    "core",
    "pool",      "task",         "async",      "blocking",   "offload",     "pacing",     "jitter",  "budget",
    "deadline",  "backpressure", "transcript", "synthesis",  "recognition", "connection", "message", "keepalive",
    "endpoint",  "utterance",    "silence",    "microphone", "speaker",     "network",    "kernel",  "scheduler",
    "throughput"};

} // namespace

TokenGenerator::TokenGenerator(quint64 seed)
    : m_random(quint32(seed ^ (seed >> 32)))
{
}

quint64 TokenGenerator::seedFor(const QByteArray &text)
{
    const QByteArray hash = QCryptographicHash::hash(text, QCryptographicHash::Sha1);
    quint64 seed = 0;
    for (int i = 0; i < 8; ++i)
        seed = (seed << 8) | quint8(hash.at(i));
    return seed;
}

QByteArray TokenGenerator::next()
{
    if (m_pendingPeriod) {
        m_pendingPeriod = false;
        m_capitalizeNext = true;
        return QByteArrayLiteral(".");
    }
    if (m_wordsLeftInSentence <= 0)
        m_wordsLeftInSentence = 6 + int(m_random.bounded(11));
    QByteArray word = vocabulary[m_random.bounded(quint32(std::size(vocabulary)))];
    if (m_capitalizeNext) {
        word[0] = char(word.at(0) - 'a' + 'A');
        m_capitalizeNext = false;
    }
    QByteArray token;
    if (!m_first)
        token += ' ';
    token += word;
    m_first = false;
    if (--m_wordsLeftInSentence == 0)
        m_pendingPeriod = true;
    else if (m_random.bounded(10u) == 0)
        token += ',';
    return token;
}

} // namespace Taskscope::Loopback
