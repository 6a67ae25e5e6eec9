// What input means on the timeline: keys, the wheel (scroll, pan, zoom), press / drag / click, and
// what a click at each kind of place does.
#include "ui/timeline/controller.h"
#include "ui/timeline/geometry.h"
#include "ui/timeline/inputhandler.h"

#include <QTest>

#include "tests/ui/tracefixture.h"

using namespace Taskscope::Trace;
using namespace Taskscope::Ui;

using namespace TraceFixture;
using Timeline::Controller;
using Timeline::InputHandler;

Q_DECLARE_METATYPE(InputHandler::KeyAction)
Q_DECLARE_METATYPE(InputHandler::WheelIntent::Kind)
Q_DECLARE_METATYPE(InputHandler::Release)
Q_DECLARE_METATYPE(InputHandler::Click::Target)

class TestTimelineInputHandler final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void keys_data();
    void keys();
    void keyZoomAnchor_data();
    void keyZoomAnchor();
    void wheel_data();
    void wheel();
    void pressMoveRelease_data();
    void pressMoveRelease();
    void shiftDragSelectsARange_data();
    void shiftDragSelectsARange();
    void hoverFollowsThePointerOverTheContent();
    void click_data();
    void click();
};

void TestTimelineInputHandler::keys_data()
{
    using Action = InputHandler::KeyAction;
    QTest::addColumn<int>("key");
    QTest::addColumn<Action>("action");
    QTest::newRow("W zooms in") << int(Qt::Key_W) << Action::ZoomIn;
    QTest::newRow("plus zooms in") << int(Qt::Key_Plus) << Action::ZoomIn;
    QTest::newRow("S zooms out") << int(Qt::Key_S) << Action::ZoomOut;
    QTest::newRow("minus zooms out") << int(Qt::Key_Minus) << Action::ZoomOut;
    QTest::newRow("A pans to earlier times") << int(Qt::Key_A) << Action::PanEarlier;
    QTest::newRow("left arrow pans to earlier times") << int(Qt::Key_Left) << Action::PanEarlier;
    QTest::newRow("D pans to later times") << int(Qt::Key_D) << Action::PanLater;
    QTest::newRow("F follows live") << int(Qt::Key_F) << Action::FollowLive;
    QTest::newRow("End follows live") << int(Qt::Key_End) << Action::FollowLive;
    QTest::newRow("Space pauses or resumes") << int(Qt::Key_Space) << Action::ToggleFollow;
    QTest::newRow("Home fits everything") << int(Qt::Key_Home) << Action::FitAll;
    QTest::newRow("Escape clears the selection") << int(Qt::Key_Escape) << Action::ClearSelection;
    QTest::newRow("Page Down scrolls a page") << int(Qt::Key_PageDown) << Action::PageDown;
    QTest::newRow("up arrow scrolls a line") << int(Qt::Key_Up) << Action::LineUp;
    QTest::newRow("an unbound key does nothing") << int(Qt::Key_Q) << Action::None;
}

void TestTimelineInputHandler::keys()
{
    QFETCH(int, key);
    QFETCH(InputHandler::KeyAction, action);
    QCOMPARE(InputHandler::keyAction(key), action);
}

void TestTimelineInputHandler::keyZoomAnchor_data()
{
    QTest::addColumn<int>("hoverX");
    QTest::addColumn<double>("anchor");
    QTest::newRow("at the pointer over the content") << Timeline::GutterWidth + 200 << 200.0;
    QTest::newRow("in the middle without a pointer") << -1 << 392.0;
}

void TestTimelineInputHandler::keyZoomAnchor()
{
    QFETCH(int, hoverX);
    QFETCH(double, anchor);
    QCOMPARE(InputHandler::keyZoomAnchor(hoverX, 784), anchor);
}

void TestTimelineInputHandler::wheel_data()
{
    using Kind = InputHandler::WheelIntent::Kind;
    QTest::addColumn<QPoint>("angle");
    QTest::addColumn<int>("x");
    QTest::addColumn<Qt::KeyboardModifiers>("modifiers");
    QTest::addColumn<Kind>("kind");
    QTest::addColumn<double>("amount"); // Scroll: pixels; Pan: pixels; Zoom: the factor
    const int content = Timeline::GutterWidth + 300;
    QTest::newRow("over the labels it scrolls")
        << QPoint(0, 120) << 100 << Qt::KeyboardModifiers() << Kind::Scroll << -60.0;
    QTest::newRow("with Shift it scrolls")
        << QPoint(0, -120) << content << Qt::KeyboardModifiers(Qt::ShiftModifier) << Kind::Scroll << 60.0;
    QTest::newRow("sideways it pans") << QPoint(120, 10) << content << Qt::KeyboardModifiers() << Kind::Pan << 60.0;
    QTest::newRow("a notch zooms in by a quarter")
        << QPoint(0, 120) << content << Qt::KeyboardModifiers() << Kind::Zoom << 1.25;
    QTest::newRow("a notch back zooms out")
        << QPoint(0, -120) << content << Qt::KeyboardModifiers() << Kind::Zoom << 0.8;
    QTest::newRow("with Ctrl it zooms finely")
        << QPoint(0, 120) << content << Qt::KeyboardModifiers(Qt::ControlModifier) << Kind::Zoom << 1.05;
}

