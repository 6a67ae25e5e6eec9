#pragma once

#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

namespace Taskscope::Model {

/// What kind of UI-thread blockage an alert is.
enum class AlertVerdict : quint8 {
    LongDispatch, ///< one handler has not returned and no posted event ran meanwhile
    BacklogSaturation, ///< every dispatch is short but posted events wait behind a backlog
    NestedModalLoop, ///< a long outer dispatch runs a nested loop in which events still flow: not a hang
    BlockedOutsideDispatch, ///< no handler runs, yet the loop does not pick up posted events
};

/// How bad it is. Suspicion only starts sampling; alerts start at Hang. A nested modal loop is None.
enum class AlertTier : quint8 { None, Suspicion, Hang, Severe, Critical };

/// How an alert ended.
enum class AlertEnd : quint8 {
    Ongoing, ///< still blocked
    Recovered, ///< the UI thread made progress again
    KilledWhileHung, ///< found unfinished in the journal of a process that no longer runs
    WatchdogStopped, ///< the watchdog was stopped while the alert lasted
};

/// One frame of a UI-thread stack sample, symbolized.
struct AlertStackFrame
{
    quint64 address = 0;
    QString function; ///< demangled; "??" when unknown
    QString module; ///< shared object or executable file name
    QString file; ///< where in `function` (for inlined code: the call site in `function`)
    int line = 0;
    QString inlined; ///< code inlined at that site, innermost: "sleep_for (this_thread_sleep.h:80)"
    int count = 0; ///< topFrames: samples that contain this function
    bool ownCode = false; ///< in the program's own executable, not in a shared library

    QString toString() const; ///< "function (file:line)" or "function [module]"
    QJsonObject toJson() const;
    static AlertStackFrame fromJson(const QJsonObject &object);
};

/// One distinct stack among an alert's samples, and how many samples showed it. Frames are
/// indexes into AlertRecord::sampleFrames, innermost first.
struct AlertSampledStack
{
    QList<int> frames;
    int samples = 0;
};

/// A thread's kernel-level state from /proc/self/task/<tid>/{stat,wchan,syscall,schedstat}.
struct AlertThreadState
{
    qint64 tid = 0;
    QString state; ///< the stat state letter: R, S, D, T, t, Z
    QString wchan; ///< kernel function the thread sleeps in, when readable
    int syscall = -1; ///< -1: running in user space or unknown
    quint64 futexAddress = 0; ///< the futex word the thread waits on (== &mutex for std::mutex)
    qint64 futexOwnerTid = 0; ///< probable owner (glibc pthread mutex layout), 0 unknown
    QString futexOwnerName; ///< the owner's lane name
    qint64 runNs = 0; ///< on-CPU time over the observed interval
    qint64 waitNs = 0; ///< runnable-but-waiting-for-a-CPU time over the interval
    qint64 intervalNs = 0;
    QString summary; ///< "busy on CPU", "CPU-starved", "waiting on futex 0x…", "sleeping", …

    QJsonObject toJson() const;
    static AlertThreadState fromJson(const QJsonObject &object);
};

/// What a worker thread was doing while the UI thread was blocked.
struct AlertWorkerActivity
{
    QString lane; ///< the thread's lane name
    qint64 tid = 0;
    QString state; ///< AlertThreadState::summary of a single read
    QString coroutine; ///< running coroutine, if any
    QStringList spans; ///< open scoped spans, outermost first

    QJsonObject toJson() const;
    static AlertWorkerActivity fromJson(const QJsonObject &object);
};

/// The dispatch the UI thread was in when the alert started.
struct AlertDispatch
{
    QString receiverClass;
    QString objectName;
    int eventType = -1;
    QString eventName;
    int depth = 0; ///< notify() nesting; 1 = dispatched by the outermost loop
    qint64 startNs = 0; ///< TraceClock ns
    quint64 nestedEvents = 0; ///< dispatches that completed inside it (progress of a nested loop)

    QJsonObject toJson() const;
    static AlertDispatch fromJson(const QJsonObject &object);
};

/// One watchdog alert with its evidence. Times are TraceClock nanoseconds since the process origin
/// (monotonic), plus the wall-clock start for the journal and reports across sessions.
struct AlertRecord
{
    quint32 id = 0;
    QString session; ///< the process session that raised it
    qint64 pid = 0;
    bool previousSession = false; ///< loaded from the journal of an earlier run

    AlertVerdict verdict = AlertVerdict::LongDispatch;
    AlertTier tier = AlertTier::None;
    AlertEnd end = AlertEnd::Ongoing;

    qint64 startNs = 0; ///< when the UI thread stopped making progress
    qint64 detectedNs = 0; ///< when the watcher raised the alert (tier Hang or the modal loop seen)
    qint64 durationNs = 0; ///< live while ongoing, final after; excludes time the process was stopped
    qint64 startWallMs = 0; ///< ms since the epoch
    qint64 heartbeatLatencyNs = 0; ///< normal-priority posted event: queue latency
    qint64 priorityHeartbeatLatencyNs = 0; ///< high-priority posted event: can the loop run at all
    qint64 excludedNs = 0; ///< time the watcher itself was stopped (suspend, SIGSTOP), not counted

    AlertDispatch dispatch;
    QString culprit; ///< human summary: span / coroutine / receiver
    QString culpritCoroutine;
    QStringList culpritSpans; ///< open scoped spans on the UI thread, outermost first

    int sampleCount = 0; ///< UI-thread stack samples taken while it lasted
    int sampleFailures = 0; ///< signals not answered in time
    qint64 sampleRoundTripMedianNs = 0;
    QList<AlertStackFrame> topFrames; ///< most frequent functions across samples, most frequent first
    QList<AlertStackFrame> stack; ///< a representative sample (leaf first) containing the top frame
    /// Every sample by distinct stack (the flame graph's input): one frame per function seen, and
    /// the stacks as indexes into it. Bounded: samples past the caps are counted in samplesNotKept.
    QList<AlertStackFrame> sampleFrames;
    QList<AlertSampledStack> sampledStacks;
    int samplesNotKept = 0;
    static constexpr qsizetype MaxSampleFrames = 512;
    static constexpr qsizetype MaxSampledStacks = 64;
    static constexpr qsizetype MaxSampledDepth = 128;

    AlertThreadState uiThread;
    QList<AlertWorkerActivity> workers;

    QString budget; ///< a WatchdogBudget that was exceeded, if any
    bool debuggerAttached = false;
    QStringList notes;

    bool isOngoing() const { return end == AlertEnd::Ongoing; }
    /// A report entry with every piece of evidence (headless reports, the journal).
    QJsonObject toJson() const;
    /// Reads what toJson() wrote; unknown or missing fields keep their defaults. Returns false with a
    /// message for input that is not an alert record.
    static bool fromJson(const QJsonObject &object, AlertRecord *record, QString *error = nullptr);

    static QString verdictName(AlertVerdict verdict); ///< "long dispatch", …
    static QString verdictKey(AlertVerdict verdict); ///< "long-dispatch", … (JSON)
    static bool verdictFromKey(QStringView key, AlertVerdict *verdict);
    static QString tierName(AlertTier tier); ///< "hang", …
    static bool tierFromName(QStringView name, AlertTier *tier);
    static QString endName(AlertEnd end);
    static bool endFromName(QStringView name, AlertEnd *end);
    /// "1.25 s", "340 ms"
    static QString formatDuration(qint64 ns);
};

} // namespace Taskscope::Model

Q_DECLARE_METATYPE(Taskscope::Model::AlertRecord)
