#include "ui/spanselection.h"

#include "model/trace/tracenames.h"
#include "model/trace/tracestore.h"

using Taskscope::Trace::LaneId;
using Taskscope::Trace::LaneInfo;
using Taskscope::Trace::LaneKind;
using Taskscope::Trace::NameId;
using Taskscope::Trace::NoLane;
using Taskscope::Trace::SpanKind;
using Taskscope::Trace::TraceNames;
using Taskscope::Trace::TraceStore;

namespace Taskscope::Ui {

QString SpanSelection::kindName(SpanKind kind)
{
    switch (kind) {
    case SpanKind::Span:
        return QStringLiteral("span");
    case SpanKind::CoroutineRunning:
        return QStringLiteral("running");
    case SpanKind::CoroutineSuspended:
        return QStringLiteral("suspended");
    case SpanKind::CoroutineReady:
        return QStringLiteral("ready (waiting for its event loop)");
    case SpanKind::ThreadRunsCoroutine:
        return QStringLiteral("coroutine running on this thread");
    case SpanKind::Alert:
        return QStringLiteral("alert");
    case SpanKind::Folded:
        return QStringLiteral("folded");
    }
    return {};
}

SpanSelection SpanSelection::resolve(const TraceStore &store, LaneId lane, int depth, qint64 startNs, qint64 endNs,
                                     bool open, NameId name, SpanKind kind, std::uint32_t link, std::uint32_t arg)
{
    SpanSelection s;
    s.valid = true;
    s.lane = lane;
    s.depth = depth;
    s.startNs = startNs;
    s.endNs = endNs;
    s.open = open;
    s.name = name;
    s.kind = kind;
    s.link = link;
    s.arg = arg;
    const LaneInfo info = store.lane(lane);
    const auto laneName = [&store](LaneId id) {
        if (id == NoLane)
            return QString();
        const QString n = TraceNames::name(store.lane(id).name);
        return n.isEmpty() ? QStringLiteral("lane %1").arg(id) : n;
    };
    s.laneName = laneName(lane);
    const QString text = TraceNames::name(name);
    switch (kind) {
    case SpanKind::CoroutineRunning:
        s.title = QStringLiteral("running");
        s.threadName = laneName(link);
        s.coroutineName = s.laneName;
        break;
    case SpanKind::CoroutineSuspended:
        s.title = text.isEmpty() ? QStringLiteral("suspended") : QStringLiteral("suspended: %1").arg(text);
        s.coroutineName = s.laneName;
        break;
    case SpanKind::CoroutineReady:
        s.title = text.isEmpty() ? QStringLiteral("ready") : QStringLiteral("ready: %1").arg(text);
        s.coroutineName = s.laneName;
        break;
    case SpanKind::ThreadRunsCoroutine:
        s.title = text.isEmpty() ? laneName(link) : text;
        s.threadName = s.laneName;
        s.coroutineName = laneName(link);
        break;
    default:
        s.title = text.isEmpty() ? QStringLiteral("(unnamed)") : text;
        if (info.kind == LaneKind::Thread)
            s.threadName = s.laneName;
        else if (info.kind == LaneKind::Coroutine)
            s.coroutineName = s.laneName;
        break;
    }
    return s;
}

} // namespace Taskscope::Ui