void TestTimelineInputHandler::wheel()
{
    QFETCH(QPoint, angle);
    QFETCH(int, x);
    QFETCH(Qt::KeyboardModifiers, modifiers);
    QFETCH(InputHandler::WheelIntent::Kind, kind);
    QFETCH(double, amount);
    const InputHandler::WheelIntent intent = InputHandler::wheel(angle, QPointF(x, 200), modifiers);
    QCOMPARE(intent.kind, kind);
    switch (kind) {
    case InputHandler::WheelIntent::Kind::Scroll:
        QCOMPARE(double(intent.scrollBy), amount);
        break;
    case InputHandler::WheelIntent::Kind::Pan:
        QCOMPARE(intent.panPx, amount);
        break;
    case InputHandler::WheelIntent::Kind::Zoom:
        QVERIFY(std::abs(intent.factor - amount) < 1e-12);
        QCOMPARE(intent.anchorX, double(x - Timeline::GutterWidth)); // around the pointer
        break;
    }
}

void TestTimelineInputHandler::pressMoveRelease_data()
{
    QTest::addColumn<QPoint>("press");
    QTest::addColumn<Qt::MouseButton>("button");
    QTest::addColumn<QPoint>("moveTo");
    QTest::addColumn<bool>("drags");
    QTest::addColumn<InputHandler::Release>("release");
    QTest::newRow("a short move is still a click")
        << QPoint(600, 100) << Qt::LeftButton << QPoint(603, 101) << false << InputHandler::Release::Click;
    QTest::newRow("a long move drags") << QPoint(600, 100) << Qt::LeftButton << QPoint(700, 130) << true
                                       << InputHandler::Release::DragEnded;
    QTest::newRow("the middle button drags too")
        << QPoint(600, 100) << Qt::MiddleButton << QPoint(500, 100) << true << InputHandler::Release::DragEnded;
    QTest::newRow("a drag cannot start on the labels")
        << QPoint(100, 100) << Qt::LeftButton << QPoint(400, 100) << false << InputHandler::Release::Click;
    QTest::newRow("the right button neither clicks nor drags")
        << QPoint(600, 100) << Qt::RightButton << QPoint(700, 100) << false << InputHandler::Release::None;
}

void TestTimelineInputHandler::pressMoveRelease()
{
    QFETCH(QPoint, press);
    QFETCH(Qt::MouseButton, button);
    QFETCH(QPoint, moveTo);
    QFETCH(bool, drags);
    QFETCH(InputHandler::Release, release);
    InputHandler input;
    QCOMPARE(input.press(press, button), button != Qt::RightButton);
    const InputHandler::Move move = input.move(moveTo, 10);
    QCOMPARE(move.dragStarted, drags);
    QCOMPARE(move.dragging, drags);
    if (drags) {
        QCOMPARE(move.delta, moveTo - press);
        // The next move reports only what it added.
        QCOMPARE(input.move(moveTo + QPoint(5, 0), 10).delta, QPoint(5, 0));
    }
    QCOMPARE(input.release(), release);
    QCOMPARE(input.release(), InputHandler::Release::None); // a release without a press
}

void TestTimelineInputHandler::shiftDragSelectsARange_data()
{
    QTest::addColumn<QPoint>("press");
    QTest::addColumn<QPoint>("moveTo");
    QTest::addColumn<bool>("selects");
    QTest::newRow("shift+drag on the content selects from the press to the pointer")
        << QPoint(600, 100) << QPoint(700, 140) << true;
    QTest::newRow("leftwards too") << QPoint(700, 100) << QPoint(600, 100) << true;
    QTest::newRow("not from the labels") << QPoint(100, 100) << QPoint(400, 100) << false;
}

