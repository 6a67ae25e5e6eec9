#pragma once
// A small hand-built trace for the timeline tests: every kind of lane and item, at known times.

#include "model/trace/tracenames.h"
#include "model/trace/tracestore.h"

namespace TraceFixture {

using Taskscope::Trace::CoroutineState;
using Taskscope::Trace::LaneId;
using Taskscope::Trace::LaneInfo;
using Taskscope::Trace::LaneKind;
using Taskscope::Trace::NoLane;
using Taskscope::Trace::SpanKind;
using Taskscope::Trace::StoredFlow;
using Taskscope::Trace::TraceNames;
using Taskscope::Trace::TraceStore;

inline constexpr qint64 Ms = 1'000'000;

// Lane ids.
inline constexpr LaneId Ui = 1;
inline constexpr LaneId Worker = 2;
inline constexpr LaneId Stream = 3;
inline constexpr LaneId Coro = 4;
inline constexpr LaneId GroupFirst = 10; // 10..15: six "fetch" coroutines of one group
inline constexpr int GroupSize = 6;

inline void lane(TraceStore &store, LaneId id, LaneKind kind, const char *name, const char *group = "")
{
    LaneInfo info;
    info.id = id;
    info.kind = kind;
    info.name = TraceNames::intern(name);
    info.group = TraceNames::intern(group);
    store.setLane(info);
}

/// UI thread: "onTimer" [10, 30) ms with child "parse" [12, 20) ms, and 200 tiny 10 µs spans from
/// 100 ms (they fold when zoomed out). Worker: "decode" [5, 50) ms. Coroutine "transcribe #1":
/// running [0, 0.5) on the UI thread, suspended on "QTimer 20 ms" [0.5, 25), ready [25, 27),
/// running [27, 30) on the worker, finished at 30. Stream: instants at 1 and 2 ms, a counter,
/// a flow stream -> worker. Alert 7 on the UI thread [40, 60) ms. Six grouped coroutines, each
/// running 0.2 ms on the UI thread from (1 + i) ms, then suspended until (6 + i) ms.
inline void fill(TraceStore &store)
{
    lane(store, Ui, LaneKind::Thread, "UI thread");
    lane(store, Worker, LaneKind::Thread, "worker");
    lane(store, Stream, LaneKind::Stream, "listen stream");
    lane(store, Coro, LaneKind::Coroutine, "transcribe #1");
    // Each lane is fed in time order, as the recorder does.
    store.setCoroutineState(Coro, Ui, 0, CoroutineState::Running, 0);
    store.setCoroutineState(Coro, NoLane, Ms / 2, CoroutineState::Suspended, TraceNames::intern("QTimer 20 ms"));
    for (int i = 0; i < GroupSize; ++i) {
        const LaneId id = GroupFirst + LaneId(i);
        lane(store, id, LaneKind::Coroutine, "fetch", "fetchChunk");
        store.setCoroutineState(id, Ui, (1 + i) * Ms, CoroutineState::Running, 0);
        store.setCoroutineState(id, NoLane, (1 + i) * Ms + 200'000, CoroutineState::Suspended,
                                TraceNames::intern("reply"));
        store.setCoroutineState(id, NoLane, (1 + i) * Ms + 5 * Ms, CoroutineState::Finished, 0);
    }
    store.addSpan(Ui, 10 * Ms, 30 * Ms, TraceNames::intern("onTimer"), SpanKind::Span, 0, 42);
    store.addSpan(Ui, 12 * Ms, 20 * Ms, TraceNames::intern("parse"));
    for (int i = 0; i < 200; ++i)
        store.addSpan(Ui, 100 * Ms + i * 20'000, 100 * Ms + i * 20'000 + 10'000, TraceNames::intern("tiny"));
    store.addSpan(Worker, 5 * Ms, 50 * Ms, TraceNames::intern("decode"));
    store.setCoroutineState(Coro, NoLane, 25 * Ms, CoroutineState::Ready, 0);
    store.setCoroutineState(Coro, Worker, 27 * Ms, CoroutineState::Running, 0);
    store.setCoroutineState(Coro, NoLane, 30 * Ms, CoroutineState::Finished, 0);
    store.addInstant(Stream, 1 * Ms, TraceNames::intern("chunk sent"));
    store.addInstant(Stream, 2 * Ms, TraceNames::intern("transcript"));
    store.addCounter(Stream, TraceNames::intern("queue depth"), 0, 1);
    store.addCounter(Stream, TraceNames::intern("queue depth"), 10 * Ms, 5);
    store.addFlow(StoredFlow {1 * Ms, 8 * Ms, Stream, Worker, TraceNames::intern("chunk"), 0, 1});
    store.setAlert(Ui, 7, TraceNames::intern("UI thread blocked"), 40 * Ms, 60 * Ms);
}

} // namespace TraceFixture
