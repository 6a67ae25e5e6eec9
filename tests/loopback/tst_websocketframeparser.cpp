// RFC 6455 framing: masked client frames of every length class, split input, and the protocol
// violations a server must answer with 1002, 1007 or 1009.
#include "workers/loopback/websocket/websocketframeparser.h"

#include <QTest>

using Taskscope::Loopback::WebSocketFrameParser;

using P = WebSocketFrameParser;

class tst_WebSocketFrameParser : public QObject
{
    Q_OBJECT

private slots:
    void readsMaskedFramesOfEveryLengthClass_data()
    {
        QTest::addColumn<int>("length");
        QTest::addRow("empty") << 0;
        QTest::addRow("7-bit length") << 125;
        QTest::addRow("16-bit length") << 640;
        QTest::addRow("64-bit length") << 70000;
    }

    void readsMaskedFramesOfEveryLengthClass()
    {
        QFETCH(int, length);
        QByteArray payload(length, Qt::Uninitialized);
        for (int i = 0; i < length; ++i)
            payload[i] = char(i * 7);
        const QByteArray wire = P::encodeMasked(P::Binary, payload, 0xA1B2C3D4u);
        // Fed in two pieces split inside the header or payload.
        P parser(1024 * 1024);
        QByteArray buffer = wire.left(3);
        qsizetype offset = 0;
        P::Frame frame;
        QCOMPARE(parser.next(buffer, offset, frame), P::Result::NeedMoreData);
        buffer += wire.mid(3);
        QCOMPARE(parser.next(buffer, offset, frame), P::Result::Frame);
        QCOMPARE(offset, wire.size());
        QCOMPARE(frame.opcode, quint8(P::Binary));
        QVERIFY(frame.fin);
        QCOMPARE(frame.payload, payload);
    }

    void serverFramesAreUnmasked()
    {
        const QByteArray wire = P::encode(P::Text, "hi");
        QCOMPARE(wire, QByteArray("\x81\x02hi", 4));
        P clientSideReader(1024, false);
        qsizetype offset = 0;
        P::Frame frame;
        QCOMPARE(clientSideReader.next(wire, offset, frame), P::Result::Frame);
        QCOMPARE(frame.payload, QByteArray("hi"));
    }

    void rejectsViolations_data()
    {
        QTest::addColumn<QByteArray>("wire");
        QTest::addColumn<int>("code");
        QTest::addRow("unmasked client frame") << P::encode(P::Binary, "abc") << 1002;
        QByteArray rsv = P::encodeMasked(P::Text, "abc", 1);
        rsv[0] = char(rsv[0] | 0x40);
        QTest::addRow("reserved bit") << rsv << 1002;
        QByteArray opcode = P::encodeMasked(P::Text, "abc", 1);
        opcode[0] = char(0x83);
        QTest::addRow("reserved opcode") << opcode << 1002;
        QTest::addRow("fragmented ping") << P::encodeMasked(P::Ping, "x", 1, false) << 1002;
        QTest::addRow("long ping") << P::encodeMasked(P::Ping, QByteArray(126, 'x'), 1) << 1002;
        QTest::addRow("frame over the cap") << P::encodeMasked(P::Binary, QByteArray(2000, 'x'), 1) << 1009;
    }

    void rejectsViolations()
    {
        QFETCH(QByteArray, wire);
        QFETCH(int, code);
        P parser(1024);
        qsizetype offset = 0;
        P::Frame frame;
        QCOMPARE(parser.next(wire, offset, frame), P::Result::Error);
        QCOMPARE(parser.errorCloseCode(), code);
    }

    void validatesUtf8_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<bool>("valid");
        QTest::addRow("ascii") << QByteArray("{\"type\":\"KeepAlive\"}") << true;
        QTest::addRow("two, three and four bytes") << QString::fromUtf8("é € 😀").toUtf8() << true;
        QTest::addRow("lone continuation") << QByteArray("\x80") << false;
        QTest::addRow("truncated sequence") << QByteArray("\xE2\x82") << false;
        QTest::addRow("overlong slash") << QByteArray("\xC0\xAF") << false;
        QTest::addRow("surrogate") << QByteArray("\xED\xA0\x80") << false;
        QTest::addRow("above U+10FFFF") << QByteArray("\xF4\x90\x80\x80") << false;
    }

    void validatesUtf8()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(bool, valid);
        QCOMPARE(P::isValidUtf8(bytes), valid);
    }

    void closePayloadKeepsTheReasonValid()
    {
        const QByteArray payload = P::closePayload(1011, QString(100, QChar(0x20AC)));
        QVERIFY(payload.size() <= 125);
        QCOMPARE(quint8(payload[0]), quint8(0x03));
        QCOMPARE(quint8(payload[1]), quint8(0xF3));
        QVERIFY(P::isValidUtf8(payload.mid(2)));
    }
};

QTEST_GUILESS_MAIN(tst_WebSocketFrameParser)
#include "tst_websocketframeparser.moc"
