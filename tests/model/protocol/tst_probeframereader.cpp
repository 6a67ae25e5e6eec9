#include "model/protocol/probeframereader.h"
#include "model/protocol/probewire.h"
#include "model/trace/tracetypes.h"

#include <QJsonObject>
#include <QtTest>

#include <cstring>

using namespace Taskscope::Trace;

using namespace Taskscope::Probe;

class TestProbeFrameReader final : public QObject
{
    Q_OBJECT

private:
    static QByteArray twoFrames()
    {
        QByteArray bytes;
        ProbeWire::appendJson(bytes, MessageType::Hello, QJsonObject {{QStringLiteral("pid"), 42}});
        TraceEvent events[2] {};
        events[0].kind = EventKind::Begin;
        events[1].kind = EventKind::End;
        ProbeWire::appendEvents(bytes, UiThreadLane, events, 2);
        return bytes;
    }

private slots:
    void framesComeOutWhole_data()
    {
        QTest::addColumn<int>("chunk");
        QTest::newRow("all bytes at once") << 0;
        QTest::newRow("one byte at a time") << 1;
        QTest::newRow("seven bytes at a time") << 7;
    }

    void framesComeOutWhole()
    {
        QFETCH(int, chunk);
        const QByteArray bytes = twoFrames();
        const int step = chunk == 0 ? int(bytes.size()) : chunk;
        ProbeFrameReader reader;
        QList<ProbeFrameReader::Frame> frames;
        for (qsizetype offset = 0; offset < bytes.size(); offset += step) {
            reader.feed(bytes.mid(offset, step));
            ProbeFrameReader::Frame frame;
            while (reader.next(&frame))
                frames.append(frame);
        }
        QVERIFY(!reader.failed());
        QCOMPARE(frames.size(), 2);
        QCOMPARE(frames[0].type, MessageType::Hello);
        QCOMPARE(frames[0].payload, QByteArray(R"({"pid":42})"));
        QCOMPARE(frames[1].type, MessageType::Events);
        QCOMPARE(frames[1].payload.size(), qsizetype(sizeof(LaneId) + 2 * sizeof(TraceEvent)));
        QCOMPARE(reader.pendingBytes(), 0);
    }

    void badHeadersStopTheReader_data()
    {
        QTest::addColumn<quint32>("length");
        QTest::addColumn<int>("type");
        QTest::newRow("length over the limit") << ProbeWire::MaxPayloadBytes + 1 << int(MessageType::Events);
        QTest::newRow("type zero") << 4u << 0;
        QTest::newRow("type past the last") << 4u << int(MessageType::Bye) + 1;
    }

    void badHeadersStopTheReader()
    {
        QFETCH(quint32, length);
        QFETCH(int, type);
        QByteArray bytes(ProbeWire::HeaderBytes, 0);
        std::memcpy(bytes.data(), &length, sizeof length);
        bytes[4] = char(type);
        bytes += QByteArray(8, 'x');
        ProbeFrameReader reader;
        reader.feed(bytes);
        ProbeFrameReader::Frame frame;
        QVERIFY(!reader.next(&frame));
        QVERIFY(reader.failed());
        QVERIFY(!reader.error().isEmpty());
        // Nothing more comes out once failed, even valid frames.
        reader.feed(twoFrames());
        QVERIFY(!reader.next(&frame));
    }
};

QTEST_GUILESS_MAIN(TestProbeFrameReader)
#include "tst_probeframereader.moc"
