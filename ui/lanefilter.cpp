#include "ui/lanefilter.h"

#include "model/trace/tracenames.h"
#include "model/trace/tracestore.h"
#include "ui/timelinelayout.h"

using Taskscope::Trace::LaneInfo;
using Taskscope::Trace::LaneKind;
using Taskscope::Trace::NameId;
using Taskscope::Trace::NoLane;
using Taskscope::Trace::TraceNames;
using Taskscope::Trace::TraceStore;

namespace Taskscope::Ui {

NameId LaneFilter::ownWorkGroupId()
{
    static const NameId id = TraceNames::intern(ownWorkGroup());
    return id;
}

QString LaneFilter::groupKey(LaneKind kind, const QString &groupName)
{
    return TimelineLayout::sectionTitle(kind) + QLatin1Char('/') + groupName;
}

QString LaneFilter::groupNameOf(const QString &key)
{
    const qsizetype slash = key.indexOf(QLatin1Char('/'));
    return slash < 0 ? key : key.mid(slash + 1);
}

void LaneFilter::setText(const QString &text)
{
    m_text = text;
    m_words = text.toLower().split(QLatin1Char(' '), Qt::SkipEmptyParts);
}

bool LaneFilter::matches(const TraceStore &store, const LaneInfo &info) const
{
    if (!m_showOwnWork && info.group != 0 && info.group == ownWorkGroupId())
        return false;
    const bool ended = info.endedNs >= 0;
    if ((m_state == State::Running && ended) || (m_state == State::Ended && !ended))
        return false;
    if (m_words.isEmpty())
        return true;
    // Everything a user may type to find a lane: its name, its group, the stream it serves (stream
    // names carry the execution model), its section and its state.
    QString haystack = TraceNames::name(info.name);
    haystack += QLatin1Char(' ') + TraceNames::name(info.group);
    if (info.parent != NoLane && store.hasLane(info.parent))
        haystack += QLatin1Char(' ') + TraceNames::name(store.lane(info.parent).name);
    haystack += QLatin1Char(' ') + TimelineLayout::sectionTitle(info.kind);
    haystack += ended ? QStringLiteral(" ended") : QStringLiteral(" running");
    haystack = haystack.toLower();
    for (const QString &word : m_words) {
        if (!haystack.contains(word))
            return false;
    }
    return true;
}

} // namespace Taskscope::Ui
