#pragma once

// Shared by the workload tests: the four execution models as data rows, running a workload to its
// end, and the environment that points at an in-process loopback service.

#include "model/workloadspec.h"
#include "workers/loopback/loopbackservice.h"
#include "workers/workloads/workload.h"
#include "workers/workloads/workloadenvironment.h"

#include <QSignalSpy>
#include <QTest>

namespace workloadtest {

/// One data row per execution model, in the column "model".
inline void addExecutionModels()
{
    QTest::addColumn<Taskscope::Model::ExecutionModel>("model");
    QTest::newRow("thread") << Taskscope::Model::ExecutionModel::Thread;
    QTest::newRow("coroutine") << Taskscope::Model::ExecutionModel::Coroutine;
    QTest::newRow("offload") << Taskscope::Model::ExecutionModel::Offload;
    QTest::newRow("blocking") << Taskscope::Model::ExecutionModel::Blocking;
}

/// Starts the workload and waits for finished(). False if it did not finish in time.
inline bool runToEnd(Taskscope::Workloads::Workload &workload, int timeoutMs = 30'000)
{
    QSignalSpy finished(&workload, &Taskscope::Workloads::Workload::finished);
    workload.start();
    return finished.count() > 0 || finished.wait(timeoutMs);
}

/// Waits for a started workload to finish. False if it is still active after the timeout.
inline bool waitFinished(Taskscope::Workloads::Workload &workload, int timeoutMs = 60'000)
{
    if (!workload.isActive())
        return true;
    QSignalSpy finished(&workload, &Taskscope::Workloads::Workload::finished);
    return finished.wait(timeoutMs) || !workload.isActive();
}

inline Taskscope::Workloads::WorkloadEnvironment loopbackEnvironment(
    const Taskscope::Loopback::LoopbackService &service)
{
    Taskscope::Workloads::WorkloadEnvironment env;
    env.loopbackBaseUrl = service.httpUrl();
    return env;
}

} // namespace workloadtest
