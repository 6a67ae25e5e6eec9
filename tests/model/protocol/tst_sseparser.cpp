#include "model/protocol/sseparser.h"

#include <QRandomGenerator>
#include <QTest>

using Taskscope::Protocol::SseParser;

// Conformance table for SseParser. Vectors are re-typed by hand from:
//  - WHATWG HTML §9.2.5-9.2.6 and web-platform-tests eventsource/format-*.{htm,js},
//  - rexxars/eventsource-parser test/fixtures.ts,
//  - openai-python tests/test_streaming.py.
// Every row is fed whole, one byte at a time, and split in two at
// every offset, so CR/LF pairs, BOMs and multi-byte UTF-8 characters straddle chunk boundaries.
class tst_SseParser final : public QObject
{
    Q_OBJECT

private slots:
    void conformance_data();
    void conformance();
    void oversizedEventIsDroppedCountedAndParsingContinues_data();
    void oversizedEventIsDroppedCountedAndParsingContinues();
    void unterminatedOversizedLineKeepsMemoryBounded();
    void oversizedCommentLineIsNotAnEventDrop();
    void largeMessageUnderTheCapIsDelivered();
    void finishDiscardsPendingEventAndStartsANewStream();
    void invalidUtf8BecomesReplacementCharacters();
    void retryValueThatOverflowsSaturates();
    void countersTrackBytesAndEvents();
    void randomChunkingMatchesWholeParse();

private:
    static QString describe(const SseParser::Event &event);
    static QStringList describeAll(const QList<SseParser::Event> &events);
};

namespace {

using Expected = QStringList;

QString escaped(const QByteArray &bytes)
{
    QString out;
    const QString text = QString::fromUtf8(bytes);
    for (const QChar c : text) {
        switch (c.unicode()) {
        case '\n':
            out += QLatin1String("\\n");
            break;
        case '\r':
            out += QLatin1String("\\r");
            break;
        case '\t':
            out += QLatin1String("\\t");
            break;
        case 0:
            out += QLatin1String("\\0");
            break;
        case '\\':
            out += QLatin1String("\\\\");
            break;
        default:
            out += c;
        }
    }
    return out;
}

// An expected event in the form describe() prints.
QString ev(const QByteArray &data, const QByteArray &type = "message", const QByteArray &id = QByteArray())
{
    return QStringLiteral("[%1] \"%2\" id=\"%3\"").arg(escaped(type), escaped(data), escaped(id));
}

struct RunResult
{
    QStringList events;
    qint64 retryMs = -1;
    QByteArray lastEventId;
};

RunResult runChunks(const QList<QByteArrayView> &chunks)
{
    SseParser parser;
    QList<SseParser::Event> events;
    for (const QByteArrayView chunk : chunks)
        parser.feed(chunk, events);
    parser.finish();
    RunResult result;
    for (const SseParser::Event &event : std::as_const(events))
        result.events
            << QStringLiteral("[%1] \"%2\" id=\"%3\"").arg(escaped(event.type), escaped(event.data), escaped(event.id));
    result.retryMs = parser.retryMs();
    result.lastEventId = parser.lastEventId();
    return result;
}

QByteArray bom()
{
    return QByteArrayLiteral("\xEF\xBB\xBF");
}

// A byte string literal that may contain NUL bytes.
template<std::size_t N>
QByteArray bytes(const char (&literal)[N])
{
    return QByteArray(literal, qsizetype(N - 1));
}

} // namespace

QString tst_SseParser::describe(const SseParser::Event &event)
{
    return ev(event.data, event.type, event.id);
}

QStringList tst_SseParser::describeAll(const QList<SseParser::Event> &events)
{
    QStringList out;
    for (const SseParser::Event &event : events)
        out << describe(event);
    return out;
}

