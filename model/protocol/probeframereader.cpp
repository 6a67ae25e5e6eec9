#include "model/protocol/probeframereader.h"

#include <cstring>

namespace Taskscope::Probe {

void ProbeFrameReader::feed(QByteArrayView bytes)
{
    if (failed())
        return;
    // Compact now and then so the buffer does not grow with everything ever received.
    if (m_offset > 0 && m_offset >= m_buffer.size() / 2) {
        m_buffer.remove(0, m_offset);
        m_offset = 0;
    }
    m_buffer.append(bytes.data(), bytes.size());
}

bool ProbeFrameReader::next(Frame *frame)
{
    if (failed() || m_buffer.size() - m_offset < ProbeWire::HeaderBytes)
        return false;
    quint32 length = 0;
    std::memcpy(&length, m_buffer.constData() + m_offset, sizeof length);
    const auto type = quint8(m_buffer.at(m_offset + 4));
    if (length > ProbeWire::MaxPayloadBytes) {
        m_error =
            QStringLiteral("frame of %1 bytes exceeds the limit of %2").arg(length).arg(ProbeWire::MaxPayloadBytes);
        return false;
    }
    if (type < quint8(MessageType::Hello) || type > quint8(MessageType::Bye)) {
        m_error = QStringLiteral("unknown message type %1").arg(type);
        return false;
    }
    if (m_buffer.size() - m_offset - ProbeWire::HeaderBytes < qsizetype(length))
        return false;
    frame->type = MessageType(type);
    frame->payload = m_buffer.mid(m_offset + ProbeWire::HeaderBytes, length);
    m_offset += ProbeWire::HeaderBytes + length;
    if (m_offset == m_buffer.size()) {
        m_buffer.clear();
        m_offset = 0;
    }
    return true;
}

} // namespace Taskscope::Probe
