#pragma once

#include "model/trace/laneregistry.h"

#include <QString>
#include <QStringList>

namespace Taskscope::Trace {
class TraceStore;
} // namespace Taskscope::Trace

namespace Taskscope::Ui {

/// Which lanes the timeline shows: words to find in a lane's name, its group, the stream it serves
/// (whose name carries the execution model) and its state, a state to keep, and whether
/// Taskscope's own work (the timeline's paint spans) is shown. Plain data, no widgets.
class LaneFilter final
{
public:
    enum class State : std::uint8_t {
        Any,
        Running, ///< lanes whose thread, coroutine or stream is still alive
        Ended,
    };

    /// The group of lanes that record Taskscope's own work; hidden unless showOwnWork.
    static QString ownWorkGroup() { return QStringLiteral("Taskscope (own work)"); }
    static Trace::NameId ownWorkGroupId();

    void setText(const QString &text);
    QString text() const { return m_text; }
    void setState(State state) { m_state = state; }
    State state() const { return m_state; }
    void setShowOwnWork(bool show) { m_showOwnWork = show; }
    bool showOwnWork() const { return m_showOwnWork; }
    /// Groups the user hid, by groupKey(); their lanes are left out of the timeline.
    void setHiddenGroups(const QStringList &keys) { m_hiddenGroups = keys; }
    const QStringList &hiddenGroups() const { return m_hiddenGroups; }
    bool hidesGroup(const QString &key) const { return m_hiddenGroups.contains(key); }
    /// A group's key as settings store it: "Threads/live #… · thread" (section title, group name),
    /// stable across sessions, unlike name ids.
    static QString groupKey(Trace::LaneKind kind, const QString &groupName);
    /// The group name part of a key.
    static QString groupNameOf(const QString &key);

    /// Whether words or a state narrow the lanes (own-work hiding is the default, not a filter).
    bool narrows() const { return !m_words.isEmpty() || m_state != State::Any; }
    bool matches(const Trace::TraceStore &store, const Trace::LaneInfo &info) const;

    bool operator==(const LaneFilter &other) const
    {
        return m_text == other.m_text && m_state == other.m_state && m_showOwnWork == other.m_showOwnWork
            && m_hiddenGroups == other.m_hiddenGroups;
    }

private:
    QString m_text;
    QStringList m_words; // lower case
    State m_state = State::Any;
    bool m_showOwnWork = false;
    QStringList m_hiddenGroups;
};

} // namespace Taskscope::Ui