void tst_SseParser::conformance_data()
{
    QTest::addColumn<QByteArray>("stream");
    QTest::addColumn<Expected>("expected");
    QTest::addColumn<qint64>("retryMs");
    QTest::addColumn<QByteArray>("lastEventId");

    const QByteArray x2049(2049, 'x');

    // --- web-platform-tests eventsource/format-* ---
    QTest::newRow("wpt bom: only the first BOM is stripped")
        << (bom() + "data:1\n\n" + bom() + "data:2\n\ndata:3\n\n") << Expected {ev("1"), ev("3")} << qint64(-1)
        << QByteArray();
    QTest::newRow("wpt bom-2: a second BOM makes the first line an unknown field")
        << (bom() + bom() + "data:1\n\ndata:2\n\ndata:3\n\n") << Expected {ev("2"), ev("3")} << qint64(-1)
        << QByteArray();
    QTest::newRow("wpt comments: comments with NUL, CR and long bodies between data lines")
        << QByteArray(bytes("data:1\r:\0\n:\r\ndata:2\n:") + x2049 + "\rdata:3\n:data:fail\r:" + x2049 + "\ndata:4\n\n")
        << Expected {ev("1\n2\n3\n4")} << qint64(-1) << QByteArray();
    QTest::newRow("wpt data-before-final-empty-line: the unterminated event is not dispatched")
        << QByteArray("retry:1000\ndata:test1\n\nid:test\ndata:test2") << Expected {ev("test1")} << qint64(1000)
        << QByteArray();
    QTest::newRow("wpt field-data: empty data, bare data lines, unterminated tail")
        << QByteArray("data:\n\ndata\ndata\n\ndata:test") << Expected {ev(""), ev("\n")} << qint64(-1) << QByteArray();
    QTest::newRow("wpt field-event: type applies to one event only")
        << QByteArray("event:test\ndata:x\n\ndata:x\n\n") << Expected {ev("x", "test"), ev("x")} << qint64(-1)
        << QByteArray();
    QTest::newRow("wpt field-event-empty: an empty type means message")
        << QByteArray("event: \ndata:data\n\n") << Expected {ev("data")} << qint64(-1) << QByteArray();
    QTest::newRow("wpt field-id: id is carried by the event and persists")
        << QByteArray("id: 1\ndata: a\n\ndata: b\n\n") << Expected {ev("a", "message", "1"), ev("b", "message", "1")}
        << qint64(-1) << QByteArray("1");
    QTest::newRow("wpt field-id-2: an empty id resets the last event id")
        << QByteArray("id: 1\ndata: a\n\nid:\ndata: b\n\n") << Expected {ev("a", "message", "1"), ev("b")} << qint64(-1)
        << QByteArray();
    QTest::newRow("wpt field-id-3: an id containing NUL is ignored")
        << bytes("id: 1\ndata: a\n\nid: 2\0x\ndata: b\n\n")
        << Expected {ev("a", "message", "1"), ev("b", "message", "1")} << qint64(-1) << QByteArray("1");
    QTest::newRow("wpt field-id without data still commits the id at the blank line")
        << QByteArray("id: 7\n\ndata: a\n\n") << Expected {ev("a", "message", "7")} << qint64(-1) << QByteArray("7");
    QTest::newRow("wpt field-parsing: case, NUL and leading spaces in field names")
        << bytes("data:\0\ndata:  2\rData:1\ndata\0:2\ndata:1\r\0data:4\nda-ta:3\rdata_5\ndata:3\rdata:\r\n"
                 " data:32\ndata:4\n\n")
        << Expected {ev(bytes("\0\n 2\n1\n3\n\n4"))} << qint64(-1) << QByteArray();
    QTest::newRow("wpt field-retry: leading zeros are digits")
        << QByteArray("retry:03000\ndata:x\n\n") << Expected {ev("x")} << qint64(3000) << QByteArray();
    QTest::newRow("wpt field-retry-bogus: a non-digit value is ignored")
        << QByteArray("retry:1000\nretry:2000x\ndata:x\n\n") << Expected {ev("x")} << qint64(1000) << QByteArray();
    QTest::newRow("wpt field-retry-empty: retry without value is ignored")
        << QByteArray("retry\ndata:test\n\n") << Expected {ev("test")} << qint64(-1) << QByteArray();
    QTest::newRow("wpt field-unknown: unknown fields and text lines are ignored")
        << QByteArray("data:test\n data\ndata\nfoobar:xxx\njustsometext\n:thisisacommentyay\ndata:test\n\n")
        << Expected {ev("test\n\ntest")} << qint64(-1) << QByteArray();
    QTest::newRow("wpt leading-space: only one space is removed, tabs are kept")
        << QByteArray("data:\ttest\rdata: \ndata:test\n\n") << Expected {ev("\ttest\n\ntest")} << qint64(-1)
        << QByteArray();
    QTest::newRow("wpt newlines: CRLF, LF and a final lone CR")
        << QByteArray("data:test\r\ndata\ndata:test\r\n\r") << Expected {ev("test\n\ntest")} << qint64(-1)
        << QByteArray();
    QTest::newRow("wpt null-character: NUL in data is kept")
        << bytes("data:\0\n\n\n\n") << Expected {ev(bytes("\0"))} << qint64(-1) << QByteArray();
    QTest::newRow("wpt utf-8: a multi-byte character survives")
        << QByteArray("data:ok\xE2\x80\xA6\n\n") << Expected {ev("ok\xE2\x80\xA6")} << qint64(-1) << QByteArray();

    // --- rexxars/eventsource-parser test/fixtures.ts ---
    QTest::newRow("eventsource-parser: CR-only line endings")
        << QByteArray("event: a\rdata: 1\r\rdata: 2\rdata: 3\r\r") << Expected {ev("1", "a"), ev("2\n3")} << qint64(-1)
        << QByteArray();
    QTest::newRow("eventsource-parser: CRLF line endings")
        << QByteArray("id: 1\r\ndata: one\r\n\r\nid: 2\r\ndata: two\r\n\r\n")
        << Expected {ev("one", "message", "1"), ev("two", "message", "2")} << qint64(-1) << QByteArray("2");
    QTest::newRow("eventsource-parser: mixed CR, LF and CRLF in one stream")
        << QByteArray("data: a\rdata: b\ndata: c\r\n\ndata: d\r\r\n") << Expected {ev("a\nb\nc"), ev("d")} << qint64(-1)
        << QByteArray();
    QTest::newRow("eventsource-parser: BOM then data")
        << (bom() + "data: bomful\n\n") << Expected {ev("bomful")} << qint64(-1) << QByteArray();
    QTest::newRow("eventsource-parser: invalid BOM (two bytes of one) is part of the field name")
        << QByteArray("\xEF\xBB"
                      "data: x\n\ndata: y\n\n")
        << Expected {ev("y")} << qint64(-1) << QByteArray();
    QTest::newRow("eventsource-parser: a BOM after the start is not stripped")
        << (QByteArray("data: a\n\n") + bom() + "data: b\n\n") << Expected {ev("a")} << qint64(-1) << QByteArray();
    QTest::newRow("eventsource-parser: comment of 300 colons")
        << (QByteArray(300, ':') + "\ndata: after\n\n") << Expected {ev("after")} << qint64(-1) << QByteArray();
    QTest::newRow("eventsource-parser: comment fest between fields")
        << QByteArray(": hello\n:\n:: double\ndata: x\n: mid\r\n:\rdata: y\n: before end\n\n") << Expected {ev("x\ny")}
        << qint64(-1) << QByteArray();
    QTest::newRow("eventsource-parser: only comments dispatch nothing")
        << QByteArray(": keep-alive\n\n: keep-alive\n\n") << Expected {} << qint64(-1) << QByteArray();
    QTest::newRow("eventsource-parser: empty event name")
        << QByteArray("event:\ndata: x\n\n") << Expected {ev("x")} << qint64(-1) << QByteArray();
    QTest::newRow("eventsource-parser: retry with empty and invalid values")
        << QByteArray("retry: 250\ndata: a\n\nretry:\ndata: b\n\nretry: 12ab\ndata: c\n\nretry: -5\ndata: d\n\n")
        << Expected {ev("a"), ev("b"), ev("c"), ev("d")} << qint64(250) << QByteArray();
    QTest::newRow("eventsource-parser: retry with a space after the colon")
        << QByteArray("retry: 7000\n\n") << Expected {} << qint64(7000) << QByteArray();
    QTest::newRow("eventsource-parser: unknown fields")
        << QByteArray("foo: bar\nbaz\ndata: x\nqux: 1\n\n") << Expected {ev("x")} << qint64(-1) << QByteArray();
    QTest::newRow("eventsource-parser: extra leading spaces in a value are preserved")
        << QByteArray("data:   three\n\n") << Expected {ev("  three")} << qint64(-1) << QByteArray();
    QTest::newRow("eventsource-parser: colon in the value")
        << QByteArray("data: a: b:c\n\n") << Expected {ev("a: b:c")} << qint64(-1) << QByteArray();
    QTest::newRow("eventsource-parser: identical ids keep the id")
        << QByteArray("id: abc\ndata: 1\n\nid: abc\ndata: 2\n\n")
        << Expected {ev("1", "message", "abc"), ev("2", "message", "abc")} << qint64(-1) << QByteArray("abc");
    QTest::newRow("eventsource-parser: event of several data lines and a type")
        << QByteArray("event: update\nid: 9\ndata: {\"a\":1,\ndata: \"b\":2}\n\n")
        << Expected {ev("{\"a\":1,\n\"b\":2}", "update", "9")} << qint64(-1) << QByteArray("9");

    // --- openai-python tests/test_streaming.py ---
    QTest::newRow("openai basic: event with a type")
        << QByteArray("event: completion\ndata: {\"foo\":true}\n\n") << Expected {ev("{\"foo\":true}", "completion")}
        << qint64(-1) << QByteArray();
    QTest::newRow("openai data missing event")
        << QByteArray("data: {\"foo\":true}\n\n") << Expected {ev("{\"foo\":true}")} << qint64(-1) << QByteArray();
    // openai-python's decoder yields `ping` with empty data here; WHATWG (which we follow) dispatches nothing.
    QTest::newRow("openai event missing data is not dispatched (WHATWG)")
        << QByteArray("event: ping\n\n") << Expected {} << qint64(-1) << QByteArray();
    QTest::newRow("openai multiple events, the second without data")
        << QByteArray("event: ping\ndata: {\"foo\":true}\n\nevent: completion\n\n")
        << Expected {ev("{\"foo\":true}", "ping")} << qint64(-1) << QByteArray();
    QTest::newRow("openai multiple events with data")
        << QByteArray("event: ping\ndata: {\"foo\":true}\n\nevent: completion\ndata: {\"bar\":false}\n\n")
        << Expected {ev("{\"foo\":true}", "ping"), ev("{\"bar\":false}", "completion")} << qint64(-1) << QByteArray();
    QTest::newRow("openai multiple data lines with empty lines")
        << QByteArray("event: ping\ndata: {\ndata: \"foo\":\ndata: \ndata:\ndata: true}\n\n")
        << Expected {ev("{\n\"foo\":\n\n\ntrue}", "ping")} << qint64(-1) << QByteArray();
    QTest::newRow("openai JSON-escaped double newline stays escaped")
        << QByteArray("event: ping\ndata: {\"foo\": \"my long\\n\\ncontent\"}\n\n")
        << Expected {ev("{\"foo\": \"my long\\n\\ncontent\"}", "ping")} << qint64(-1) << QByteArray();
    QTest::newRow("openai multiple data lines")
        << QByteArray("event: ping\ndata: {\ndata: \"foo\":\ndata: true}\n\n")
        << Expected {ev("{\n\"foo\":\ntrue}", "ping")} << qint64(-1) << QByteArray();
    QTest::newRow("openai U+2028 in data does not split lines")
        << QByteArray("data: {\"content\": \" culpa\"}\n\ndata: {\"content\": \" \xE2\x80\xA8\"}\n\n"
                      "data: {\"content\": \"foo\"}\n\n")
        << Expected {ev("{\"content\": \" culpa\"}"), ev("{\"content\": \" \xE2\x80\xA8\"}"),
                     ev("{\"content\": \"foo\"}")}
        << qint64(-1) << QByteArray();
    QTest::newRow("openai multi-byte characters split across chunks")
        << QByteArray("data: {\"content\": \"\xD0\xB8\xD0\xB7\xD0\xB2\xD0\xB5\xD1\x81\xD1\x82\xD0\xBD\xD0\xB8\"}\n\n")
        << Expected {ev("{\"content\": \"\xD0\xB8\xD0\xB7\xD0\xB2\xD0\xB5\xD1\x81\xD1\x82\xD0\xBD\xD0\xB8\"}")}
        << qint64(-1) << QByteArray();
    QTest::newRow("openai chat completion stream ending in DONE, with a keep-alive comment")
        << QByteArray("data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n"
                      ": keep-alive\n\n"
                      "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n"
                      "data: {\"choices\":[],\"usage\":{\"total_tokens\":3}}\n\n"
                      "data: [DONE]\n\n")
        << Expected {ev("{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}"),
                     ev("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}"),
                     ev("{\"choices\":[],\"usage\":{\"total_tokens\":3}}"), ev("[DONE]")}
        << qint64(-1) << QByteArray();

    // --- spec corner cases ---
    QTest::newRow("empty stream") << QByteArray() << Expected {} << qint64(-1) << QByteArray();
    QTest::newRow("only a BOM") << bom() << Expected {} << qint64(-1) << QByteArray();
    QTest::newRow("line without colon is a field with empty value")
        << QByteArray("data\n\n") << Expected {ev("")} << qint64(-1) << QByteArray();
    QTest::newRow("data ending without a blank line at end of stream is dropped")
        << QByteArray("data: a\n") << Expected {} << qint64(-1) << QByteArray();
    QTest::newRow("CR CR is a line and a blank line")
        << QByteArray("data: a\r\rdata: b\r\r") << Expected {ev("a"), ev("b")} << qint64(-1) << QByteArray();
    QTest::newRow("LF CR is two terminators")
        << QByteArray("data: a\n\rdata: b\n\r") << Expected {ev("a"), ev("b")} << qint64(-1) << QByteArray();
}

