#include "workers/loopback/servercommandline.h"

#include <algorithm>
#include <iterator>

namespace Taskscope::Loopback {

namespace {

bool takeInt(const QString &text, qint64 min, qint64 max, qint64 *out)
{
    bool ok = false;
    const qint64 v = text.toLongLong(&ok);
    if (!ok || v < min || v > max)
        return false;
    *out = v;
    return true;
}

/// Walks the arguments one option at a time; values come as "--name value" or "--name=value".
class ArgumentCursor
{
public:
    ArgumentCursor(const QStringList &arguments, QString *error)
        : m_arguments(arguments)
        , m_error(error)
    {
    }

    bool atEnd() const { return m_index >= m_arguments.size(); }

    /// The next option's name (an inline value is kept for value()).
    QString nextOption()
    {
        m_option = m_arguments.at(m_index++);
        m_hasInlineValue = false;
        if (m_option.startsWith(QLatin1String("--")) && m_option.contains(QLatin1Char('='))) {
            m_inlineValue = m_option.mid(m_option.indexOf(QLatin1Char('=')) + 1);
            m_option = m_option.left(m_option.indexOf(QLatin1Char('=')));
            m_hasInlineValue = true;
        }
        return m_option;
    }

    bool value(QString *out)
    {
        if (m_hasInlineValue) {
            *out = m_inlineValue;
            return true;
        }
        if (atEnd()) {
            *m_error = QStringLiteral("%1 needs a value").arg(m_option);
            return false;
        }
        *out = m_arguments.at(m_index++);
        return true;
    }

