// The timeline's tooltips: what each kind of thing under the pointer says, names escaped, the
// aggregate lane's counts (once painted), and the live badge.
#include "ui/spanselection.h"
#include "ui/timeline/controller.h"
#include "ui/timeline/geometry.h"
#include "ui/timeline/renderer.h"
#include "ui/timeline/tooltipbuilder.h"

#include <QApplication>
#include <QImage>
#include <QPainter>
#include <QTest>

#include "tests/ui/tracefixture.h"

using namespace Taskscope::Trace;
using namespace Taskscope::Ui;

using namespace TraceFixture;
using Timeline::Controller;
using Timeline::TooltipBuilder;

class TestTimelineTooltipBuilder final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void saysWhatIsUnderThePointer_data();
    void saysWhatIsUnderThePointer();
    void foldedBlockSaysHowManySpans();
    void aggregateLaneGivesItsCountsOncePainted();
    void badgeSaysWhetherTheViewFollows_data();
    void badgeSaysWhetherTheViewFollows();

private:
    void show(bool live);
    QPoint gutterPoint(int row) const;
    QString tooltipAt(const QPoint &pos, const QRect &badge = {}) const;

    static constexpr LaneId Markup = 60;
    std::unique_ptr<TraceStore> m_store;
    std::unique_ptr<Controller> m_controller;
    std::unique_ptr<Timeline::Renderer> m_renderer;
};

void TestTimelineTooltipBuilder::init()
{
    m_controller.reset();
    m_store = std::make_unique<TraceStore>();
    fill(*m_store);
    lane(*m_store, Markup, LaneKind::Thread, "<i>worker</i>");
    m_store->addSpan(Markup, 10 * Ms, 20 * Ms, TraceNames::intern("a < b && c"));
    m_controller = std::make_unique<Controller>();
    m_renderer = std::make_unique<Timeline::Renderer>(QApplication::font());
    show(false);
}

void TestTimelineTooltipBuilder::show(bool live)
{
    m_controller->setStore(m_store.get(), live);
    m_controller->setContentWidth(784);
    m_controller->resetView();
    if (!live)
        m_controller->zoomToRange(0, 60 * Ms);
}

QPoint TestTimelineTooltipBuilder::gutterPoint(int row) const
{
    return QPoint(40, m_controller->rowTopOnScreen(m_controller->layout().rows()[std::size_t(row)]) + 8);
}

QString TestTimelineTooltipBuilder::tooltipAt(const QPoint &pos, const QRect &badge) const
{
    return TooltipBuilder(*m_controller, m_renderer->aggregates()).at(pos, badge);
}

void TestTimelineTooltipBuilder::saysWhatIsUnderThePointer_data()
{
    QTest::addColumn<QString>("where"); // gutter, section, content or counter
    QTest::addColumn<LaneId>("lane");
    QTest::addColumn<int>("depth");
    QTest::addColumn<qint64>("at");
    QTest::addColumn<QStringList>("says"); // every one of these; none: an empty tooltip

    QTest::newRow("a thread's label: its name, kind and id")
        << QStringLiteral("gutter") << Ui << 0 << 0ll
        << QStringList {QStringLiteral("<b>UI thread</b><br>thread lane 1")};
    QTest::newRow("a stream's label") << QStringLiteral("gutter") << Stream << 0 << 0ll
                                      << QStringList {QStringLiteral("stream lane 3")};
    QTest::newRow("the collapsed group's label: how many lanes, what a click does")
        << QStringLiteral("gutter") << GroupFirst << 0 << 0ll
        << QStringList {QStringLiteral("<b>fetchChunk</b><br>6 lanes · click to expand")};
    QTest::newRow("a section heading") << QStringLiteral("section") << NoLane << 0 << 0ll
                                       << QStringList {QStringLiteral("Threads · click to collapse")};
    QTest::newRow("a span: name, start, argument")
        << QStringLiteral("content") << Ui << 0 << 20 * Ms
        << QStringList {QStringLiteral("<b>onTimer</b>"), QStringLiteral("<br>at "), QStringLiteral("arg 42")};
    QTest::newRow("a coroutine's segment: state and what it awaits")
        << QStringLiteral("content") << Coro << 0 << 10 * Ms
        << QStringList {QStringLiteral("<b>suspended: QTimer 20 ms</b>")};
    QTest::newRow("a coroutine run seen from its thread names the coroutine")
        << QStringLiteral("content") << Worker << 1 << 28 * Ms
        << QStringList {QStringLiteral("<br>coroutine transcribe #1")};
    QTest::newRow("an alert band: its number, what the watchdog saw")
        << QStringLiteral("content") << Ui << 0 << 50 * Ms
        << QStringList {QStringLiteral("<b>Alert #7</b>: UI thread blocked"), QStringLiteral("click to inspect")};
    QTest::newRow("a counter strip: the value in force") << QStringLiteral("counter") << Stream << 0 << 30 * Ms
                                                         << QStringList {QStringLiteral("<b>queue depth</b> = 5")};
    QTest::newRow("names with markup are escaped in a label")
        << QStringLiteral("gutter") << Markup << 0 << 0ll
        << QStringList {QStringLiteral("<b>&lt;i&gt;worker&lt;/i&gt;</b>")};
    QTest::newRow("names with markup are escaped in a span")
        << QStringLiteral("content") << Markup << 0 << 15 * Ms
        << QStringList {QStringLiteral("<b>a &lt; b &amp;&amp; c</b>")};
    QTest::newRow("empty content says nothing")
        << QStringLiteral("content") << Worker << 1 << 10 * Ms << QStringList {};
}

