#include "app/gui/alertdetailsproxy.h"

#include "model/alertlistmodel.h"

#include <QGuiApplication>
#include <QPalette>

using Taskscope::Model::AlertDetails;
using Taskscope::Model::AlertListModel;
using Taskscope::Model::AlertRecord;
using Taskscope::Model::AlertSampledStack;
using Taskscope::Model::AlertStack;
using Taskscope::Model::AlertStackFrame;
using Taskscope::Model::AlertVerdict;
using Taskscope::Model::AlertWorkerActivity;
using Taskscope::Trace::NoLane;
using Taskscope::Trace::UiThreadLane;
namespace AlertRoles = Taskscope::Model::AlertRoles;

namespace Taskscope::Gui {

static_assert(int(AlertListModel::TimeColumn) == int(AlertRoles::TimeColumn)
                  && int(AlertListModel::DurationColumn) == int(AlertRoles::DurationColumn)
                  && int(AlertListModel::VerdictColumn) == int(AlertRoles::VerdictColumn)
                  && int(AlertListModel::TierColumn) == int(AlertRoles::TierColumn)
                  && int(AlertListModel::CulpritColumn) == int(AlertRoles::CulpritColumn)
                  && int(AlertListModel::ColumnCount) == int(AlertRoles::ColumnCount),
              "the watchdog's alert list and the inspector's contract must keep the same columns");
static_assert(int(AlertRoles::AlertIdRole) > int(AlertListModel::JsonRole), "the two role ranges must not overlap");

AlertDetailsProxy::AlertDetailsProxy(QObject *parent)
    : QIdentityProxyModel(parent)
{
}

quint32 AlertDetailsProxy::shownId(const AlertRecord &record) const
{
    if (!record.previousSession)
        return record.id;
    const QString key = record.session + u'/' + QString::number(record.id);
    auto it = m_earlierIds.constFind(key);
    if (it == m_earlierIds.cend())
        it = m_earlierIds.insert(key, FirstEarlierRunId + quint32(m_earlierIds.size()) + 1);
    return *it;
}

AlertDetails AlertDetailsProxy::details(const AlertRecord &r, quint32 shownId)
{
    AlertDetails d;
    d.id = shownId;
    d.startNs = r.startNs;
    d.endNs = r.isOngoing() && !r.previousSession ? -1 : r.startNs + r.durationNs + r.excludedNs;
    d.lane = r.previousSession ? NoLane : UiThreadLane;
    d.verdict = AlertRecord::verdictName(r.verdict);
    d.tier = r.verdict == AlertVerdict::NestedModalLoop ? QStringLiteral("not a hang") : AlertRecord::tierName(r.tier);
    d.culprit = r.culprit;
    d.coroutine = r.culpritCoroutine;
    d.sampleCount = r.sampleCount;
    if (r.previousSession) {
        // Its times are another process's clock: keep only the duration.
        d.title = QStringLiteral("Alert #%1 of an earlier run (pid %2)").arg(r.id).arg(r.pid);
        d.startNs = 0;
        d.endNs = r.durationNs;
    }

    // The watchdog keeps the hot functions counted over every sample and one representative stack
    // (a sample that contains the hottest one): the stack is shown with that function's count.
    for (const AlertStackFrame &frame : r.topFrames)
        d.hotFrames.append({frame.toString(), frame.count});
    if (!r.sampledStacks.isEmpty()) {
        // Every sample, by distinct stack: the Stacks tab and the flame graph.
        QStringList names;
        for (const AlertStackFrame &frame : r.sampleFrames) {
            names.append(frame.toString());
            if (frame.ownCode)
                d.ownFrames.append(names.last());
        }
        for (const AlertSampledStack &sampled : r.sampledStacks) {
            AlertStack stack;
            for (const int index : sampled.frames)
                stack.frames.append(names.value(index));
            stack.samples = sampled.samples;
            d.stacks.append(stack);
        }
        d.samplesNotKept = r.samplesNotKept;
    } else if (!r.stack.isEmpty()) {
        AlertStack stack;
        for (const AlertStackFrame &frame : r.stack)
            stack.frames.append(frame.toString());
        stack.samples = r.topFrames.isEmpty() ? r.sampleCount : r.topFrames.first().count;
        d.stacks.append(stack);
    }
    if (!r.uiThread.summary.isEmpty()) {
        QString state = r.uiThread.summary;
        if (!r.uiThread.state.isEmpty())
            state += QStringLiteral(" (%1%2)").arg(
                r.uiThread.state, r.uiThread.wchan.isEmpty() ? QString() : QStringLiteral(" in ") + r.uiThread.wchan);
        d.threadStates.append({state, std::max(1, r.sampleCount)});
    }

    if (!r.dispatch.receiverClass.isEmpty()) {
        QString dispatch = QStringLiteral("dispatch: ") + r.dispatch.receiverClass;
        if (!r.dispatch.objectName.isEmpty())
            dispatch += QStringLiteral(" '") + r.dispatch.objectName + u'\'';
        if (!r.dispatch.eventName.isEmpty())
            dispatch += u' ' + r.dispatch.eventName;
        d.notes.append(dispatch);
    }
    if (r.culpritSpans.size() > 1)
        d.notes.append(QStringLiteral("open spans: ") + r.culpritSpans.join(QStringLiteral(" › ")));
    if (r.detectedNs > r.startNs && !r.previousSession)
        d.notes.append(
            QStringLiteral("detected %1 after it began").arg(AlertRecord::formatDuration(r.detectedNs - r.startNs)));
    if (!r.budget.isEmpty())
        d.notes.append(QStringLiteral("over its budget: ") + r.budget);
    int workers = 0;
    for (const AlertWorkerActivity &worker : r.workers) {
        if (worker.coroutine.isEmpty() && worker.spans.isEmpty())
            continue; // idle threads say nothing about the hang
        if (++workers > MaxWorkerNotes)
            break;
        QString line = worker.lane + QStringLiteral(": ") + worker.state;
        if (!worker.spans.isEmpty())
            line += QStringLiteral(", in ") + worker.spans.join(QStringLiteral(" › "));
        d.notes.append(line);
    }
    d.notes.append(r.notes);
    return d;
}

QVariant AlertDetailsProxy::data(const QModelIndex &index, int role) const
{
    if (role == Qt::ForegroundRole
        && checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)
        && AlertVerdict(QIdentityProxyModel::data(index, AlertListModel::VerdictRole).toInt())
            == AlertVerdict::NestedModalLoop) {
        // Information, not a hang: listed greyed.
        return QGuiApplication::palette().color(QPalette::Disabled, QPalette::Text);
    }
    if (role < AlertRoles::AlertIdRole || role > AlertRoles::DetailsRole)
        return QIdentityProxyModel::data(index, role);
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QVariant recordValue = QIdentityProxyModel::data(index, AlertListModel::RecordRole);
    if (!recordValue.canConvert<AlertRecord>())
        return {};
    const AlertRecord r = recordValue.value<AlertRecord>();
    switch (role) {
    case AlertRoles::AlertIdRole:
        return shownId(r);
    case AlertRoles::StartNsRole:
        return r.previousSession ? QVariant() : QVariant(r.startNs);
    case AlertRoles::EndNsRole:
        return r.previousSession ? QVariant()
                                 : QVariant(r.isOngoing() ? qint64(-1) : r.startNs + r.durationNs + r.excludedNs);
    case AlertRoles::OngoingRole:
        return r.isOngoing() && !r.previousSession && r.verdict != AlertVerdict::NestedModalLoop;
    case AlertRoles::HangRole:
        return r.verdict != AlertVerdict::NestedModalLoop;
    case AlertRoles::LaneRole:
        return r.previousSession ? NoLane : UiThreadLane;
    case AlertRoles::TierRole:
        return AlertRecord::tierName(r.tier);
    case AlertRoles::DetailsRole:
        return QVariant::fromValue(details(r, shownId(r)));
    default:
        return {};
    }
}

QHash<int, QByteArray> AlertDetailsProxy::roleNames() const
{
    QHash<int, QByteArray> names = QIdentityProxyModel::roleNames();
    names.insert(AlertRoles::AlertIdRole, "shownAlertId");
    names.insert(AlertRoles::StartNsRole, "shownStartNs");
    names.insert(AlertRoles::EndNsRole, "endNs");
    names.insert(AlertRoles::OngoingRole, "shownOngoing");
    names.insert(AlertRoles::LaneRole, "lane");
    names.insert(AlertRoles::TierRole, "tierName");
    names.insert(AlertRoles::DetailsRole, "details");
    return names;
}

} // namespace Taskscope::Gui
