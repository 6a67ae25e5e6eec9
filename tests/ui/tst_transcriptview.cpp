// Interim text in a lighter style, replaced by finals; tokens appended; the view follows streams.
#include "model/transcriptmodel.h"
#include "ui/transcriptview.h"

#include <QListView>
#include <QTest>

using namespace Taskscope::Model;
using namespace Taskscope::Ui;

class TestTranscriptView final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void interimIsLighterAndFinalReplacesIt();
    void tokensShowAsTheyArrive();
    void choosingAStreamShowsIt();
    void textIsEscaped();
};

void TestTranscriptView::interimIsLighterAndFinalReplacesIt()
{
    TranscriptModel model;
    TranscriptView view;
    view.setModel(&model);
    model.addStream(1, QStringLiteral("listen #1"));
    QCOMPARE(view.currentStream(), 1ull);
    model.addFinal(1, QStringLiteral("Hello world."));
    model.setInterim(1, QStringLiteral("how are"));
    QTRY_VERIFY(view.renderedHtml().contains(QStringLiteral("how are")));
    const QString html = view.renderedHtml();
    QVERIFY(html.contains(QStringLiteral("Hello world.")));
    const qsizetype interim = html.indexOf(QStringLiteral("how are"));
    const qsizetype style = html.lastIndexOf(QStringLiteral("font-style:italic"), interim);
    QVERIFY2(style >= 0 && style < interim, "the interim text is styled apart");
    QVERIFY(html.indexOf(QStringLiteral("Hello world.")) < style); // the final is not
    model.addFinal(1, QStringLiteral("How are you?"));
    QTRY_VERIFY(view.renderedHtml().contains(QStringLiteral("How are you?")));
    QVERIFY(!view.renderedHtml().contains(QStringLiteral("how are<")));
    QVERIFY(!view.renderedHtml().contains(QStringLiteral("font-style:italic")));
}

void TestTranscriptView::tokensShowAsTheyArrive()
{
    TranscriptModel model;
    TranscriptView view;
    view.setModel(&model);
    model.appendTokens(5, QStringLiteral("Never"));
    model.appendTokens(5, QStringLiteral(" block"));
    QTRY_VERIFY(view.renderedHtml().contains(QStringLiteral("Never block")));
}

void TestTranscriptView::choosingAStreamShowsIt()
{
    TranscriptModel model;
    model.addStream(1, QStringLiteral("one"));
    model.addStream(2, QStringLiteral("two"));
    model.addFinal(1, QStringLiteral("first stream"));
    model.addFinal(2, QStringLiteral("second stream"));
    TranscriptView view;
    view.setModel(&model);
    view.resize(600, 300);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QCOMPARE(view.currentStream(), 1ull);
    QListView *list = view.streamList();
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, list->visualRect(model.index(1)).center());
    QCOMPARE(view.currentStream(), 2ull);
    QTRY_VERIFY(view.renderedHtml().contains(QStringLiteral("second stream")));
    QVERIFY(!view.renderedHtml().contains(QStringLiteral("first stream")));
    model.removeStream(2);
    QCOMPARE(view.currentStream(), 1ull);
}

void TestTranscriptView::textIsEscaped()
{
    TranscriptModel model;
    TranscriptView view;
    view.setModel(&model);
    model.addFinal(1, QStringLiteral("<b>not bold</b> & co"));
    QTRY_VERIFY(view.renderedHtml().contains(QStringLiteral("&lt;b&gt;not bold&lt;/b&gt; &amp; co")));
}

QTEST_MAIN(TestTranscriptView)
#include "tst_transcriptview.moc"
