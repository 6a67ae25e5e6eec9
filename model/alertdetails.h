#pragma once

#include "model/trace/tracetypes.h"

#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QtCore/qnamespace.h>

namespace Taskscope::Model {

/// One distinct stack seen while a hang lasted, and how many samples showed it.
struct AlertStack
{
    QStringList frames; ///< innermost first, symbolized ("function (file:line)")
    int samples = 0;
};

/// How often the UI thread was seen in one kernel state while a hang lasted (from /proc).
/// (Not AlertThreadState: that name is the watchdog's per-read record in model/alertrecord.h.)
struct AlertStateCount
{
    QString state; ///< e.g. "running (R)", "sleeping (S) in futex_wait_queue"
    int samples = 0;
};

/// What the alert inspector shows about one watchdog alert. The watchdog's alert list model hands
/// one of these out through AlertRoles::DetailsRole; the inspector reads nothing else.
struct AlertDetails
{
    quint32 id = 0;
    qint64 startNs = 0; ///< TraceClock nanoseconds
    qint64 endNs = -1; ///< -1 while the hang lasts
    Trace::LaneId lane = Trace::UiThreadLane;
    QString verdict; ///< long dispatch, backlog saturation, nested modal loop, blocked outside dispatch
    QString tier; ///< suspicion, hang, severe, critical
    QString culprit; ///< the span / handler / coroutine the watchdog blames
    QString coroutine; ///< the coroutine that was running, if any
    int sampleCount = 0; ///< stack samples taken
    QList<AlertStack> stacks;
    /// Frames (as written in `stacks`) that are the program's own code rather than a library's.
    QStringList ownFrames;
    int samplesNotKept = 0; ///< samples left out of `stacks` by the source's caps
    QList<AlertStateCount> threadStates;
    /// Hot frames counted over every sample ("function (file:line)", samples), most frequent first,
    /// when the source aggregated them itself; empty: framesByFrequency() derives them from stacks.
    QList<QPair<QString, int>> hotFrames;
    QString title; ///< the heading; empty: "Alert #id"
    QStringList notes; ///< more evidence, one line each (dispatch, UI-thread state, workers, notes)

    bool ongoing() const { return endNs < 0; }
    qint64 durationNs(qint64 nowNs) const { return (ongoing() ? nowNs : endNs) - startNs; }
    /// Distinct stacks, most frequent first.
    QList<AlertStack> stacksByFrequency() const;
    /// Each frame with the number of samples whose stack contains it, most frequent first
    /// (ties keep the innermost-first order of the first stack that showed them); hotFrames if set.
    QList<QPair<QString, int>> framesByFrequency() const;
    QList<AlertStateCount> threadStatesByFrequency() const;
};

/// The contract between the watchdog's alert list model and the alert inspector: the columns the
/// inspector's list shows, and the roles it reads (on any column of the row).
namespace AlertRoles {
enum Column { TimeColumn, DurationColumn, VerdictColumn, TierColumn, CulpritColumn, ColumnCount };
enum Role {
    AlertIdRole = Qt::UserRole + 100, ///< quint32
    StartNsRole, ///< qint64, TraceClock ns
    EndNsRole, ///< qint64, -1 while ongoing
    OngoingRole, ///< bool
    LaneRole, ///< quint32 lane the alert band sits on (the UI thread)
    TierRole, ///< QString
    HangRole, ///< bool: a hang; false for information (a nested modal loop)
    DetailsRole, ///< QVariant::fromValue(AlertDetails)
};
} // namespace AlertRoles

} // namespace Taskscope::Model

Q_DECLARE_METATYPE(Taskscope::Model::AlertDetails)
