#include "model/timeformat.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace Taskscope::Model {

namespace {

QString fixed(double value, int decimals)
{
    return QString::number(value, 'f', decimals);
}

} // namespace

QString TimeFormat::duration(qint64 ns, int decimals)
{
    const QString sign = ns < 0 ? QStringLiteral("-") : QString();
    const double a = std::abs(double(ns));
    if (a < 1e3)
        return sign % QString::number(qint64(a)) % QStringLiteral(" ns");
    if (a < 1e6)
        return sign % fixed(a / 1e3, decimals) % QStringLiteral(" µs");
    if (a < 1e9)
        return sign % fixed(a / 1e6, decimals) % QStringLiteral(" ms");
    if (a < 60e9)
        return sign % fixed(a / 1e9, decimals) % QStringLiteral(" s");
    if (a < 3600e9) {
        const qint64 totalS = qint64(a / 1e9);
        return sign % QStringLiteral("%1 min %2 s").arg(totalS / 60).arg(totalS % 60, 2, 10, QLatin1Char('0'));
    }
    const qint64 totalMin = qint64(a / 60e9);
    return sign % QStringLiteral("%1 h %2 min").arg(totalMin / 60).arg(totalMin % 60, 2, 10, QLatin1Char('0'));
}

QString TimeFormat::timestamp(qint64 ns, qint64 resolutionNs)
{
    const QString sign = ns < 0 ? QStringLiteral("-") : QString();
    const double a = std::abs(double(ns));
    const double r = std::max<double>(1, double(resolutionNs));
    // Seconds with as many decimals as the resolution needs; minutes beyond an hour of trace.
    if (a >= 3600e9 && r >= 1e9) {
        const qint64 s = qint64(a / 1e9);
        return sign
            % QStringLiteral("%1:%2:%3")
                  .arg(s / 3600)
                  .arg((s / 60) % 60, 2, 10, QLatin1Char('0'))
                  .arg(s % 60, 2, 10, QLatin1Char('0'));
    }
    const int decimals = std::clamp(int(std::ceil(9 - std::log10(r) - 1e-9)), 0, 9);
    return sign % fixed(a / 1e9, decimals) % QStringLiteral(" s");
}

QString TimeFormat::count(quint64 n)
{
    QString digits = QString::number(n);
    for (int i = int(digits.size()) - 3; i > 0; i -= 3)
        digits.insert(i, QLatin1Char(','));
    return digits;
}

QString TimeFormat::compactCount(quint64 n)
{
    if (n < 10'000)
        return QString::number(n);
    if (n < 1'000'000)
        return fixed(double(n) / 1e3, n < 100'000 ? 1 : 0) % QStringLiteral(" k");
    if (n < 1'000'000'000)
        return fixed(double(n) / 1e6, n < 100'000'000 ? 1 : 0) % QStringLiteral(" M");
    return fixed(double(n) / 1e9, 1) % QStringLiteral(" G");
}

QString TimeFormat::bytes(quint64 bytes)
{
    if (bytes < 1024)
        return QStringLiteral("%1 B").arg(bytes);
    if (bytes < 1024 * 1024)
        return fixed(double(bytes) / 1024, 1) % QStringLiteral(" KiB");
    if (bytes < 1024ull * 1024 * 1024)
        return fixed(double(bytes) / (1024 * 1024), 1) % QStringLiteral(" MiB");
    return fixed(double(bytes) / (1024.0 * 1024 * 1024), 2) % QStringLiteral(" GiB");
}

} // namespace Taskscope::Model
