#pragma once

#include <QByteArray>
#include <QString>
#include <QUrl>

#include <atomic>
#include <memory>

class QTcpSocket;

namespace Taskscope::Transport {

/// A TCP (or TLS, for https/wss) connection driven only by blocking calls -- waitForConnected,
/// waitForBytesWritten, waitForReadyRead -- for the Blocking model's transports (the analogue of
/// Python's requests / websockets.sync). Every wait is cut into slices of at most 50 ms so an
/// atomic cancel flag is honoured promptly, and bounded by a deadline (ExecutionContext::nowNs()
/// domain), so even the anti-pattern never blocks forever.
class BlockingSocket final
{
public:
    enum class ReadResult { Data, Timeout, Closed, Cancelled };

    BlockingSocket();
    ~BlockingSocket();
    Q_DISABLE_COPY_MOVE(BlockingSocket)

    /// Connects to the URL's host and port (80/443 defaults by scheme; TLS for https and wss).
    bool connectTo(const QUrl &url, qint64 deadlineNs, const std::atomic<bool> &cancelled);
    /// Writes everything and waits until the kernel has it.
    bool writeAll(QByteArrayView bytes, qint64 deadlineNs, const std::atomic<bool> &cancelled);
    /// Waits until bytes are available (Data), the peer closes (Closed), the deadline or cancellation.
    ReadResult waitReadable(qint64 deadlineNs, const std::atomic<bool> &cancelled);
    QByteArray readAll();
    bool isConnected() const;
    void abort();
    void close();
    QString errorString() const { return m_error; }

private:
    std::unique_ptr<QTcpSocket> m_socket;
    QString m_error;
};

} // namespace Taskscope::Transport
