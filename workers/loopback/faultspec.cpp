#include "workers/loopback/faultspec.h"

#include <QStringList>
#include <QUrl>

namespace Taskscope::Loopback {

namespace {

bool parseCount(const QString &value, qint64 min, qint64 *out)
{
    bool ok = false;
    const qint64 v = value.toLongLong(&ok);
    if (!ok || v < min)
        return false;
    *out = v;
    return true;
}

// Time items are bounded so they always fit a QTimer interval (an int of milliseconds).
bool parseMilliseconds(const QString &value, qint64 *out)
{
    qint64 v = 0;
    if (!parseCount(value, 0, &v) || v > FaultSpec::maxMilliseconds)
        return false;
    *out = v;
    return true;
}

bool validCloseCode(int code)
{
    return code >= 1000 && code <= 4999 && !(code >= 1004 && code <= 1006) && code != 1015;
}

} // namespace

bool FaultSpec::isEmpty() const
{
    return *this == FaultSpec {};
}

bool FaultSpec::hasDropTrigger() const
{
    return dropAfterMs >= 0 || dropAfterRxBytes >= 0 || dropAfterTxBytes >= 0 || dropAfterMessages >= 0;
}

bool FaultSpec::appliesToPath(const QString &path) const
{
    return onlyPathPrefix.isEmpty() || path.startsWith(onlyPathPrefix);
}

std::optional<FaultSpec> FaultSpec::parse(const QString &text, QString *error)
{
    FaultSpec spec;
    auto fail = [error](const QString &message) -> std::optional<FaultSpec> {
        if (error)
            *error = message;
        return std::nullopt;
    };
    const QStringList items = text.split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (const QString &rawItem : items) {
        const QString item = rawItem.trimmed();
        if (item.isEmpty())
            continue;
        const qsizetype eq = item.indexOf(QLatin1Char('='));
        const QString name = (eq < 0 ? item : item.left(eq)).trimmed().toLower();
        const QString value = eq < 0 ? QString() : item.mid(eq + 1).trimmed();
        const bool hasValue = eq >= 0;
        auto needValue = [&]() { return hasValue && !value.isEmpty(); };
        auto bad = [&](const QString &why) { return fail(QStringLiteral("fault item '%1': %2").arg(item, why)); };
        qint64 n = 0;
        if (name == u"latency") {
            if (!needValue() || !parseMilliseconds(value, &spec.latencyMs))
                return bad(QStringLiteral("expected milliseconds 0-%1").arg(maxMilliseconds));
        } else if (name == u"message-delay") {
            if (!needValue() || !parseMilliseconds(value, &spec.messageDelayMs))
                return bad(QStringLiteral("expected milliseconds 0-%1").arg(maxMilliseconds));
        } else if (name == u"drop-after-ms") {
            if (!needValue() || !parseMilliseconds(value, &spec.dropAfterMs))
                return bad(QStringLiteral("expected milliseconds 0-%1").arg(maxMilliseconds));
        } else if (name == u"drop-after-rx-bytes") {
            if (!needValue() || !parseCount(value, 0, &spec.dropAfterRxBytes))
                return bad(QStringLiteral("expected a byte count >= 0"));
        } else if (name == u"drop-after-tx-bytes") {
            if (!needValue() || !parseCount(value, 0, &spec.dropAfterTxBytes))
                return bad(QStringLiteral("expected a byte count >= 0"));
        } else if (name == u"drop-after-messages") {
            if (!needValue() || !parseCount(value, 0, &spec.dropAfterMessages))
                return bad(QStringLiteral("expected a message count >= 0"));
        } else if (name == u"close") {
            if (!needValue())
                return bad(QStringLiteral("expected CODE[:REASON]"));
            const qsizetype colon = value.indexOf(QLatin1Char(':'));
            const QString codeText = colon < 0 ? value : value.left(colon);
            bool ok = false;
            const int code = codeText.toInt(&ok);
            if (!ok || !validCloseCode(code))
                return bad(QStringLiteral("close code must be 1000-4999, not 1004-1006 or 1015"));
            spec.closeCode = code;
            spec.closeReason = colon < 0 ? QString() : QUrl::fromPercentEncoding(value.mid(colon + 1).toUtf8());
            if (spec.closeReason.toUtf8().size() > 123)
                return bad(QStringLiteral("close reason longer than 123 bytes"));
        } else if (name == u"malformed-json") {
            if (!hasValue) {
                spec.malformedJsonMessage = 1;
            } else if (!parseCount(value, 1, &n) || n > 1'000'000'000) {
                return bad(QStringLiteral("expected a message index >= 1"));
            } else {
                spec.malformedJsonMessage = int(n);
            }
        } else if (name == u"error-event") {
            if (!needValue() || !parseCount(value, 1, &n) || n > 1'000'000'000)
                return bad(QStringLiteral("expected an event index >= 1"));
            spec.errorEventMessage = int(n);
        } else if (name == u"status") {
            if (!needValue() || !parseCount(value, 400, &n) || n > 599)
                return bad(QStringLiteral("expected an HTTP status 400-599"));
            spec.httpStatus = int(n);
        } else if (name == u"retry-after") {
            if (!needValue() || !parseCount(value, 0, &n) || n > 86400)
                return bad(QStringLiteral("expected seconds 0-86400"));
            spec.retryAfterSeconds = int(n);
        } else if (name == u"slow-read") {
            if (!needValue() || !parseCount(value, 1, &spec.slowReadBytesPerSecond))
                return bad(QStringLiteral("expected bytes per second >= 1"));
        } else if (name == u"p") {
            bool ok = false;
            const double p = value.toDouble(&ok);
            if (!needValue() || !ok || p < 0.0 || p > 1.0)
                return bad(QStringLiteral("expected a fraction 0..1"));
            spec.probability = p;
        } else if (name == u"only") {
            if (!needValue() || !value.startsWith(QLatin1Char('/')))
                return bad(QStringLiteral("expected a path starting with /"));
            spec.onlyPathPrefix = value;
        } else {
            return bad(QStringLiteral("unknown fault (known: latency, message-delay, drop-after-ms, "
                                      "drop-after-rx-bytes, drop-after-tx-bytes, drop-after-messages, close, "
                                      "malformed-json, error-event, status, retry-after, slow-read, p, only)"));
        }
    }
    return spec;
}

QString FaultSpec::toString() const
{
    QStringList items;
    const FaultSpec defaults;
    if (latencyMs != defaults.latencyMs)
        items << QStringLiteral("latency=%1").arg(latencyMs);
    if (messageDelayMs != defaults.messageDelayMs)
        items << QStringLiteral("message-delay=%1").arg(messageDelayMs);
    if (dropAfterMs >= 0)
        items << QStringLiteral("drop-after-ms=%1").arg(dropAfterMs);
    if (dropAfterRxBytes >= 0)
        items << QStringLiteral("drop-after-rx-bytes=%1").arg(dropAfterRxBytes);
    if (dropAfterTxBytes >= 0)
        items << QStringLiteral("drop-after-tx-bytes=%1").arg(dropAfterTxBytes);
    if (dropAfterMessages >= 0)
        items << QStringLiteral("drop-after-messages=%1").arg(dropAfterMessages);
    if (closeCode != 0) {
        QString item = QStringLiteral("close=%1").arg(closeCode);
        if (!closeReason.isEmpty())
            item += QLatin1Char(':') + QString::fromLatin1(QUrl::toPercentEncoding(closeReason));
        items << item;
    }
    if (malformedJsonMessage != 0)
        items << QStringLiteral("malformed-json=%1").arg(malformedJsonMessage);
    if (errorEventMessage != 0)
        items << QStringLiteral("error-event=%1").arg(errorEventMessage);
    if (httpStatus != 0)
        items << QStringLiteral("status=%1").arg(httpStatus);
    if (retryAfterSeconds != defaults.retryAfterSeconds)
        items << QStringLiteral("retry-after=%1").arg(retryAfterSeconds);
    if (slowReadBytesPerSecond != 0)
        items << QStringLiteral("slow-read=%1").arg(slowReadBytesPerSecond);
    if (probability != defaults.probability)
        items << QStringLiteral("p=%1").arg(probability);
    if (!onlyPathPrefix.isEmpty())
        items << QStringLiteral("only=%1").arg(onlyPathPrefix);
    return items.join(QLatin1Char(','));
}

} // namespace Taskscope::Loopback
