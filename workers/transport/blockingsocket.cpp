#include "workers/transport/blockingsocket.h"

#include "workers/execution/executioncontext.h"

#include <QNetworkProxy>
#include <QSslSocket>
#include <QTcpSocket>

using Taskscope::Execution::ExecutionContext;
using Taskscope::Execution::PendingWait;

namespace Taskscope::Transport {

namespace {

constexpr qint64 SliceNs = 50'000'000;

// Milliseconds for the next blocking slice: at most 50, at least 1 while time remains, 0 when none.
int sliceMs(qint64 deadlineNs)
{
    const qint64 remaining = deadlineNs == PendingWait::NoDeadline ? SliceNs : deadlineNs - ExecutionContext::nowNs();
    if (remaining <= 0)
        return 0;
    return int(std::max<qint64>(1, std::min(remaining, SliceNs) / 1'000'000));
}

} // namespace

BlockingSocket::BlockingSocket() = default;
BlockingSocket::~BlockingSocket()
{
    if (m_socket)
        m_socket->abort();
}

bool BlockingSocket::connectTo(const QUrl &url, qint64 deadlineNs, const std::atomic<bool> &cancelled)
{
    const QString scheme = url.scheme().toLower();
    const bool tls = scheme == QLatin1String("https") || scheme == QLatin1String("wss");
    if (tls) {
        if (!QSslSocket::supportsSsl()) {
            m_error = QStringLiteral("TLS is not available (no SSL backend) for %1").arg(url.host());
            return false;
        }
        m_socket = std::make_unique<QSslSocket>();
    } else {
        m_socket = std::make_unique<QTcpSocket>();
    }
    m_socket->setProxy(QNetworkProxy::NoProxy);
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    const quint16 port = quint16(url.port(tls ? 443 : 80));
    if (tls)
        static_cast<QSslSocket *>(m_socket.get())->connectToHostEncrypted(url.host(), port);
    else
        m_socket->connectToHost(url.host(), port);
    for (;;) {
        if (cancelled.load(std::memory_order_acquire)) {
            m_error = QStringLiteral("cancelled while connecting");
            m_socket->abort();
            return false;
        }
        const int ms = sliceMs(deadlineNs);
        if (ms == 0) {
            m_error = QStringLiteral("connecting to %1:%2 timed out").arg(url.host()).arg(port);
            m_socket->abort();
            return false;
        }
        const bool done = tls ? static_cast<QSslSocket *>(m_socket.get())->waitForEncrypted(ms)
                              : m_socket->waitForConnected(ms);
        if (done)
            return true;
        if (m_socket->state() == QAbstractSocket::UnconnectedState
            || m_socket->error() != QAbstractSocket::SocketTimeoutError) {
            m_error =
                QStringLiteral("cannot connect to %1:%2: %3").arg(url.host()).arg(port).arg(m_socket->errorString());
            m_socket->abort();
            return false;
        }
    }
}

bool BlockingSocket::writeAll(QByteArrayView bytes, qint64 deadlineNs, const std::atomic<bool> &cancelled)
{
    if (!isConnected()) {
        m_error = QStringLiteral("not connected");
        return false;
    }
    if (m_socket->write(bytes.data(), bytes.size()) != bytes.size()) {
        m_error = m_socket->errorString();
        return false;
    }
    while (m_socket->bytesToWrite() > 0) {
        if (cancelled.load(std::memory_order_acquire)) {
            m_error = QStringLiteral("cancelled while sending");
            return false;
        }
        const int ms = sliceMs(deadlineNs);
        if (ms == 0) {
            m_error = QStringLiteral("sending timed out (%1 bytes not written)").arg(m_socket->bytesToWrite());
            return false;
        }
        if (!m_socket->waitForBytesWritten(ms) && m_socket->state() != QAbstractSocket::ConnectedState) {
            m_error = m_socket->errorString();
            return false;
        }
    }
    return true;
}

BlockingSocket::ReadResult BlockingSocket::waitReadable(qint64 deadlineNs, const std::atomic<bool> &cancelled)
{
    for (;;) {
        if (m_socket && m_socket->bytesAvailable() > 0)
            return ReadResult::Data;
        if (!m_socket || m_socket->state() != QAbstractSocket::ConnectedState)
            return ReadResult::Closed;
        if (cancelled.load(std::memory_order_acquire))
            return ReadResult::Cancelled;
        const int ms = sliceMs(deadlineNs);
        if (ms == 0)
            return ReadResult::Timeout;
        if (m_socket->waitForReadyRead(ms))
            return ReadResult::Data;
        if (m_socket->state() != QAbstractSocket::ConnectedState) {
            // Data that arrived together with the FIN is still readable.
            return m_socket->bytesAvailable() > 0 ? ReadResult::Data : ReadResult::Closed;
        }
    }
}

QByteArray BlockingSocket::readAll()
{
    return m_socket ? m_socket->readAll() : QByteArray();
}

bool BlockingSocket::isConnected() const
{
    return m_socket && m_socket->state() == QAbstractSocket::ConnectedState;
}

void BlockingSocket::abort()
{
    if (m_socket)
        m_socket->abort();
}

void BlockingSocket::close()
{
    if (m_socket)
        m_socket->disconnectFromHost();
}

} // namespace Taskscope::Transport