    bool number(qint64 min, qint64 max, qint64 *out)
    {
        QString text;
        if (!value(&text))
            return false;
        if (!takeInt(text, min, max, out)) {
            *m_error =
                QStringLiteral("%1 must be an integer %2-%3, not \"%4\"").arg(m_option).arg(min).arg(max).arg(text);
            return false;
        }
        return true;
    }

private:
    const QStringList &m_arguments;
    QString *m_error;
    qsizetype m_index = 1; // after the program name
    QString m_option;
    QString m_inlineValue;
    bool m_hasInlineValue = false;
};

/// The options that take an integer in a range, and where it goes.
struct IntegerOption
{
    QStringView name;
    qint64 min;
    qint64 max;
    void (*apply)(LoopbackConfig &config, qint64 value);
};

const IntegerOption integerOptions[] = {
    {u"--port", 0, 65535, [](LoopbackConfig &c, qint64 n) { c.port = quint16(n); }},
    {u"--idle-timeout-ms", 100, 3'600'000, [](LoopbackConfig &c, qint64 n) { c.idleTimeoutMs = int(n); }},
    {u"--network-threads", 1, 64, [](LoopbackConfig &c, qint64 n) { c.networkThreads = int(n); }},
    {u"--recognition-threads", 1, 64, [](LoopbackConfig &c, qint64 n) { c.recognitionThreads = int(n); }},
    {u"--max-recognition-streams", 1, 100'000, [](LoopbackConfig &c, qint64 n) { c.maxRecognitionStreams = int(n); }},
    {u"--prewarm-decoders", 0, 4096, [](LoopbackConfig &c, qint64 n) { c.prewarmDecoders = int(n); }},
    {u"--chat-tokens", 1, 10'000'000, [](LoopbackConfig &c, qint64 n) { c.chatTokens = int(n); }},
    {u"--chat-rate", 0, 10'000'000, [](LoopbackConfig &c, qint64 n) { c.chatTokensPerSecond = double(n); }},
    {u"--chat-first-token-ms", 0, 600'000, [](LoopbackConfig &c, qint64 n) { c.chatFirstTokenDelayMs = int(n); }},
    {u"--max-memory-mib", 16, 1024 * 1024, [](LoopbackConfig &c, qint64 n) { c.maxMemoryBytes = n * 1024 * 1024; }},
};

/// The options that take a text value, and where it goes (nullptr: not one of them).
QString *textTarget(const QString &option, LoopbackConfig &c, QString *hostText)
{
    if (option == u"--host")
        return hostText;
    if (option == u"--key")
        return &c.apiKey;
    if (option == u"--chat-model")
        return &c.chatModel;
    if (option == u"--speech-dir")
        return &c.speechDirectory;
    if (option == u"--model-dir")
        return &c.acousticModelDirectory;
    return nullptr;
}

bool readFaults(ArgumentCursor &cursor, LoopbackConfig &c, QString *error)
{
    QString text;
    if (!cursor.value(&text))
        return false;
    QString why;
    const auto spec = FaultSpec::parse(text, &why);
    if (!spec) {
        *error = QStringLiteral("--faults: %1").arg(why);
        return false;
    }
    c.faults = *spec;
    return true;
}

/// Binds only loopback addresses unless told otherwise.
bool applyHost(QString hostText, LoopbackConfig &c, QString *error)
{
    if (hostText == u"localhost")
        hostText = QStringLiteral("127.0.0.1");
    c.host = QHostAddress(hostText);
    if (c.host.isNull()) {
        *error = QStringLiteral("--host: \"%1\" is not an IP address").arg(hostText);
        return false;
    }
    if (!c.host.isLoopback() && !c.allowRemote) {
        *error = QStringLiteral("refusing to bind %1: not a loopback address. The loopback service has no TLS and "
                                "weak auth; pass --allow-remote if you really mean it")
                     .arg(hostText);
        return false;
    }
    return true;
}

} // namespace

QString ServerCommandLine::helpText()
{
    return QStringLiteral(
        "Usage: taskscope-server [options]\n"
        "The Taskscope loopback service: Deepgram-compatible listen/speak, OpenAI-compatible chat\n"
        "completions (SSE), plain HTTP echo, and faults on demand. Binds 127.0.0.1 by default.\n"
        "\n"
        "  --host ADDRESS             address to bind (default 127.0.0.1)\n"
        "  --port N                   port, 0 for a free one (default 0)\n"
        "  --allow-remote             allow binding a non-loopback address\n"
        "  --key KEY                  require this API key (also TASKSCOPE_SERVER_KEY); others get 401\n"
        "  --faults SPEC              server-wide faults, e.g. 'only=/v1/listen,p=0.1,drop-after-ms=3000'\n"
        "  --load-sink                listen without recognition (energy VAD and byte counts only)\n"
        "  --idle-timeout-ms N        listen: close 1011 NET-0001 after N ms without data (default 10000)\n"
        "  --network-threads N        event-loop threads for sockets (default: one per core)\n"
        "  --recognition-threads N    pocketsphinx worker threads (default: two per core)\n"
        "  --max-recognition-streams N  live streams decoding at once (default 256)\n"
        "  --prewarm-decoders N       grammar decoders created at start (default 4)\n"
        "  --chat-tokens N            default completion length (default 64)\n"
        "  --chat-rate N              default tokens per second, 0 = as fast as read (default 50)\n"
        "  --chat-first-token-ms N    default delay before the first token (default 100)\n"
        "  --chat-model NAME          model name reported by the chat endpoint\n"
        "  --speech-dir DIR           folder whose *.txt lines form the grammar (default :/speech)\n"
        "  --model-dir DIR            pocketsphinx en-us model folder\n"
        "  --max-memory-mib N         bytes buffered for all clients together; past it new work gets 503\n"
        "                             (default: a quarter of the machine's memory, 128-512)\n"
        "  --quiet                    no per-connection log lines\n"
        "  -h, --help                 this text\n"
        "\n"
        "Prints 'listening on http://HOST:PORT' on stdout when ready; SIGINT/SIGTERM stop it cleanly.\n"
        "Fault syntax (also per request: header X-Taskscope-Faults or query faults=):\n"
        "  latency=MS, message-delay=MS, drop-after-ms=MS, drop-after-rx-bytes=N, drop-after-tx-bytes=N,\n"
        "  drop-after-messages=N, close=CODE[:REASON], malformed-json[=N], error-event=N, status=CODE, retry-after=S,\n"
        "  slow-read=BYTES_PER_S, p=FRACTION, only=PATH\n");
}

std::optional<ServerCommandLine::Result> ServerCommandLine::parse(const QStringList &arguments,
                                                                  const QString &environmentKey, QString *error)
{
    Result result;
    LoopbackConfig &c = result.config;
    c.logConnections = true;
    c.apiKey = environmentKey;
    QString hostText = QStringLiteral("127.0.0.1");
    ArgumentCursor cursor(arguments, error);
    while (!cursor.atEnd()) {
        const QString option = cursor.nextOption();
        const auto integer = std::find_if(std::begin(integerOptions), std::end(integerOptions),
                                          [&](const IntegerOption &o) { return o.name == option; });
        if (integer != std::end(integerOptions)) {
            qint64 n = 0;
            if (!cursor.number(integer->min, integer->max, &n))
                return std::nullopt;
            integer->apply(c, n);
        } else if (QString *text = textTarget(option, c, &hostText)) {
            if (!cursor.value(text))
                return std::nullopt;
        } else if (option == u"-h" || option == u"--help") {
            result.showHelp = true;
        } else if (option == u"--allow-remote") {
            c.allowRemote = true;
        } else if (option == u"--faults") {
            if (!readFaults(cursor, c, error))
                return std::nullopt;
        } else if (option == u"--load-sink") {
            c.loadSink = true;
        } else if (option == u"--quiet") {
            result.quiet = true;
            c.logConnections = false;
        } else {
            *error = QStringLiteral("unknown option %1 (see --help)").arg(option);
            return std::nullopt;
        }
    }
    if (!applyHost(hostText, c, error))
        return std::nullopt;
    return result;
}

} // namespace Taskscope::Loopback
