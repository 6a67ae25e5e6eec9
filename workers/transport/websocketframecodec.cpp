#include "workers/transport/websocketframecodec.h"

#include <QtEndian>

#include <cstring>

namespace Taskscope::Transport {

QByteArray WebSocketFrameCodec::encode(quint8 opcode, QByteArrayView payload, bool fin, std::optional<quint32> mask)
{
    QByteArray frame;
    const qsizetype n = payload.size();
    frame.reserve(n + 14);
    frame.append(char((fin ? 0x80 : 0x00) | (opcode & 0x0F)));
    const char maskBit = mask ? char(0x80) : char(0);
    if (n < 126) {
        frame.append(char(maskBit | char(n)));
    } else if (n <= 0xFFFF) {
        frame.append(char(maskBit | 126));
        frame.append(char((n >> 8) & 0xFF));
        frame.append(char(n & 0xFF));
    } else {
        frame.append(char(maskBit | 127));
        for (int shift = 56; shift >= 0; shift -= 8)
            frame.append(char((quint64(n) >> shift) & 0xFF));
    }
    if (!mask) {
        frame.append(payload.data(), n);
        return frame;
    }
    unsigned char key[4];
    qToBigEndian<quint32>(*mask, key);
    frame.append(reinterpret_cast<const char *>(key), 4);
    const qsizetype start = frame.size();
    frame.resize(start + n);
    char *out = frame.data() + start;
    const char *in = payload.data();
    // Eight bytes at a time (the key repeats every four bytes), then the tail.
    quint64 key8 = 0;
    std::memcpy(&key8, key, 4);
    key8 |= key8 << 32;
    qsizetype i = 0;
    for (; i + 8 <= n; i += 8) {
        quint64 word;
        std::memcpy(&word, in + i, 8);
        word ^= key8;
        std::memcpy(out + i, &word, 8);
    }
    for (; i < n; ++i)
        out[i] = char(in[i] ^ char(key[i & 3]));
    return frame;
}

QByteArray WebSocketFrameCodec::closePayload(int code, const QString &reason)
{
    QByteArray payload;
    payload.append(char((code >> 8) & 0xFF));
    payload.append(char(code & 0xFF));
    QByteArray text = reason.toUtf8();
    if (text.size() > 123) {
        text.truncate(123);
        // Do not cut a UTF-8 sequence in half.
        while (!text.isEmpty() && (quint8(text.back()) & 0xC0) == 0x80)
            text.chop(1);
        if (!text.isEmpty() && (quint8(text.back()) & 0x80))
            text.chop(1);
    }
    payload.append(text);
    return payload;
}

bool WebSocketFrameCodec::parseClosePayload(QByteArrayView payload, int *code, QString *reason)
{
    if (payload.isEmpty()) {
        *code = 1005;
        reason->clear();
        return true;
    }
    if (payload.size() == 1)
        return false;
    *code = (int(quint8(payload[0])) << 8) | int(quint8(payload[1]));
    *reason = QString::fromUtf8(payload.sliced(2));
    return true;
}

void WebSocketFrameCodec::feed(QByteArrayView bytes)
{
    if (!m_error.isEmpty())
        return;
    // Compact now and then so the buffer does not grow with the stream.
    if (m_offset > 0 && m_offset >= m_buffer.size() / 2) {
        m_buffer.remove(0, m_offset);
        m_offset = 0;
    }
    m_buffer.append(bytes.data(), bytes.size());
}

WebSocketFrameCodec::Result WebSocketFrameCodec::fail(int code, const QString &error)
{
    m_error = error;
    m_errorCode = code;
    return Result::Error;
}

WebSocketFrameCodec::Result WebSocketFrameCodec::next(Frame *frame)
{
    if (!m_error.isEmpty())
        return Result::Error;
    const qsizetype available = m_buffer.size() - m_offset;
    if (available < 2)
        return Result::NeedMore;
    const auto *p = reinterpret_cast<const unsigned char *>(m_buffer.constData() + m_offset);
    const bool fin = p[0] & 0x80;
    const quint8 opcode = p[0] & 0x0F;
    if (p[0] & 0x70)
        return fail(1002, QStringLiteral("reserved bits set in a frame header (no extension was negotiated)"));
    if (opcode != Continuation && opcode != Text && opcode != Binary && opcode != Close && opcode != Ping
        && opcode != Pong)
        return fail(1002, QStringLiteral("unknown opcode 0x%1").arg(opcode, 0, 16));
    const bool masked = p[1] & 0x80;
    quint64 length = p[1] & 0x7F;
    qsizetype header = 2;
    if (length == 126) {
        if (available < 4)
            return Result::NeedMore;
        length = qFromBigEndian<quint16>(p + 2);
        header = 4;
        if (length < 126)
            return fail(1002, QStringLiteral("non-minimal 16-bit frame length"));
    } else if (length == 127) {
        if (available < 10)
            return Result::NeedMore;
        length = qFromBigEndian<quint64>(p + 2);
        header = 10;
        if (length >> 63)
            return fail(1002, QStringLiteral("frame length has its most significant bit set"));
        if (length <= 0xFFFF)
            return fail(1002, QStringLiteral("non-minimal 64-bit frame length"));
    }
    if (isControl(opcode)) {
        if (!fin)
            return fail(1002, QStringLiteral("fragmented control frame"));
        if (length > 125)
            return fail(1002, QStringLiteral("control frame longer than 125 bytes"));
    }
    if (length > quint64(m_maxPayload))
        return fail(1009, QStringLiteral("frame of %1 bytes exceeds the %2-byte limit").arg(length).arg(m_maxPayload));
    const qsizetype maskBytes = masked ? 4 : 0;
    if (quint64(available) < quint64(header + maskBytes) + length)
        return Result::NeedMore;
    frame->fin = fin;
    frame->opcode = opcode;
    frame->masked = masked;
    const char *payload = m_buffer.constData() + m_offset + header + maskBytes;
    frame->payload = QByteArray(payload, qsizetype(length));
    if (masked) {
        const unsigned char *key = p + header;
        char *out = frame->payload.data();
        for (qsizetype i = 0; i < qsizetype(length); ++i)
            out[i] = char(out[i] ^ char(key[i & 3]));
    }
    m_offset += header + maskBytes + qsizetype(length);
    if (m_offset == m_buffer.size()) {
        m_buffer.clear();
        m_offset = 0;
    }
    return Result::Frame;
}

} // namespace Taskscope::Transport
