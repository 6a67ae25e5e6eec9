// Transcript and token text per stream: interims replaced, finals appended, bounded text.
#include "model/transcriptmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace Taskscope::Model;

class TestTranscriptModel final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void passesTheModelTester();
    void interimsAreReplacedByFinals();
    void tokensAppend();
    void textIsBoundedAndCounted();
    void streamsAreBounded();
    void removeAndClear();
};

void TestTranscriptModel::passesTheModelTester()
{
    TranscriptModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setMaxStreams(3);
    for (quint64 id = 1; id <= 5; ++id)
        model.addStream(id, QStringLiteral("stream %1").arg(id));
    model.setInterim(4, QStringLiteral("hel"));
    model.addFinal(4, QStringLiteral("hello"));
    model.appendTokens(9, QStringLiteral("tok"));
    model.removeStream(4);
    model.clear();
    QCOMPARE(model.rowCount(), 0);
}

void TestTranscriptModel::interimsAreReplacedByFinals()
{
    TranscriptModel model;
    QSignalSpy text(&model, &TranscriptModel::textChanged);
    model.addStream(7, QStringLiteral("listen #7"));
    model.setInterim(7, QStringLiteral("the wea"));
    model.setInterim(7, QStringLiteral("the weather is"));
    QCOMPARE(model.entry(7)->interimText, QStringLiteral("the weather is"));
    QCOMPARE(model.entry(7)->finalText, QString());
    model.addFinal(7, QStringLiteral("The weather is nice. "));
    QCOMPARE(model.entry(7)->finalText, QStringLiteral("The weather is nice."));
    QCOMPARE(model.entry(7)->interimText, QString());
    model.setInterim(7, QStringLiteral("tomor"));
    model.addFinal(7, QStringLiteral("Tomorrow too."));
    QCOMPARE(model.entry(7)->finalText, QStringLiteral("The weather is nice. Tomorrow too."));
    QCOMPARE(model.entry(7)->finals, 2);
    QCOMPARE(model.entry(7)->interims, 3);
    QCOMPARE(text.count(), 5);
    const QModelIndex row = model.index(0);
    QCOMPARE(row.data(TranscriptModel::FinalTextRole).toString(), QStringLiteral("The weather is nice. Tomorrow too."));
    QCOMPARE(row.data(Qt::DisplayRole).toString(), QStringLiteral("listen #7"));
}

void TestTranscriptModel::tokensAppend()
{
    TranscriptModel model;
    model.appendTokens(3, QStringLiteral("An event"), 2);
    model.appendTokens(3, QStringLiteral(" loop"));
    QCOMPARE(model.rowCount(), 1); // streams appear on first text
    QCOMPARE(model.entry(3)->tokenText, QStringLiteral("An event loop"));
    QCOMPARE(model.entry(3)->tokens, 3ull);
    QCOMPARE(model.index(0).data(TranscriptModel::TokenCountRole).toULongLong(), 3ull);
}

void TestTranscriptModel::textIsBoundedAndCounted()
{
    TranscriptModel model;
    model.setMaxCharsPerStream(100);
    for (int i = 0; i < 50; ++i)
        model.addFinal(1, QStringLiteral("word%1").arg(i));
    const TranscriptEntry *e = model.entry(1);
    QVERIFY(e->finalText.size() <= 100);
    QVERIFY(e->droppedChars > 0);
    QVERIFY(e->finalText.endsWith(QStringLiteral("word49")));
    QVERIFY(!e->finalText.startsWith(QLatin1Char(' ')));
}

void TestTranscriptModel::streamsAreBounded()
{
    TranscriptModel model;
    model.setMaxStreams(2);
    model.addStream(1, {});
    model.addStream(2, {});
    model.addStream(3, {});
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.entry(1), nullptr);
    QCOMPARE(model.rowOf(3), 1);
}

void TestTranscriptModel::removeAndClear()
{
    TranscriptModel model;
    model.addStream(1, {});
    model.addStream(2, {});
    model.removeStream(1);
    QCOMPARE(model.rowOf(2), 0);
    model.removeStream(99); // unknown: nothing
    QCOMPARE(model.rowCount(), 1);
}

QTEST_GUILESS_MAIN(TestTranscriptModel)
#include "tst_transcriptmodel.moc"