void tst_SseParser::conformance()
{
    QFETCH(QByteArray, stream);
    QFETCH(Expected, expected);
    QFETCH(qint64, retryMs);
    QFETCH(QByteArray, lastEventId);

    const QByteArrayView all(stream);
    {
        const RunResult whole = runChunks({all});
        QCOMPARE(whole.events, expected);
        QCOMPARE(whole.retryMs, retryMs);
        QCOMPARE(whole.lastEventId, lastEventId);
    }
    {
        QList<QByteArrayView> bytes;
        for (qsizetype i = 0; i < all.size(); ++i)
            bytes << all.sliced(i, 1);
        const RunResult byteByByte = runChunks(bytes);
        QCOMPARE(byteByByte.events, expected);
        QCOMPARE(byteByByte.retryMs, retryMs);
        QCOMPARE(byteByByte.lastEventId, lastEventId);
    }
    for (qsizetype split = 0; split <= all.size(); ++split) {
        const RunResult twoChunks = runChunks({all.first(split), all.sliced(split)});
        if (twoChunks.events != expected || twoChunks.lastEventId != lastEventId || twoChunks.retryMs != retryMs)
            QFAIL(qPrintable(QStringLiteral("split at byte %1 gave %2").arg(split).arg(twoChunks.events.join(u", "))));
    }
}

