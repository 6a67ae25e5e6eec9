#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>

class QIODevice;

namespace Taskscope::Trace {

/// The events of a Chrome Trace Event file, read one at a time: the elements of the top-level array,
/// or of the "traceEvents" array of a top-level object (its other members are checked and skipped).
///
/// Never holds the whole file or a document of it: one read chunk and the event being read, so a
/// file of millions of events costs the memory of its largest event. Each event is checked as JSON
/// by Qt's parser; the structure around the events (brackets, commas, strings) and the nesting depth
/// by this reader. Errors name the byte, and the size cap holds for sequential devices too.
class JsonEventStream final
{
public:
    enum class Item { Event, End, Error };

    JsonEventStream(QIODevice *device, qint64 maxBytes, int maxDepth);
    JsonEventStream(const JsonEventStream &) = delete;
    JsonEventStream &operator=(const JsonEventStream &) = delete;

    /// The next event: Event with the object in *event (empty for a JSON null), End once the array
    /// and the rest of the document have been read, or Error (see error()).
    Item next(QJsonObject *event);
    QString error() const { return m_error; }
    /// Events returned so far: the index of the next one.
    qint64 index() const { return m_index; }

private:
    enum class State { Start, FirstElement, NextElement, AfterElement, Members, AfterMember, Trailing, Done };

    Item fail(const QString &message);
    Item invalid(const QString &what, qsizetype rel = 0);
    // Reads another chunk, keeping what is not yet consumed; false at the end of the input (or an error).
    bool fill();
    // The character `rel` bytes past the read position, reading as needed; false at the end.
    bool peek(qsizetype rel, char *c);
    void skipWhitespace();
    // The length of the JSON value at the read position (structure only), its brackets counted from
    // `depth`; false with the error set if it is cut short or nests too deep.
    bool scanValue(int depth, qsizetype *length);
    Item readElement(QJsonObject *event);
    // One "key": value of the top-level object; false on an error.
    bool readMember();
    qint64 offset(qsizetype rel) const { return m_base + m_pos + rel; }

    QIODevice *m_device;
    qint64 m_maxBytes;
    int m_maxDepth;
    QByteArray m_buffer;
    qsizetype m_pos = 0; // read position in m_buffer
    qint64 m_base = 0; // file offset of m_buffer[0]
    qint64 m_read = 0;
    bool m_atEnd = false;
    State m_state = State::Start;
    bool m_objectForm = false;
    bool m_sawEvents = false;
    int m_elementDepth = 1; // brackets around an event
    qint64 m_index = 0;
    QString m_error;
};

} // namespace Taskscope::Trace