void TestTimelineInputHandler::shiftDragSelectsARange()
{
    QFETCH(QPoint, press);
    QFETCH(QPoint, moveTo);
    QFETCH(bool, selects);
    InputHandler input;
    QVERIFY(input.press(press, Qt::LeftButton, Qt::ShiftModifier));
    const InputHandler::Move move = input.move(moveTo, 10);
    QCOMPARE(move.selectingRange, selects);
    if (selects) {
        QVERIFY(move.dragging);
        QCOMPARE(move.rangeFromX, press.x());
        QCOMPARE(move.rangeToX, moveTo.x());
        QCOMPARE(move.delta, QPoint()); // a range drag does not pan
        QCOMPARE(input.release(), InputHandler::Release::RangeSelected);
    } else {
        QCOMPARE(input.release(), InputHandler::Release::Click);
    }
}

void TestTimelineInputHandler::hoverFollowsThePointerOverTheContent()
{
    InputHandler input;
    QCOMPARE(input.hoverX(), -1);
    QVERIFY(input.move(QPoint(500, 50), 10).hoverChanged);
    QCOMPARE(input.hoverX(), 500);
    QVERIFY(!input.move(QPoint(500, 80), 10).hoverChanged);
    QVERIFY(input.move(QPoint(50, 80), 10).hoverChanged);
    QCOMPARE(input.hoverX(), -1);
    input.move(QPoint(500, 50), 10);
    input.leave();
    QCOMPARE(input.hoverX(), -1);
}

void TestTimelineInputHandler::click_data()
{
    using Target = InputHandler::Click::Target;
    QTest::addColumn<QString>("where"); // label, section, content, badge
    QTest::addColumn<LaneId>("lane");
    QTest::addColumn<qint64>("at");
    QTest::addColumn<bool>("follow");
    QTest::addColumn<Target>("target");
    QTest::newRow("a span selects it") << QStringLiteral("content") << Ui << 20 * Ms << false << Target::Span;
    QTest::newRow("an alert band opens the alert")
        << QStringLiteral("content") << Ui << 50 * Ms << false << Target::Alert;
    QTest::newRow("empty content clears the selection")
        << QStringLiteral("content") << Worker << 55 * Ms << false << Target::Empty;
    QTest::newRow("the aggregate lane expands its group")
        << QStringLiteral("content") << GroupFirst << 3 * Ms << false << Target::ToggleRow;
    QTest::newRow("a lane's label does nothing")
        << QStringLiteral("label") << Worker << 0ll << false << Target::Nothing;
    QTest::newRow("a group's label expands it")
        << QStringLiteral("label") << GroupFirst << 0ll << false << Target::ToggleRow;
    QTest::newRow("a section's label collapses it")
        << QStringLiteral("section") << NoLane << 0ll << false << Target::ToggleRow;
    QTest::newRow("the badge of a paused view catches up")
        << QStringLiteral("badge") << NoLane << 0ll << false << Target::CatchUp;
    QTest::newRow("the badge of a following view does not")
        << QStringLiteral("badge") << NoLane << 0ll << true << Target::Empty;
}

void TestTimelineInputHandler::click()
{
    QFETCH(QString, where);
    QFETCH(LaneId, lane);
    QFETCH(qint64, at);
    QFETCH(bool, follow);
    QFETCH(InputHandler::Click::Target, target);
    TraceStore store;
    fill(store);
    Controller controller;
    const bool badge = where == QLatin1StringView("badge");
    controller.setStore(&store, badge);
    controller.setContentWidth(784);
    controller.resetView();
    if (!badge)
        controller.zoomToRange(0, 60 * Ms);
    controller.setFollowLive(follow);
    const TimelineLayout &layout = controller.layout();
    QPoint pos;
    QRect badgeRect;
    if (where == QLatin1StringView("content")) {
        pos = controller.pointOf(lane, 0, at);
    } else if (where == QLatin1StringView("label")) {
        pos = QPoint(40, controller.rowTopOnScreen(layout.rows()[std::size_t(layout.rowOfLane(lane))]) + 8);
    } else if (where == QLatin1StringView("section")) {
        pos = QPoint(40, controller.rowTopOnScreen(layout.rows()[0]) + 8);
    } else {
        // Below the rows, where nothing else is: only the badge is there.
        badgeRect = QRect(Timeline::GutterWidth + 600, 1000, 150, 20);
        pos = badgeRect.center();
    }
    const InputHandler::Click click = InputHandler::click(pos, controller, badgeRect);
    QCOMPARE(click.target, target);
    if (target == InputHandler::Click::Target::Span)
        QCOMPARE(click.hit.lane, lane);
    if (target == InputHandler::Click::Target::Alert)
        QCOMPARE(click.alert, 7u);
    if (target == InputHandler::Click::Target::ToggleRow)
        QCOMPARE(layout.rows()[std::size_t(click.row)].type == TimelineRow::Type::Lane, false);
}

QTEST_MAIN(TestTimelineInputHandler)
#include "tst_timelineinputhandler.moc"