void tst_SseParser::oversizedEventIsDroppedCountedAndParsingContinues_data()
{
    QTest::addColumn<QByteArray>("stream");
    QTest::addColumn<Expected>("expected");

    const QByteArray big(200, 'x');
    QTest::newRow("one data line over the limit")
        << QByteArray("data: small\n\ndata: " + big + "\n\ndata: after\n\n") << Expected {ev("small"), ev("after")};
    QTest::newRow("many short data lines adding up over the limit")
        << QByteArray("data: small\n\n" + QByteArray("data: 0123456789\n").repeated(20) + "\ndata: after\n\n")
        << Expected {ev("small"), ev("after")};
    QTest::newRow("an oversized line with CR endings")
        << QByteArray("data: small\r\rdata: " + big + "\r\rdata: after\r\r") << Expected {ev("small"), ev("after")};
    QTest::newRow("an oversized event type")
        << QByteArray("data: small\n\nevent: " + big + "\ndata: x\n\ndata: after\n\n")
        << Expected {ev("small"), ev("after")};
}

void tst_SseParser::oversizedEventIsDroppedCountedAndParsingContinues()
{
    QFETCH(QByteArray, stream);
    QFETCH(Expected, expected);
    constexpr qsizetype limit = 100;

    // Whole, byte by byte (the oversized line then grows as a partial line) and at every split.
    QList<QList<QByteArrayView>> chunkings;
    chunkings << QList<QByteArrayView> {QByteArrayView(stream)};
    QList<QByteArrayView> bytes;
    for (qsizetype i = 0; i < stream.size(); ++i)
        bytes << QByteArrayView(stream).sliced(i, 1);
    chunkings << bytes;
    for (qsizetype split = 0; split <= stream.size(); ++split)
        chunkings << QList<QByteArrayView> {QByteArrayView(stream).first(split), QByteArrayView(stream).sliced(split)};

    for (const QList<QByteArrayView> &chunks : std::as_const(chunkings)) {
        SseParser parser(limit);
        QList<SseParser::Event> events;
        for (const QByteArrayView chunk : chunks)
            parser.feed(chunk, events);
        QCOMPARE(describeAll(events), expected);
        QCOMPARE(parser.droppedEventCount(), 1);
        QVERIFY2(parser.lastError().contains(QLatin1String("100-byte limit")), qPrintable(parser.lastError()));
        QCOMPARE(parser.finish(), false);
    }
}

