#pragma once

#include "model/workloadspec.h"
#include "workers/workloads/workloadenvironment.h"

#include <QString>

class QObject;

namespace Taskscope::Workloads {

class Workload;

/// Makes the Workload for a spec (the app's stream panel and the headless runner call this).
/// Returns null with *error set when the spec cannot run (e.g. a workload kind not built yet, or an
/// invalid combination); the caller shows the error and the app keeps running.
Workload *createWorkload(const Model::WorkloadSpec &spec, const WorkloadEnvironment &env, QObject *parent,
                         QString *error = nullptr);

} // namespace Taskscope::Workloads
