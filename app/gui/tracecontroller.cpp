#include "app/gui/tracecontroller.h"

#include "model/trace/tracerecorder.h"

#include <QTimer>

using Taskscope::Model::AppSettings;
using Taskscope::Trace::TraceRecorder;

namespace Taskscope::Gui {

TraceController::TraceController(QObject *parent)
    : QObject(parent)
{
    m_timer = new QTimer(this);
    m_timer->setTimerType(Qt::PreciseTimer);
    m_timer->setInterval(FrameIntervalMs);
    connect(m_timer, &QTimer::timeout, this, &TraceController::tick);
    applySettings(AppSettings());
}

TraceController::~TraceController() = default;

void TraceController::applySettings(const AppSettings &settings)
{
    // Whole runs, not a time window: an earlier run stays until it is one too many or the budget needs it.
    m_store.setRetentionNs(0);
    m_store.setKeepRuns(settings.keepRuns);
    m_store.setBudgetBytes(quint64(settings.traceBudgetMiB) * 1024 * 1024);
    m_store.setCapacity(quint64(settings.storeCapacityMillions) * 1'000'000);
}

void TraceController::start()
{
    m_timer->start();
}

void TraceController::stop()
{
    m_timer->stop();
}

void TraceController::setDrainPaused(bool paused)
{
    m_paused = paused;
}

void TraceController::tick()
{
    quint64 moved = 0;
    if (!m_paused) {
        moved = TraceRecorder::drain(m_store);
        m_drained += moved;
    }
    Q_EMIT frame(moved);
}

} // namespace Taskscope::Gui
