#pragma once

#include "model/trace/tracetypes.h"

#include <QMetaType>
#include <QString>

namespace Taskscope::Trace {
class TraceStore;
} // namespace Taskscope::Trace

namespace Taskscope::Ui {

/// The span the user clicked on the timeline, resolved to everything the details panel shows.
struct SpanSelection
{
    bool valid = false;
    Trace::LaneId lane = Trace::NoLane;
    int depth = 0;
    qint64 startNs = 0;
    qint64 endNs = 0; ///< for open spans: the store's last time
    bool open = false;
    Trace::NameId name = 0;
    Trace::SpanKind kind = Trace::SpanKind::Span;
    std::uint32_t link = 0;
    std::uint32_t arg = 0;

    QString title; ///< the span's name, or its state for coroutine segments
    QString laneName;
    QString threadName; ///< the thread that ran it (thread lanes, running coroutine segments)
    QString coroutineName; ///< the coroutine it belongs to (coroutine lanes, ThreadRunsCoroutine spans)

    qint64 durationNs() const { return endNs - startNs; }
    static QString kindName(Trace::SpanKind kind);
    /// Resolves names through the store's lanes and the interned name table.
    static SpanSelection resolve(const Trace::TraceStore &store, Trace::LaneId lane, int depth, qint64 startNs,
                                 qint64 endNs, bool open, Trace::NameId name, Trace::SpanKind kind, std::uint32_t link,
                                 std::uint32_t arg);
    bool operator==(const SpanSelection &other) const
    {
        return valid == other.valid && lane == other.lane && depth == other.depth && startNs == other.startNs
            && kind == other.kind && name == other.name;
    }
};

} // namespace Taskscope::Ui

Q_DECLARE_METATYPE(Taskscope::Ui::SpanSelection)
