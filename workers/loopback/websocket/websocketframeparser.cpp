#include "workers/loopback/websocket/websocketframeparser.h"

#include <QtEndian>

#include <cstring>

namespace Taskscope::Loopback {

WebSocketFrameParser::WebSocketFrameParser(qint64 maxFramePayload, bool requireMask)
    : m_maxFramePayload(maxFramePayload)
    , m_requireMask(requireMask)
{
}

WebSocketFrameParser::Result WebSocketFrameParser::fail(int code, const QString &message)
{
    m_errorCode = code;
    m_errorMessage = message;
    return Result::Error;
}

WebSocketFrameParser::Result WebSocketFrameParser::next(const QByteArray &buffer, qsizetype &offset, Frame &frame)
{
    if (m_errorCode != 0)
        return Result::Error;
    const qsizetype available = buffer.size() - offset;
    if (available < 2)
        return Result::NeedMoreData;
    const auto *p = reinterpret_cast<const uchar *>(buffer.constData() + offset);
    const bool fin = p[0] & 0x80;
    const quint8 rsv = p[0] & 0x70;
    const quint8 opcode = p[0] & 0x0F;
    const bool masked = p[1] & 0x80;
    quint64 length = p[1] & 0x7F;
    qsizetype header = 2;
    if (rsv != 0)
        return fail(1002, QStringLiteral("reserved bits set without a negotiated extension"));
    const bool control = opcode & 0x8;
    if (opcode != Continuation && opcode != Text && opcode != Binary && opcode != Close && opcode != Ping
        && opcode != Pong)
        return fail(1002, QStringLiteral("reserved opcode %1").arg(opcode));
    if (length == 126) {
        if (available < 4)
            return Result::NeedMoreData;
        length = qFromBigEndian<quint16>(p + 2);
        header = 4;
    } else if (length == 127) {
        if (available < 10)
            return Result::NeedMoreData;
        length = qFromBigEndian<quint64>(p + 2);
        header = 10;
        if (length >> 63)
            return fail(1002, QStringLiteral("64-bit payload length with the top bit set"));
    }
    if (control && (!fin || length > 125))
        return fail(1002, QStringLiteral("control frames must be unfragmented and at most 125 bytes"));
    if (m_requireMask && !masked)
        return fail(1002, QStringLiteral("client frames must be masked"));
    if (length > quint64(m_maxFramePayload))
        return fail(
            1009,
            QStringLiteral("frame payload of %1 bytes exceeds the %2-byte limit").arg(length).arg(m_maxFramePayload));
    const qsizetype maskBytes = masked ? 4 : 0;
    const qsizetype total = header + maskBytes + qsizetype(length);
    if (available < total)
        return Result::NeedMoreData;
    frame.opcode = opcode;
    frame.fin = fin;
    frame.payload = QByteArray(reinterpret_cast<const char *>(p + header + maskBytes), qsizetype(length));
    if (masked) {
        uchar key[4];
        std::memcpy(key, p + header, 4);
        char *data = frame.payload.data();
        const qsizetype n = frame.payload.size();
        quint32 key32;
        std::memcpy(&key32, key, 4);
        const quint64 key64 = (quint64(key32) << 32) | key32;
        qsizetype i = 0;
        for (; i + 8 <= n; i += 8) {
            quint64 word;
            std::memcpy(&word, data + i, 8);
            word ^= key64;
            std::memcpy(data + i, &word, 8);
        }
        for (; i < n; ++i)
            data[i] = char(uchar(data[i]) ^ key[i & 3]);
    }
    offset += total;
    return Result::Frame;
}

QByteArray WebSocketFrameParser::encode(quint8 opcode, QByteArrayView payload, bool fin)
{
    QByteArray out;
    const qsizetype n = payload.size();
    out.reserve(n + 10);
    out.append(char((fin ? 0x80 : 0) | (opcode & 0x0F)));
    if (n < 126) {
        out.append(char(n));
    } else if (n <= 0xFFFF) {
        out.append(char(126));
        uchar len[2];
        qToBigEndian<quint16>(quint16(n), len);
        out.append(reinterpret_cast<const char *>(len), 2);
    } else {
        out.append(char(127));
        uchar len[8];
        qToBigEndian<quint64>(quint64(n), len);
        out.append(reinterpret_cast<const char *>(len), 8);
    }
    out.append(payload.data(), n);
    return out;
}

QByteArray WebSocketFrameParser::encodeMasked(quint8 opcode, QByteArrayView payload, quint32 maskKey, bool fin)
{
    QByteArray out;
    const qsizetype n = payload.size();
    out.append(char((fin ? 0x80 : 0) | (opcode & 0x0F)));
    if (n < 126) {
        out.append(char(0x80 | n));
    } else if (n <= 0xFFFF) {
        out.append(char(0x80 | 126));
        uchar len[2];
        qToBigEndian<quint16>(quint16(n), len);
        out.append(reinterpret_cast<const char *>(len), 2);
    } else {
        out.append(char(0x80 | 127));
        uchar len[8];
        qToBigEndian<quint64>(quint64(n), len);
        out.append(reinterpret_cast<const char *>(len), 8);
    }
    uchar key[4];
    qToBigEndian<quint32>(maskKey, key);
    out.append(reinterpret_cast<const char *>(key), 4);
    const qsizetype at = out.size();
    out.append(payload.data(), n);
    for (qsizetype i = 0; i < n; ++i)
        out[at + i] = char(uchar(out[at + i]) ^ key[i & 3]);
    return out;
}

QByteArray WebSocketFrameParser::closePayload(quint16 code, const QString &reason)
{
    QByteArray out(2, Qt::Uninitialized);
    qToBigEndian<quint16>(code, out.data());
    QByteArray text = reason.toUtf8();
    if (text.size() > 123) {
        // Cut at a character boundary so the reason stays valid UTF-8.
        qsizetype cut = 123;
        while (cut > 0 && (uchar(text.at(cut)) & 0xC0) == 0x80)
            --cut;
        text.truncate(cut);
    }
    out += text;
    return out;
}

bool WebSocketFrameParser::isValidUtf8(QByteArrayView bytes)
{
    const auto *s = reinterpret_cast<const uchar *>(bytes.data());
    const qsizetype n = bytes.size();
    qsizetype i = 0;
    while (i < n) {
        const uchar c = s[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        int extra = 0;
        quint32 cp = 0;
        if ((c & 0xE0) == 0xC0) {
            extra = 1;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            extra = 2;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            extra = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + extra >= n)
            return false;
        for (int k = 1; k <= extra; ++k) {
            const uchar cc = s[i + k];
            if ((cc & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (cc & 0x3F);
        }
        if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000))
            return false; // overlong
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += extra + 1;
    }
    return true;
}

} // namespace Taskscope::Loopback
