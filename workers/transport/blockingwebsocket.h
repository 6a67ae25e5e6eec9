#pragma once

#include "workers/transport/blockingsocket.h"
#include "workers/transport/websocketframecodec.h"
#include "workers/transport/websockettransport.h"

#include <chrono>

namespace Taskscope::Transport {

/// A minimal RFC 6455 client whose every wait really blocks the calling thread: the Blocking
/// model's WebSocket (the analogue of Python's websockets.sync). Handshake with key check, masked
/// client frames, fragmented messages reassembled, pings answered, close handshake in both
/// directions; a masked or malformed server frame closes the connection with 1002 (1009 when too
/// big). Reading happens only inside blockUntil(), i.e. while the coroutine waits on the transport
/// -- exactly like a synchronous client calling recv(timeout).
class BlockingWebSocket final : public WebSocketTransport
{
public:
    static constexpr qint64 MaxMessageBytes = 16 << 20;
    static constexpr std::chrono::seconds WriteTimeout {10};

    explicit BlockingWebSocket(Execution::ExecutionContext *context);
    ~BlockingWebSocket() override;
    Q_DISABLE_COPY_MOVE(BlockingWebSocket)

    void abort() override;
    qint64 bytesToWrite() const override { return 0; } // writes complete before send returns
    Execution::WaitOutcome blockUntil(qint64 deadlineNs, const std::atomic<bool> &cancelled) override;

    quint64 pingsAnswered() const { return m_pingsAnswered; }

protected:
    void startOpen(const QNetworkRequest &request, qint64 deadlineNs) override;
    bool writeMessage(MessageKind kind, const QByteArray &payload) override;
    void startClose(int code, const QString &reason) override;

private:
    bool handshake(const QNetworkRequest &request, qint64 deadlineNs);
    bool writeFrame(quint8 opcode, QByteArrayView payload);
    bool processFrames();
    void protocolError(int code, const QString &error);
    const std::atomic<bool> &cancelFlag() const;

    BlockingSocket m_socket;
    WebSocketFrameCodec m_codec {MaxMessageBytes};
    QByteArray m_fragments;
    quint8 m_fragmentOpcode = 0;
    bool m_closeSent = false;
    quint64 m_pingsAnswered = 0;
};

} // namespace Taskscope::Transport
