#pragma once

#include "workers/transport/websockettransport.h"

class QWebSocket;

namespace Taskscope::Transport {

/// WebSocketTransport over QWebSocket, for the Thread, Coroutine and Offload models: lives on the
/// context's thread, signals notify the waiting coroutine (Ready at emission, resume queued).
class AsyncWebSocket final : public WebSocketTransport
{
public:
    explicit AsyncWebSocket(Execution::ExecutionContext *context);
    ~AsyncWebSocket() override;
    Q_DISABLE_COPY_MOVE(AsyncWebSocket)

    void abort() override;
    qint64 bytesToWrite() const override;

protected:
    void startOpen(const QNetworkRequest &request, qint64 deadlineNs) override;
    bool writeMessage(MessageKind kind, const QByteArray &payload) override;
    void startClose(int code, const QString &reason) override;

private:
    void onDisconnected();
    QWebSocket *m_socket;
    bool m_closeHandshake = false;
};

} // namespace Taskscope::Transport
