// The incremental HTTP/1.x request parser: requests split anywhere, pipelining, chunked bodies, and
// the limits and malformed inputs that must become clear 4xx statuses.
#include "workers/loopback/http/httprequestparser.h"

#include <QTest>

using Taskscope::Loopback::HttpRequest;
using Taskscope::Loopback::HttpRequestParser;

class tst_HttpRequestParser : public QObject
{
    Q_OBJECT

private slots:
    void parsesARequestFedByteByByte()
    {
        const QByteArray wire = "POST /v1/echo?latency_ms=5&name=a%20b HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                                "X-Taskscope-Faults: latency=1\r\nConnection: keep-alive\r\n\r\nhello";
        HttpRequestParser parser;
        QByteArray buffer;
        HttpRequestParser::State state = HttpRequestParser::State::NeedMoreData;
        for (char c : wire) {
            buffer += c;
            state = parser.feed(buffer);
            QVERIFY(state != HttpRequestParser::State::Error);
        }
        QCOMPARE(state, HttpRequestParser::State::Complete);
        const HttpRequest request = parser.takeRequest();
        QCOMPARE(request.method, QByteArray("POST"));
        QCOMPARE(request.path, QStringLiteral("/v1/echo"));
        QCOMPARE(request.queryValue(QStringLiteral("name")), QStringLiteral("a b"));
        QCOMPARE(request.header("x-taskscope-faults"), QByteArray("latency=1"));
        QCOMPARE(request.body, QByteArray("hello"));
        QVERIFY(request.keepAlive());
        QVERIFY(buffer.isEmpty());
    }

    void leavesPipelinedRequestsInTheBuffer()
    {
        QByteArray buffer = "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n";
        HttpRequestParser parser;
        QCOMPARE(parser.feed(buffer), HttpRequestParser::State::Complete);
        QCOMPARE(parser.takeRequest().path, QStringLiteral("/a"));
        QCOMPARE(parser.feed(buffer), HttpRequestParser::State::Complete);
        QCOMPARE(parser.takeRequest().path, QStringLiteral("/b"));
        QVERIFY(buffer.isEmpty());
    }

    void decodesChunkedBodies()
    {
        QByteArray buffer = "POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                            "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: t\r\n\r\n";
        HttpRequestParser parser;
        QCOMPARE(parser.feed(buffer), HttpRequestParser::State::Complete);
        QCOMPARE(parser.takeRequest().body, QByteArray("hello world"));
    }

    void understandsConnectionSemantics()
    {
        QByteArray http10 = "GET / HTTP/1.0\r\n\r\n";
        HttpRequestParser parser;
        QCOMPARE(parser.feed(http10), HttpRequestParser::State::Complete);
        const HttpRequest r10 = parser.takeRequest();
        QCOMPARE(r10.versionMinor, 0);
        QVERIFY(!r10.keepAlive());
        QByteArray upgrade =
            "GET /v1/listen HTTP/1.1\r\nHost: x\r\nUpgrade: WebSocket\r\nConnection: keep-alive, Upgrade\r\n\r\n";
        QCOMPARE(parser.feed(upgrade), HttpRequestParser::State::Complete);
        QVERIFY(parser.takeRequest().isWebSocketUpgrade());
    }

    void rejectsBadInput_data()
    {
        QTest::addColumn<QByteArray>("wire");
        QTest::addColumn<int>("status");
        QTest::addRow("binary garbage") << QByteArray("\x16\x03\x01\x02\x00 hello\r\n\r\n", 19) << 400;
        QTest::addRow("garbage without line end") << QByteArray("\x16\x03\x01\x02\x00\x01", 6) << 400;
        QTest::addRow("missing version") << QByteArray("GET /\r\n\r\n") << 400;
        QTest::addRow("HTTP/2 preface") << QByteArray("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") << 505;
        QTest::addRow("no Host on 1.1") << QByteArray("GET / HTTP/1.1\r\n\r\n") << 400;
        QTest::addRow("header without colon") << QByteArray("GET / HTTP/1.1\r\nHost x\r\n\r\n") << 400;
        QTest::addRow("folded header") << QByteArray("GET / HTTP/1.1\r\nHost: x\r\n y\r\n\r\n") << 400;
        QTest::addRow("negative length") << QByteArray("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n")
                                         << 400;
        QTest::addRow("length and chunked") << QByteArray("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n"
                                                          "Transfer-Encoding: chunked\r\n\r\n")
                                            << 400;
        QTest::addRow("gzip coding") << QByteArray("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n")
                                     << 501;
        QTest::addRow("body too large") << QByteArray(
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n")
                                        << 413;
        QTest::addRow("chunk-size line of 2,000 bytes with its LF") << QByteArray(
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;" + QByteArray(2000, 'e') + "\r\n")
                                                                    << 400;
        QTest::addRow("endless trailer lines")
            << QByteArray("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n"
                          + QByteArray("X-T: 1234567890\r\n").repeated(2000))
            << 431;
        QTest::addRow("bad chunk size") << QByteArray(
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
                                        << 400;
        QTest::addRow("huge header") << QByteArray("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + QByteArray(20000, 'a')
                                                   + "\r\n\r\n")
                                     << 431;
        QTest::addRow("endless header") << QByteArray("GET / HTTP/1.1\r\nX-Big: " + QByteArray(20000, 'a')) << 431;
        QTest::addRow("control character in target") << QByteArray("GET /a\x01 HTTP/1.1\r\nHost: x\r\n\r\n") << 400;
    }

    void rejectsBadInput()
    {
        QFETCH(QByteArray, wire);
        QFETCH(int, status);
        HttpRequestParser parser;
        QCOMPARE(parser.feed(wire), HttpRequestParser::State::Error);
        QCOMPARE(parser.errorStatus(), status);
        QVERIFY(!parser.errorMessage().isEmpty());
    }

    void limitsTheNumberOfHeaders()
    {
        QByteArray wire = "GET / HTTP/1.1\r\nHost: x\r\n";
        for (int i = 0; i < 150; ++i)
            wire += "X-" + QByteArray::number(i) + ": y\r\n";
        wire += "\r\n";
        HttpRequestParser parser;
        QCOMPARE(parser.feed(wire), HttpRequestParser::State::Error);
        QCOMPARE(parser.errorStatus(), 431);
    }
};

QTEST_GUILESS_MAIN(tst_HttpRequestParser)
#include "tst_httprequestparser.moc"
