#include "workers/loopback/servercommandline.h"

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
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        QString option = arguments.at(i);
        QString value;
        bool hasInlineValue = false;
        if (option.startsWith(QLatin1String("--")) && option.contains(QLatin1Char('='))) {
            value = option.mid(option.indexOf(QLatin1Char('=')) + 1);
            option = option.left(option.indexOf(QLatin1Char('=')));
            hasInlineValue = true;
        }
        auto next = [&](QString *out) {
            if (hasInlineValue) {
                *out = value;
                return true;
            }
            if (i + 1 >= arguments.size()) {
                *error = QStringLiteral("%1 needs a value").arg(option);
                return false;
            }
            *out = arguments.at(++i);
            return true;
        };
        auto number = [&](qint64 min, qint64 max, qint64 *out) {
            QString text;
            if (!next(&text))
                return false;
            if (!takeInt(text, min, max, out)) {
                *error =
                    QStringLiteral("%1 must be an integer %2-%3, not \"%4\"").arg(option).arg(min).arg(max).arg(text);
                return false;
            }
            return true;
        };
        qint64 n = 0;
        if (option == u"-h" || option == u"--help") {
            result.showHelp = true;
        } else if (option == u"--host") {
            if (!next(&hostText))
                return std::nullopt;
        } else if (option == u"--port") {
            if (!number(0, 65535, &n))
                return std::nullopt;
            c.port = quint16(n);
        } else if (option == u"--allow-remote") {
            c.allowRemote = true;
        } else if (option == u"--key") {
            if (!next(&c.apiKey))
                return std::nullopt;
        } else if (option == u"--faults") {
            QString text;
            if (!next(&text))
                return std::nullopt;
            QString why;
            const auto spec = FaultSpec::parse(text, &why);
            if (!spec) {
                *error = QStringLiteral("--faults: %1").arg(why);
                return std::nullopt;
            }
            c.faults = *spec;
        } else if (option == u"--load-sink") {
            c.loadSink = true;
        } else if (option == u"--idle-timeout-ms") {
            if (!number(100, 3'600'000, &n))
                return std::nullopt;
            c.idleTimeoutMs = int(n);
        } else if (option == u"--network-threads") {
            if (!number(1, 64, &n))
                return std::nullopt;
            c.networkThreads = int(n);
        } else if (option == u"--recognition-threads") {
            if (!number(1, 64, &n))
                return std::nullopt;
            c.recognitionThreads = int(n);
        } else if (option == u"--max-recognition-streams") {
            if (!number(1, 100'000, &n))
                return std::nullopt;
            c.maxRecognitionStreams = int(n);
        } else if (option == u"--prewarm-decoders") {
            if (!number(0, 4096, &n))
                return std::nullopt;
            c.prewarmDecoders = int(n);
        } else if (option == u"--chat-tokens") {
            if (!number(1, 10'000'000, &n))
                return std::nullopt;
            c.chatTokens = int(n);
        } else if (option == u"--chat-rate") {
            if (!number(0, 10'000'000, &n))
                return std::nullopt;
            c.chatTokensPerSecond = double(n);
        } else if (option == u"--chat-first-token-ms") {
            if (!number(0, 600'000, &n))
                return std::nullopt;
            c.chatFirstTokenDelayMs = int(n);
        } else if (option == u"--chat-model") {
            if (!next(&c.chatModel))
                return std::nullopt;
        } else if (option == u"--speech-dir") {
            if (!next(&c.speechDirectory))
                return std::nullopt;
        } else if (option == u"--model-dir") {
            if (!next(&c.acousticModelDirectory))
                return std::nullopt;
        } else if (option == u"--max-memory-mib") {
            if (!number(16, 1024 * 1024, &n))
                return std::nullopt;
            c.maxMemoryBytes = n * 1024 * 1024;
        } else if (option == u"--quiet") {
            result.quiet = true;
            c.logConnections = false;
        } else {
            *error = QStringLiteral("unknown option %1 (see --help)").arg(option);
            return std::nullopt;
        }
    }
    if (hostText == u"localhost")
        hostText = QStringLiteral("127.0.0.1");
    c.host = QHostAddress(hostText);
    if (c.host.isNull()) {
        *error = QStringLiteral("--host: \"%1\" is not an IP address").arg(hostText);
        return std::nullopt;
    }
    if (!c.host.isLoopback() && !c.allowRemote) {
        *error = QStringLiteral("refusing to bind %1: not a loopback address. The loopback service has no TLS and "
                                "weak auth; pass --allow-remote if you really mean it")
                     .arg(hostText);
        return std::nullopt;
    }
    return result;
}
