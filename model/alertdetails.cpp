#include "model/alertdetails.h"

#include <QHash>
#include <QSet>

#include <algorithm>

namespace Taskscope::Model {

QList<AlertStack> AlertDetails::stacksByFrequency() const
{
    QList<AlertStack> sorted = stacks;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const AlertStack &a, const AlertStack &b) { return a.samples > b.samples; });
    return sorted;
}

QList<QPair<QString, int>> AlertDetails::framesByFrequency() const
{
    if (!hotFrames.isEmpty()) {
        QList<QPair<QString, int>> sorted = hotFrames;
        std::stable_sort(sorted.begin(), sorted.end(),
                         [](const auto &a, const auto &b) { return a.second > b.second; });
        return sorted;
    }
    QList<QPair<QString, int>> frames;
    QHash<QString, int> indexOf;
    for (const AlertStack &stack : stacksByFrequency()) {
        QSet<QString> seen; // a recursive frame counts once per sample
        for (const QString &frame : stack.frames) {
            if (seen.contains(frame))
                continue;
            seen.insert(frame);
            const auto it = indexOf.constFind(frame);
            if (it == indexOf.cend()) {
                indexOf.insert(frame, int(frames.size()));
                frames.append({frame, stack.samples});
            } else {
                frames[*it].second += stack.samples;
            }
        }
    }
    std::stable_sort(frames.begin(), frames.end(), [](const auto &a, const auto &b) { return a.second > b.second; });
    return frames;
}

QList<AlertStateCount> AlertDetails::threadStatesByFrequency() const
{
    QList<AlertStateCount> sorted = threadStates;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const AlertStateCount &a, const AlertStateCount &b) { return a.samples > b.samples; });
    return sorted;
}

} // namespace Taskscope::Model
