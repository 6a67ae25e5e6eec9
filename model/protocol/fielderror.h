#pragma once

#include <QString>

namespace Taskscope::Protocol {

/// What is wrong with one field of a structured input (a scenario, a workload spec, a protocol
/// message): the field's path from the input's root, as a reader would write it
/// ("workloads[1].chunkMs", "channel.alternatives[0]"), and the problem ("is 5, expected an integer
/// between 10 and 1000"). An empty path means the input as a whole.
struct FieldError
{
    QString path;
    QString problem;

    bool isEmpty() const { return problem.isEmpty(); }
    /// "workloads[1].chunkMs is 5, expected an integer between 10 and 1000"
    QString toString() const { return path.isEmpty() ? problem : path + u' ' + problem; }
};

} // namespace Taskscope::Protocol
