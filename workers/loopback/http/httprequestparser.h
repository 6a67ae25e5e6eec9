#pragma once
// Incremental HTTP/1.x request parser with hard limits, so garbage, huge headers or endless bodies
// get a clear 4xx status instead of unbounded memory. Feed it the connection's input buffer; it
// consumes what it has parsed and leaves the rest (pipelined requests stay in the buffer).
#include "workers/loopback/http/httprequest.h"

#include <QByteArray>
#include <QString>

namespace Taskscope::Loopback {

class HttpRequestParser
{
public:
    struct Limits
    {
        qsizetype maxHeaderBytes = 16 * 1024; // request line + headers
        int maxHeaders = 100;
        qint64 maxBodyBytes = 64 * 1024 * 1024;
    };
    enum class State { NeedMoreData, Complete, Error };

    HttpRequestParser();
    explicit HttpRequestParser(const Limits &limits);

    // Consumes bytes from the front of `buffer`.
    State feed(QByteArray &buffer);
    // Once headersComplete(): makes room for the whole announced body at once (the caller first checks
    // that it may spend that much; until then the body grows only by what has arrived).
    void reserveBody();
    // After Complete: the request; the parser is reset for the next one.
    HttpRequest takeRequest();
    // True once the header block of the current request is parsed (the body may still be coming).
    bool headersComplete() const { return m_phase != Phase::Headers; }
    // The parsed header part of the current request (valid once headersComplete()).
    const HttpRequest &currentRequest() const { return m_request; }
    // After Error: the HTTP status to answer with (400, 413, 431, 501, 505) and why.
    int errorStatus() const { return m_errorStatus; }
    QString errorMessage() const { return m_errorMessage; }

private:
    enum class Phase { Headers, FixedBody, ChunkSize, ChunkData, ChunkDataEnd, Trailers, Done };

    State fail(int status, const QString &message);
    State parseHeaderBlock(const QByteArray &block);
    State continueBody(QByteArray &buffer);

    Limits m_limits;
    Phase m_phase = Phase::Headers;
    HttpRequest m_request;
    qint64 m_remaining = 0;
    qint64 m_trailerBytes = 0;
    int m_errorStatus = 0;
    QString m_errorMessage;
};

} // namespace Taskscope::Loopback
