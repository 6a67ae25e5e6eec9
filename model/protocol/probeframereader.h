#pragma once

#include "model/protocol/probewire.h"

#include <QByteArray>
#include <QString>

namespace Taskscope::Probe {

/// Cuts a probe's byte stream into frames. Feed it whatever the socket gave; take frames until
/// next() returns false. A length over ProbeWire::MaxPayloadBytes or an unknown type stops the
/// reader for good (error() says why): the stream cannot be resynchronized.
class ProbeFrameReader final
{
public:
    struct Frame
    {
        MessageType type = MessageType::Hello;
        QByteArray payload;
    };

    void feed(QByteArrayView bytes);
    bool next(Frame *frame);
    bool failed() const { return !m_error.isEmpty(); }
    QString error() const { return m_error; }
    /// Bytes received but not yet part of a complete frame.
    qsizetype pendingBytes() const { return m_buffer.size() - m_offset; }

private:
    QByteArray m_buffer;
    qsizetype m_offset = 0;
    QString m_error;
};

} // namespace Taskscope::Probe