void tst_SseParser::unterminatedOversizedLineKeepsMemoryBounded()
{
    SseParser parser(1024);
    QList<SseParser::Event> events;
    const QByteArray block(4096, 'y');
    parser.feed("data: ", events);
    for (int i = 0; i < 256; ++i) // 1 MiB of one line, far over the 1 KiB limit
        parser.feed(block, events);
    QCOMPARE(parser.droppedEventCount(), 1);
    QVERIFY(events.isEmpty());
    parser.feed("\n\ndata: ok\n\n", events);
    QCOMPARE(describeAll(events), Expected {ev("ok")});
    QCOMPARE(parser.droppedEventCount(), 1);
}

void tst_SseParser::oversizedCommentLineIsNotAnEventDrop()
{
    SseParser parser(64);
    QList<SseParser::Event> events;
    parser.feed(QByteArray(":" + QByteArray(500, 'c')), events);
    parser.feed("\ndata: still here\n\n", events);
    QCOMPARE(describeAll(events), Expected {ev("still here")});
    QCOMPARE(parser.droppedEventCount(), 0);
    QVERIFY(parser.lastError().isEmpty());
}

void tst_SseParser::largeMessageUnderTheCapIsDelivered()
{
    // eventsource-parser's 10 MB message, fed in network-sized pieces.
    QByteArray payload(10 * 1000 * 1000, 'm');
    for (qsizetype i = 0; i < payload.size(); i += 997)
        payload[i] = char('a' + (i % 26));
    const QByteArray stream = "id: big\ndata: " + payload + "\n\ndata: next\n\n";
    SseParser parser;
    QList<SseParser::Event> events;
    for (qsizetype pos = 0; pos < stream.size(); pos += 1400)
        parser.feed(QByteArrayView(stream).sliced(pos, qMin<qsizetype>(1400, stream.size() - pos)), events);
    QCOMPARE(events.size(), 2);
    QVERIFY(events[0].data == payload);
    QCOMPARE(events[0].id, QByteArray("big"));
    QCOMPARE(events[1].data, QByteArray("next"));
    QCOMPARE(parser.droppedEventCount(), 0);
}