void TestTimelineTooltipBuilder::saysWhatIsUnderThePointer()
{
    QFETCH(QString, where);
    QFETCH(LaneId, lane);
    QFETCH(int, depth);
    QFETCH(qint64, at);
    QFETCH(QStringList, says);
    const TimelineLayout &layout = m_controller->layout();
    QPoint pos;
    if (where == QLatin1StringView("gutter")) {
        pos = gutterPoint(layout.rowOfLane(lane));
    } else if (where == QLatin1StringView("section")) {
        pos = gutterPoint(0);
        QCOMPARE(layout.rows()[0].type, TimelineRow::Type::Section);
    } else {
        pos = m_controller->pointOf(lane, depth, at);
        if (where == QLatin1StringView("counter")) {
            const TimelineRow &row = layout.rows()[std::size_t(layout.rowOfLane(lane))];
            QVERIFY(row.counters > 0);
            pos.setY(TimelineLayout::counterY(row, 0) - m_controller->scrollY() + Timeline::RulerHeight
                     + TimelineLayout::CounterHeight / 2);
        }
    }
    const QString text = tooltipAt(pos);
    if (says.isEmpty())
        QVERIFY2(text.isEmpty(), qPrintable(text));
    for (const QString &part : says)
        QVERIFY2(text.contains(part), qPrintable(text));
}

void TestTimelineTooltipBuilder::foldedBlockSaysHowManySpans()
{
    // Across 200 ms the 200 "tiny" 10 µs spans at 100..104 ms fold into blocks.
    m_controller->zoomToRange(0, 200 * Ms);
    const QString text = tooltipAt(m_controller->pointOf(Ui, 0, 102 * Ms));
    QVERIFY2(text.contains(QStringLiteral("spans folded</b> (each narrower than 3 px)")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("zoom in to see them")), qPrintable(text));
}

void TestTimelineTooltipBuilder::aggregateLaneGivesItsCountsOncePainted()
{
    // At 3.5 ms three of the grouped coroutines have started and all three are suspended.
    const QPoint pos = m_controller->pointOf(GroupFirst, 0, 3'500'000);
    QVERIFY2(tooltipAt(pos).isEmpty(), "nothing to say before a paint computed the counts");
    QImage image(1000, 800, QImage::Format_RGB32);
    QPainter painter(&image);
    const SpanSelection none;
    m_renderer->render(painter, image.size(), *m_controller, Timeline::Renderer::Frame {none, -1, 0});
    painter.end();
    const QString text = tooltipAt(pos);
    QVERIFY2(text.contains(QStringLiteral("<b>fetchChunk</b> (6 lanes)<br>at the cursor: 3 alive, 0 running, 0 ready")),
             qPrintable(text));
}

void TestTimelineTooltipBuilder::badgeSaysWhetherTheViewFollows_data()
{
    QTest::addColumn<bool>("follow");
    QTest::addColumn<QString>("says");
    QTest::newRow("following") << true << QStringLiteral("Following the live edge (F)");
    QTest::newRow("paused") << false << QStringLiteral("The view is paused; capture goes on.");
}

void TestTimelineTooltipBuilder::badgeSaysWhetherTheViewFollows()
{
    QFETCH(bool, follow);
    QFETCH(QString, says);
    show(true);
    m_controller->setFollowLive(follow);
    const QRect badge(700, 40, 200, 20);
    QVERIFY(tooltipAt(badge.center(), badge).startsWith(says));
    QVERIFY(!tooltipAt(badge.center(), QRect()).startsWith(says));
}

QTEST_MAIN(TestTimelineTooltipBuilder)
#include "tst_timelinetooltipbuilder.moc"
