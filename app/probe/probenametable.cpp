#include "app/probe/probenametable.h"

#include "app/probe/probereceiver.h"
#include "model/trace/tracenames.h"

using Taskscope::Trace::NameId;
using Taskscope::Trace::TraceNames;

namespace Taskscope::Probe {

int ProbeNameTable::append(int first, const QJsonArray &names)
{
    if (first != m_names.size())
        return OutOfOrder;
    int refused = 0;
    for (const QJsonValue &name : names) {
        if (m_names.size() >= TraceNames::MaxNames)
            ++refused;
        else
            m_names.append(name.toString());
    }
    return refused;
}

NameId ProbeNameTable::local(NameId remote)
{
    if (remote == 0)
        return 0;
    if (const auto it = m_localNames.constFind(remote); it != m_localNames.constEnd())
        return *it;
    const NameId local = TraceNames::intern(remote < NameId(m_names.size()) ? m_names.at(remote) : QString());
    m_localNames.insert(remote, local);
    return local;
}

NameId ProbeNameTable::dispatch(NameId remote, quint16 eventType)
{
    const quint64 key = quint64(remote) << 16 | eventType;
    if (const auto it = m_dispatchNames.constFind(key); it != m_dispatchNames.constEnd())
        return *it;
    const QString receiver = remote < NameId(m_names.size()) ? m_names.at(remote) : QStringLiteral("?");
    const NameId local = TraceNames::intern(
        QString(receiver + QStringLiteral(" · ") + ProbeReceiver::eventTypeName(eventType)));
    m_dispatchNames.insert(key, local);
    return local;
}

} // namespace Taskscope::Probe
