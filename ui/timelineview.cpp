#include "ui/timelineview.h"

#include "model/trace/laneregistry.h"
#include "model/trace/traceclock.h"
#include "model/trace/tracenames.h"
#include "model/trace/tracerecorder.h"
#include "ui/timeline/tooltipbuilder.h"

#include <QApplication>
#include <QContextMenuEvent>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QMenu>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>

using Taskscope::Trace::LaneId;
using Taskscope::Trace::LaneKind;
using Taskscope::Trace::LaneRegistry;
using Taskscope::Trace::NameId;
using Taskscope::Trace::SpanItem;
using Taskscope::Trace::StoredSpan;
using Taskscope::Trace::TraceClock;
using Taskscope::Trace::TraceNames;
using Taskscope::Trace::TraceScope;
using Taskscope::Trace::TraceStore;
using Taskscope::Trace::UiThreadLane;

namespace Taskscope::Ui {

using Timeline::InputHandler;

TimelineView::TimelineView(QWidget *parent)
    : QWidget(parent)
    , m_renderer(font())
{
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setMinimumSize(480, 200);
    setAccessibleName(QStringLiteral("Timeline"));
    m_renderer.setPalette(TimelinePalette(palette()));

    m_scrollBar = new QScrollBar(Qt::Vertical, this);
    m_scrollBar->setCursor(Qt::ArrowCursor);
    connect(m_scrollBar, &QScrollBar::valueChanged, this, [this](int value) {
        m_controller.setScrollY(value, m_scrollBar->maximum());
        update();
    });
    connect(&m_controller, &Timeline::Controller::viewportChanged, this, &TimelineView::viewportChanged);
    connect(&m_controller, &Timeline::Controller::followLiveChanged, this, [this](bool follow) {
        Q_EMIT followLiveChanged(follow);
        update();
    });
    m_controller.setContentWidth(contentWidth());
}

TimelineView::~TimelineView() = default;

// ---- state ---------------------------------------------------------------------------------------

void TimelineView::setStore(const TraceStore *store, bool live)
{
    m_selection = {};
    m_renderer.alerts().setHighlight(0);
    m_renderer.clearStore();
    m_controller.setStore(store, live);
    syncScrollBar();
    m_controller.resetView();
    Q_EMIT selectionChanged(m_selection);
    update();
}

void TimelineView::setFollowLive(bool follow)
{
    m_controller.setFollowLive(follow);
}

void TimelineView::onFrame(quint64 events)
{
    m_controller.onFrame(events);
    // A still view over unchanged data does not need 60 repaints a second; the badge still ticks.
    if (m_controller.followsLive() || events > 0 || m_input.hoverX() >= 0)
        update();
    else if (m_controller.isLive())
        update(m_badgeRect.adjusted(-4, -4, 4, 4));
}

void TimelineView::fitAll()
{
    m_controller.fitAll();
    update();
}

void TimelineView::fitRun(qint64 startNs, qint64 endNs)
{
    m_controller.fitRun(startNs, endNs);
    update();
}

void TimelineView::showRange(qint64 t0, qint64 t1)
{
    m_controller.showRange(t0, t1);
    update();
}

void TimelineView::setLanePinned(LaneId lane, bool pinned)
{
    m_controller.layout().setPinned(lane, pinned);
    relayout();
    scrollToLane(lane);
    update();
}

void TimelineView::contextMenuEvent(QContextMenuEvent *event)
{
    ensureLayout();
    const TimelineLayout &layout = m_controller.layout();
    const int row = event->pos().y() < RulerHeight ? -1 : layout.rowAt(event->pos().y() - RulerHeight + scrollY());
    if (row < 0)
        return;
    const TimelineRow &r = layout.rows()[std::size_t(row)];
    QMenu menu(this);
    if (r.type == TimelineRow::Type::Lane) {
        const bool pinned = layout.isPinned(r.lane);
        menu.addAction(pinned ? QStringLiteral("Unpin lane") : QStringLiteral("Pin lane to the top"), this,
                       [this, lane = r.lane, pinned] { setLanePinned(lane, !pinned); });
    }
    const QString key = layout.groupKeyOf(r);
    if (!key.isEmpty()) {
        menu.addAction(QStringLiteral("Hide group “%1”").arg(LaneFilter::groupNameOf(key)), this,
                       [this, key] { Q_EMIT hideGroupRequested(key); });
    }
    if (menu.actions().isEmpty())
        return;
    menu.exec(event->globalPos());
}

void TimelineView::setRange(qint64 startNs, qint64 endNs)
{
    if (endNs <= startNs)
        startNs = endNs = 0;
    if (startNs == m_rangeStartNs && endNs == m_rangeEndNs)
        return;
    m_rangeStartNs = startNs;
    m_rangeEndNs = endNs;
    Q_EMIT rangeChanged(startNs, endNs);
    update();
}

void TimelineView::setLaneFilter(const LaneFilter &filter)
{
    if (filter == m_controller.layout().filter())
        return;
    m_controller.layout().setFilter(filter);
    relayout();
    update();
}

LaneId TimelineView::ownWorkLane()
{
    static const LaneId lane = LaneRegistry::create(LaneKind::Thread, u"Taskscope timeline paint",
                                                    LaneFilter::ownWorkGroup(), UiThreadLane);
    return lane;
}

void TimelineView::zoomToRange(qint64 t0, qint64 t1)
{
    m_controller.zoomToRange(t0, t1);
    update();
}

void TimelineView::zoomBy(double factor, double anchorX)
{
    m_controller.zoomBy(factor, anchorX);
    update();
}

void TimelineView::panByPixels(double dx)
{
    m_controller.panByPixels(dx);
    update();
}

void TimelineView::zoomIn()
{
    zoomBy(1.5, contentWidth() / 2.0);
}

void TimelineView::zoomOut()
{
    zoomBy(1 / 1.5, contentWidth() / 2.0);
}

void TimelineView::clearSelection()
{
    if (!m_selection.valid)
        return;
    m_selection = {};
    Q_EMIT selectionChanged(m_selection);
    update();
}

bool TimelineView::selectSpanAt(LaneId lane, int depth, qint64 ns)
{
    const TraceStore *store = m_controller.store();
    if (!store)
        return false;
    const StoredSpan *span = store->spanAt(lane, depth, ns);
    if (!span)
        return false;
    select(Timeline::HitTester::spanHit(*store, lane, depth, *span));
    return true;
}

void TimelineView::select(const Timeline::SpanHit &hit)
{
    const TraceStore *store = m_controller.store();
    if (!hit.found || !store) {
        clearSelection();
        return;
    }
    const SpanItem &it = hit.item;
    m_selection = SpanSelection::resolve(*store, hit.lane, hit.depth, it.startNs, it.endNs, it.open, it.name, it.kind,
                                         it.link, it.arg);
    Q_EMIT selectionChanged(m_selection);
    update();
}

void TimelineView::highlightAlert(quint32 alertId)
{
    m_renderer.alerts().setHighlight(alertId);
    update();
}

void TimelineView::expandAllGroups()
{
    m_controller.layout().expandAll();
    m_controller.invalidateLayout();
    update();
}

void TimelineView::toggleRow(int row)
{
    m_controller.layout().toggle(m_controller.layout().rows()[std::size_t(row)]);
    relayout();
    update();
}

// ---- geometry ------------------------------------------------------------------------------------

int TimelineView::scrollBarWidth() const
{
    return m_scrollBar && m_scrollBar->isVisible() ? m_scrollBar->width() : 0;
}

int TimelineView::contentWidth() const
{
    return std::max(1, width() - GutterWidth - scrollBarWidth());
}

QRect TimelineView::contentRect() const
{
    return QRect(GutterWidth, RulerHeight, contentWidth(), std::max(0, height() - RulerHeight));
}

void TimelineView::relayout()
{
    m_controller.invalidateLayout();
    ensureLayout();
}

void TimelineView::ensureLayout()
{
    if (m_controller.ensureLayout())
        syncScrollBar();
}

void TimelineView::syncScrollBar()
{
    const int visible = visibleHeight();
    const int maximum = m_controller.maxScrollY(visible);
    const bool show = maximum > 0;
    if (m_scrollBar->isVisible() != show) {
        m_scrollBar->setVisible(show);
        m_controller.setContentWidth(contentWidth());
    }
    const int barWidth = m_scrollBar->sizeHint().width();
    m_scrollBar->setGeometry(width() - barWidth, RulerHeight, barWidth, visible);
    m_scrollBar->setRange(0, maximum);
    m_scrollBar->setPageStep(std::max(visible, 1));
    m_scrollBar->setSingleStep(TimelineLayout::DepthHeight * 2);
    m_controller.setScrollY(m_controller.scrollY(), maximum);
    if (m_scrollBar->value() != m_controller.scrollY())
        m_scrollBar->setValue(m_controller.scrollY());
}

void TimelineView::setScrollY(int y)
{
    ensureLayout();
    m_scrollBar->setValue(y);
    m_controller.setScrollY(y, m_scrollBar->maximum());
    update();
}

void TimelineView::scrollToLane(LaneId lane)
{
    ensureLayout();
    const int y = m_controller.scrollYForLane(lane, visibleHeight());
    if (y >= 0)
        setScrollY(y);
}

void TimelineView::scrollToSection(LaneKind kind)
{
    ensureLayout();
    const int y = m_controller.scrollYForSection(kind);
    if (y >= 0)
        setScrollY(y);
}

// ---- painting ------------------------------------------------------------------------------------

void TimelineView::paintEvent(QPaintEvent *)
{
    static const NameId paintName = TraceNames::intern(QStringLiteral("timeline paint"));
    // On a lane of its own, so the UI thread's lane shows the program's work, not this paint.
    const TraceScope scope(ownWorkLane(), paintName);
    const qint64 start = TraceClock::nowNs();
    QPainter painter(this);
    render(painter, size());
    const qint64 end = TraceClock::nowNs();
    const qint64 interval = m_lastPaintStartNs ? start - m_lastPaintStartNs : 0;
    m_lastPaintStartNs = start;
    Q_EMIT framePainted(end - start, interval);
}

void TimelineView::render(QPainter &p, const QSize &size)
{
    ensureLayout();
    const int cw = std::max(1, size.width() - GutterWidth - (size == this->size() ? scrollBarWidth() : 0));
    if (m_controller.viewport().width() != cw) {
        m_controller.setContentWidth(cw);
        m_controller.followLiveEdge();
    }
    const Timeline::Renderer::Frame frame {m_selection, m_input.hoverX(), scrollBarWidth(), m_rangeStartNs,
                                           m_rangeEndNs};
    m_badgeRect = m_renderer.render(p, size, m_controller, frame);
}

// ---- input ---------------------------------------------------------------------------------------

void TimelineView::resizeEvent(QResizeEvent *)
{
    const double range = m_controller.viewport().rangeNs();
    syncScrollBar();
    m_controller.resizeContent(contentWidth(), range);
}

void TimelineView::mousePressEvent(QMouseEvent *event)
{
    if (!m_input.press(event->position().toPoint(), event->button(), event->modifiers()))
        QWidget::mousePressEvent(event);
}

void TimelineView::mouseMoveEvent(QMouseEvent *event)
{
    const InputHandler::Move move = m_input.move(event->position().toPoint(), QApplication::startDragDistance());
    if (move.dragStarted)
        setCursor(move.selectingRange ? Qt::SplitHCursor : Qt::ClosedHandCursor);
    if (move.selectingRange) {
        // The band follows the pointer; the range is announced once, on release.
        const double a = m_controller.viewport().timeAt(move.rangeFromX - GutterWidth);
        const double b = m_controller.viewport().timeAt(move.rangeToX - GutterWidth);
        m_rangeStartNs = qint64(std::min(a, b));
        m_rangeEndNs = qint64(std::max(a, b));
        update();
        return;
    }
    if (move.dragging) {
        if (move.delta.x() != 0)
            m_controller.panByPixels(move.delta.x());
        if (move.delta.y() != 0)
            m_scrollBar->setValue(m_scrollBar->value() - move.delta.y());
        update();
        return;
    }
    if (move.hoverChanged)
        update();
}

void TimelineView::mouseReleaseEvent(QMouseEvent *event)
{
    switch (m_input.release()) {
    case InputHandler::Release::None:
        return;
    case InputHandler::Release::DragEnded:
        unsetCursor();
        return;
    case InputHandler::Release::RangeSelected:
        unsetCursor();
        Q_EMIT rangeChanged(m_rangeStartNs, m_rangeEndNs);
        return;
    case InputHandler::Release::Click:
        onClick(event->position().toPoint());
        return;
    }
}

void TimelineView::onClick(const QPoint &pos)
{
    const InputHandler::Click click = InputHandler::click(pos, m_controller, m_badgeRect);
    switch (click.target) {
    case InputHandler::Click::Target::CatchUp:
        catchUp();
        break;
    case InputHandler::Click::Target::ToggleRow:
        toggleRow(click.row);
        break;
    case InputHandler::Click::Target::Nothing:
        break;
    case InputHandler::Click::Target::Span:
        select(click.hit);
        break;
    case InputHandler::Click::Target::Alert:
        highlightAlert(click.alert);
        Q_EMIT alertClicked(click.alert);
        break;
    case InputHandler::Click::Target::Empty:
        clearSelection();
        break;
    }
}

void TimelineView::mouseDoubleClickEvent(QMouseEvent *event)
{
    const Timeline::SpanHit hit = Timeline::HitTester(m_controller).spanAt(event->position().toPoint());
    if (hit.found)
        zoomToRange(hit.item.startNs, hit.item.endNs);
}

void TimelineView::wheelEvent(QWheelEvent *event)
{
    const InputHandler::WheelIntent intent = InputHandler::wheel(event->angleDelta(), event->position(),
                                                                 event->modifiers());
    switch (intent.kind) {
    case InputHandler::WheelIntent::Kind::Scroll:
        m_scrollBar->setValue(m_scrollBar->value() + intent.scrollBy);
        break;
    case InputHandler::WheelIntent::Kind::Pan:
        panByPixels(intent.panPx);
        break;
    case InputHandler::WheelIntent::Kind::Zoom:
        zoomBy(intent.factor, intent.anchorX);
        break;
    }
    event->accept();
}

void TimelineView::keyPressEvent(QKeyEvent *event)
{
    const InputHandler::KeyAction action = InputHandler::keyAction(event->key());
    if (action == InputHandler::KeyAction::None) {
        QWidget::keyPressEvent(event);
        return;
    }
    onKeyAction(action);
    event->accept();
}

void TimelineView::onKeyAction(InputHandler::KeyAction action)
{
    using Action = InputHandler::KeyAction;
    const int width = m_controller.viewport().width();
    const double panStep = width * 0.15;
    switch (action) {
    case Action::ZoomIn:
        zoomBy(1.5, InputHandler::keyZoomAnchor(m_input.hoverX(), width));
        break;
    case Action::ZoomOut:
        zoomBy(1 / 1.5, InputHandler::keyZoomAnchor(m_input.hoverX(), width));
        break;
    case Action::PanEarlier:
        panByPixels(panStep);
        break;
    case Action::PanLater:
        panByPixels(-panStep);
        break;
    case Action::FollowLive:
        setFollowLive(true);
        break;
    case Action::ToggleFollow:
        setFollowLive(!m_controller.followsLive());
        break;
    case Action::FitAll:
        fitAll();
        break;
    case Action::ClearSelection:
        clearSelection();
        clearRange();
        break;
    case Action::PageDown:
        m_scrollBar->triggerAction(QAbstractSlider::SliderPageStepAdd);
        break;
    case Action::PageUp:
        m_scrollBar->triggerAction(QAbstractSlider::SliderPageStepSub);
        break;
    case Action::LineUp:
        m_scrollBar->triggerAction(QAbstractSlider::SliderSingleStepSub);
        break;
    case Action::LineDown:
        m_scrollBar->triggerAction(QAbstractSlider::SliderSingleStepAdd);
        break;
    case Action::None:
        break;
    }
}

void TimelineView::leaveEvent(QEvent *event)
{
    m_input.leave();
    update();
    QWidget::leaveEvent(event);
}

void TimelineView::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange) {
        m_renderer.setPalette(TimelinePalette(palette()));
        update();
    } else if (event->type() == QEvent::FontChange) {
        m_renderer.setFont(font());
    }
    QWidget::changeEvent(event);
}

bool TimelineView::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const QString text =
            Timeline::TooltipBuilder(m_controller, m_renderer.aggregates()).at(help->pos(), m_badgeRect);
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, this);
        return true;
    }
    return QWidget::event(event);
}

} // namespace Taskscope::Ui
