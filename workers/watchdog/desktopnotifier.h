#pragma once

#include <QString>
#include <QStringList>

#include <vector>

#include <sys/types.h>

namespace Taskscope::Watchdog {

/// Desktop notifications that work while the UI thread is frozen: it spawns `notify-send`, or else
/// `gdbus call … org.freedesktop.Notifications.Notify` on the session bus, without waiting for it
/// (posix_spawn; children are reaped later without blocking). When neither tool nor a session bus
/// is there it does nothing and says so through available()/unavailableReason(). Not thread-safe:
/// one owner thread.
class DesktopNotifier final
{
public:
    DesktopNotifier();
    ~DesktopNotifier();
    Q_DISABLE_COPY_MOVE(DesktopNotifier)

    bool available() const { return !m_program.isEmpty(); }
    QString unavailableReason() const { return m_reason; }
    QString method() const; ///< "notify-send", "gdbus" or empty

    /// Returns false if no notification could be started. `critical` asks for urgency critical.
    bool notify(const QString &summary, const QString &body, bool critical);

    int sent() const { return m_sent; }
    /// Children still running (reaped on later calls and at destruction).
    int pending() const { return int(m_children.size()); }

private:
    void reap(bool wait);

    QString m_program;
    bool m_useGdbus = false;
    QString m_reason;
    std::vector<pid_t> m_children;
    int m_sent = 0;
};

} // namespace Taskscope::Watchdog
