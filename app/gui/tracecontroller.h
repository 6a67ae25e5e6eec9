#pragma once

#include "model/appsettings.h"
#include "model/trace/tracestore.h"

#include <QObject>

class QTimer;

namespace Taskscope::Gui {

/// Owns the live trace: the TraceStore the UI thread fills, and the frame-rate timer that drains
/// every thread's recorder buffer into it and then tells the window to draw.
class TraceController final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TraceController)

public:
    static constexpr int FrameIntervalMs = 16;

    explicit TraceController(QObject *parent = nullptr);
    ~TraceController() override;

    Trace::TraceStore &store() { return m_store; }
    void applySettings(const Model::AppSettings &settings);
    void start();
    void stop();
    /// While paused (a save reads the store from another thread) events wait in the recorder's
    /// bounded buffers; frames keep coming so the window keeps drawing.
    void setDrainPaused(bool paused);
    bool drainPaused() const { return m_paused; }
    quint64 drainedEvents() const { return m_drained; }

Q_SIGNALS:
    /// After each drain: how many events it moved (0 while paused).
    void frame(quint64 events);

private:
    void tick();

    Trace::TraceStore m_store;
    QTimer *m_timer = nullptr;
    bool m_paused = false;
    quint64 m_drained = 0;
};

} // namespace Taskscope::Gui
