#pragma once

#include <QString>

namespace Taskscope::Model {

/// Human-readable times and counts for the window: "820 ns", "12.4 µs", "1.25 s", "2 min 05 s".
class TimeFormat final
{
public:
    TimeFormat() = delete;

    /// A duration with `significant` digits after the decimal point of its unit.
    static QString duration(qint64 ns, int decimals = 2);
    /// A point in time since the trace origin, with enough decimals to tell `resolutionNs` apart
    /// (used by the ruler: ticks 20 ms apart read "1.240 s", "1.260 s").
    static QString timestamp(qint64 ns, qint64 resolutionNs);
    /// 1234567 -> "1,234,567".
    static QString count(quint64 n);
    /// 1234567 -> "1.2 M".
    static QString compactCount(quint64 n);
    static QString bytes(quint64 bytes);
};

} // namespace Taskscope::Model
