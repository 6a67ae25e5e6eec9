#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <optional>

namespace Taskscope::Transport {

/// RFC 6455 §5 frames for our minimal blocking client: encoding (masked, as a client must) and an
/// incremental decoder that accepts any split of the byte stream. The decoder unmasks masked frames
/// and reports that they were masked (a client must reject them, RFC 6455 §5.1, which the client
/// does), and rejects what no conforming peer sends: reserved bits without an extension, unknown
/// opcodes, fragmented or oversized (> 125 bytes) control frames, non-minimal or 2^63+ lengths, and
/// payloads over the configured cap.
///
/// Kept apart from the built-in service's frame parser on purpose: each is the other's test peer, and
/// two independent readings of RFC 6455 catch each other's mistakes where a shared codec would not.
class WebSocketFrameCodec
{
public:
    enum Opcode : quint8 { Continuation = 0x0, Text = 0x1, Binary = 0x2, Close = 0x8, Ping = 0x9, Pong = 0xA };
    enum class CloseStatus { ProtocolError = 1002, TooBig = 1009 };

    struct Frame
    {
        bool fin = true;
        quint8 opcode = Text;
        bool masked = false;
        QByteArray payload; ///< unmasked
    };

    enum class Result { Frame, NeedMore, Error };

    explicit WebSocketFrameCodec(qint64 maxPayload = 16 << 20)
        : m_maxPayload(maxPayload)
    {
    }

    /// One frame. mask: the masking key (clients always mask); nullopt for an unmasked frame.
    static QByteArray encode(quint8 opcode, QByteArrayView payload, bool fin, std::optional<quint32> mask);
    /// The payload of a Close frame: the code in network order, then the UTF-8 reason (cut to fit 125 bytes).
    static QByteArray closePayload(int code, const QString &reason);
    /// Parses a Close payload. Empty payload: code 1005 (no status). False if malformed.
    static bool parseClosePayload(QByteArrayView payload, int *code, QString *reason);
    static bool isControl(quint8 opcode) { return opcode >= 0x8; }

    void feed(QByteArrayView bytes);
    /// The next complete frame, if any. After an Error the decoder stays failed.
    Result next(Frame *frame);
    QString errorString() const { return m_error; }
    /// The close code that matches the error (1002 protocol error, 1009 too big).
    int errorCloseCode() const { return m_errorCode; }
    qint64 bufferedBytes() const { return m_buffer.size() - m_offset; }

private:
    Result fail(int code, const QString &error);

    qint64 m_maxPayload;
    QByteArray m_buffer;
    qsizetype m_offset = 0;
    QString m_error;
    int m_errorCode = 0;
};

} // namespace Taskscope::Transport
