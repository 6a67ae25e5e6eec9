#pragma once

#include "model/trace/tracetypes.h"

#include <QHash>
#include <QJsonArray>
#include <QList>
#include <QString>

namespace Taskscope::Probe {

/// The probe's name ids mapped onto this process's TraceNames. The probe sends every name once, in
/// order, and its events refer to them by index. Bounded by TraceNames' cap: names past it are
/// refused (their events read as unnamed) and counted by the caller.
class ProbeNameTable final
{
public:
    static constexpr int OutOfOrder = -1;

    /// Takes `names` sent from index `first`: the number refused past the cap, or OutOfOrder (and
    /// nothing taken) when `first` is not the next index.
    int append(int first, const QJsonArray &names);
    int size() const { return int(m_names.size()); }

    Trace::NameId local(Trace::NameId remote);
    /// "receiver · event type" for a dispatch span.
    Trace::NameId dispatch(Trace::NameId remote, quint16 eventType);

private:
    QList<QString> m_names;
    QHash<Trace::NameId, Trace::NameId> m_localNames;
    QHash<quint64, Trace::NameId> m_dispatchNames;
};

} // namespace Taskscope::Probe
