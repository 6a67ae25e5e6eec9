#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

#include <utility>

namespace Taskscope::Transport {

/// Incremental HTTP/1.1 response parser for the blocking HTTP client: status line, headers, and the
/// body framed by Content-Length, chunked transfer coding (extensions and trailers skipped) or the
/// end of the connection (RFC 9112 §6.3); no body for HEAD, 1xx, 204 and 304. Accepts any split of
/// the byte stream; body bytes are handed out as they arrive (takeBody), so an SSE stream can be
/// parsed while it flows. Bounded: headers 64 KiB, chunk-size lines 1 KiB.
class HttpResponseParser
{
public:
    enum class State { StatusLine, Headers, Body, ChunkSize, ChunkData, ChunkDataEnd, Trailers, Done, Error };

    explicit HttpResponseParser(bool headRequest = false)
        : m_head(headRequest)
    {
    }

    void feed(QByteArrayView bytes);
    /// The connection ended: completes a close-delimited body, else an error if the body is short.
    void finish();

    State state() const { return m_state; }
    bool headersComplete() const { return m_state > State::Headers; }
    bool isDone() const { return m_state == State::Done; }
    bool hasError() const { return m_state == State::Error; }
    QString errorString() const { return m_error; }

    int status() const { return m_status; }
    QByteArray reason() const { return m_reason; }
    /// Header value (case-insensitive name; repeated headers joined with ", ").
    QByteArray header(QByteArrayView name) const;
    const QList<std::pair<QByteArray, QByteArray>> &headers() const { return m_headers; }
    /// Body bytes decoded so far and not yet taken.
    QByteArray takeBody() { return std::exchange(m_body, QByteArray()); }
    qint64 bodyBytes() const { return m_bodyTotal; }

    static constexpr qsizetype MaxHeaderBytes = 64 * 1024;

private:
    /// One step of the state machine; false when it needs more bytes or has ended.
    bool step();
    bool readStatusLine();
    bool readHeaderLine();
    bool readBody();
    bool readChunkSize();
    bool readChunkData();
    bool readChunkDataEnd();
    bool readTrailerLine();
    bool takeLine(QByteArray *line, qsizetype max);
    void fail(const QString &error);
    void headersDone();

    bool m_head;
    State m_state = State::StatusLine;
    QByteArray m_buffer;
    qsizetype m_headerBytes = 0;
    int m_status = 0;
    QByteArray m_reason;
    QList<std::pair<QByteArray, QByteArray>> m_headers;
    QByteArray m_body;
    qint64 m_bodyTotal = 0;
    qint64 m_remaining = -1; ///< Content-Length or current chunk bytes left; -1: until close
    QString m_error;
};

} // namespace Taskscope::Transport