void tst_SseParser::finishDiscardsPendingEventAndStartsANewStream()
{
    SseParser parser;
    QList<SseParser::Event> events;
    parser.feed(QByteArray(bom() + "id: 1\ndata: first\n\nid: 2\ndata: partial"), events);
    QCOMPARE(describeAll(events), Expected {ev("first", "message", "1")});
    QCOMPARE(parser.finish(), true);
    QCOMPARE(parser.lastEventId(), QByteArray("1")); // id 2 was never dispatched
    QCOMPARE(parser.finish(), false); // nothing left to discard

    // A reconnection is a new stream: its BOM is stripped again, the last event id persists.
    events.clear();
    parser.feed(QByteArray(bom() + "data: second\n\n"), events);
    QCOMPARE(describeAll(events), Expected {ev("second", "message", "1")});

    // A CR at the very end of a stream must not swallow the LF that starts the next one.
    events.clear();
    parser.feed("data: a\r", events);
    QCOMPARE(parser.finish(), true);
    parser.feed("\ndata: b\n\n", events);
    QCOMPARE(describeAll(events), Expected {ev("b", "message", "1")});

    parser.reset();
    QCOMPARE(parser.lastEventId(), QByteArray());
    QCOMPARE(parser.dispatchedEventCount(), 0);
}

