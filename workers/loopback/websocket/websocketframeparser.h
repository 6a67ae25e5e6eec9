#pragma once
// RFC 6455 frame reader (client-to-server frames) and writer (server-to-client frames). The reader
// checks what a server must check (mask present, no reserved bits or opcodes, control frames short
// and unfragmented, payload within the cap) and reports the close code to answer with.
// Written apart from the client's frame codec (workers/transport) on purpose: the service is the
// client's test peer, and two readings of RFC 6455 catch each other's mistakes where one shared
// codec would agree with itself.
#include <QByteArray>
#include <QByteArrayView>
#include <QString>

namespace Taskscope::Loopback {

class WebSocketFrameParser
{
public:
    enum Opcode : quint8 { Continuation = 0x0, Text = 0x1, Binary = 0x2, Close = 0x8, Ping = 0x9, Pong = 0xA };
    struct Frame
    {
        quint8 opcode = 0;
        bool fin = true;
        QByteArray payload; // unmasked
    };
    enum class Result { NeedMoreData, Frame, Error };

    explicit WebSocketFrameParser(qint64 maxFramePayload = 1024 * 1024, bool requireMask = true);

    // Reads one frame starting at `offset` in `buffer`; on Frame, advances `offset` past it.
    Result next(const QByteArray &buffer, qsizetype &offset, Frame &frame);
    int errorCloseCode() const { return m_errorCode; }
    QString errorMessage() const { return m_errorMessage; }

    // An unmasked frame as a server sends it.
    static QByteArray encode(quint8 opcode, QByteArrayView payload, bool fin = true);
    // A masked frame as a client sends it (for tests and load generators).
    static QByteArray encodeMasked(quint8 opcode, QByteArrayView payload, quint32 maskKey, bool fin = true);
    static QByteArray closePayload(quint16 code, const QString &reason);
    static bool isValidUtf8(QByteArrayView bytes);

private:
    Result fail(int code, const QString &message);

    qint64 m_maxFramePayload;
    bool m_requireMask;
    int m_errorCode = 0;
    QString m_errorMessage;
};

} // namespace Taskscope::Loopback
