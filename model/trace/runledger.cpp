#include "model/trace/runledger.h"

#include <algorithm>

namespace Taskscope::Trace {

namespace Retention {

void RunLedger::begin(quint64 id, qint64 startNs)
{
    if (std::any_of(m_runs.cbegin(), m_runs.cend(), [id](const Run &r) { return r.id == id; }))
        return;
    const auto at = std::upper_bound(m_runs.begin(), m_runs.end(), startNs,
                                     [](qint64 ns, const Run &r) { return ns < r.startNs; });
    m_runs.insert(at, Run {id, startNs, Run::OpenEnd, false});
}

bool RunLedger::end(quint64 id, qint64 endNs)
{
    for (Run &r : m_runs) {
        if (r.id != id)
            continue;
        r.endNs = std::max(endNs, r.startNs);
        return endNs >= r.startNs;
    }
    return false;
}

void RunLedger::clear()
{
    m_runs.clear();
}

bool RunLedger::canEvictOldest() const
{
    return m_runs.size() > 1 && !m_runs.front().isOpen();
}

qint64 RunLedger::evictOldest()
{
    if (!canEvictOldest())
        return -1;
    m_runs.pop_front();
    ++m_evicted;
    return m_runs.front().startNs;
}

qint64 RunLedger::evictBeyond(int keepRuns)
{
    qint64 horizon = -1;
    while (keepRuns > 0 && int(m_runs.size()) > keepRuns && canEvictOldest())
        horizon = evictOldest();
    return horizon;
}

void RunLedger::markTrimmedBefore(qint64 horizonNs)
{
    for (Run &r : m_runs) {
        if (r.startNs < horizonNs)
            r.trimmed = true;
    }
}

const Run *RunLedger::runAt(qint64 ns) const
{
    const Run *found = nullptr;
    for (const Run &r : m_runs) {
        if (r.startNs > ns)
            break;
        if (ns <= r.endNs)
            found = &r;
    }
    return found;
}

} // namespace Retention

} // namespace Taskscope::Trace