void tst_SseParser::invalidUtf8BecomesReplacementCharacters()
{
    const QList<SseParser::Event> events = SseParser::parseAll(
        QByteArray("event: t\xFF\ndata: a\xC3\ndata: \x80z\nid: \xFE\n\n"));
    QCOMPARE(events.size(), 1);
    QVERIFY(events[0].data.isValidUtf8());
    QCOMPARE(QString::fromUtf8(events[0].data), QStringLiteral("a\uFFFD\n\uFFFDz"));
    QCOMPARE(QString::fromUtf8(events[0].type), QStringLiteral("t\uFFFD"));
    QCOMPARE(QString::fromUtf8(events[0].id), QStringLiteral("\uFFFD"));
}

void tst_SseParser::retryValueThatOverflowsSaturates()
{
    SseParser parser;
    QList<SseParser::Event> events;
    parser.feed("retry: 99999999999999999999999999\ndata: x\n\n", events);
    QCOMPARE(parser.retryMs(), std::numeric_limits<qint64>::max());
    QCOMPARE(events.size(), 1);
    QCOMPARE(events[0].retryMs, std::numeric_limits<qint64>::max());
}

void tst_SseParser::countersTrackBytesAndEvents()
{
    SseParser parser;
    QList<SseParser::Event> events;
    const QByteArray stream = "data: 1\n\ndata: 2\n\n: c\n\ndata: 3\n\n";
    QCOMPARE(parser.feed(stream.first(10), events), 1);
    QCOMPARE(parser.feed(stream.sliced(10), events), 2);
    QCOMPARE(parser.dispatchedEventCount(), 3);
    QCOMPARE(parser.bytesFed(), stream.size());
    QCOMPARE(parser.droppedEventCount(), 0);
}

void tst_SseParser::randomChunkingMatchesWholeParse()
{
    // A long mixed stream cut at random places (fixed seed, so a failure reproduces).
    QByteArray stream = bom();
    for (int i = 0; i < 300; ++i) {
        const char *eol = (i % 3 == 0) ? "\r\n" : (i % 3 == 1) ? "\n" : "\r";
        stream += "id: " + QByteArray::number(i) + eol + ": note\xE2\x80\xA8" + eol + "data: line \xD0\xB8 "
            + QByteArray::number(i) + eol + "data: second" + eol + eol;
    }
    const QStringList expected = describeAll(SseParser::parseAll(stream));
    QCOMPARE(expected.size(), 300);
    QRandomGenerator random(42);
    for (int round = 0; round < 50; ++round) {
        QList<QByteArrayView> chunks;
        qsizetype pos = 0;
        while (pos < stream.size()) {
            const qsizetype n = qMin<qsizetype>(random.bounded(1, 40), stream.size() - pos);
            chunks << QByteArrayView(stream).sliced(pos, n);
            pos += n;
        }
        QCOMPARE(runChunks(chunks).events, expected);
    }
}

QTEST_GUILESS_MAIN(tst_SseParser)
#include "tst_sseparser.moc"
