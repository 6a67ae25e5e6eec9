#include "ui/timelineview.h"

#include "model/timeformat.h"
#include "model/traceclock.h"
#include "model/tracenames.h"
#include "model/tracerecorder.h"

#include <QApplication>
#include <QFontMetricsF>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QScrollBar>
#include <QStyle>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace {

// Style buckets: rectangles of one look are collected during a paint and filled with one call.
constexpr int HueBuckets = TimelinePalette::HueCount;
constexpr int SpanBucket0 = 0;
constexpr int ThreadCoroBucket0 = SpanBucket0 + HueBuckets;
constexpr int FoldedBucket0 = ThreadCoroBucket0 + HueBuckets;
constexpr int RunningBucket = FoldedBucket0 + HueBuckets;
constexpr int SuspendedBucket = RunningBucket + 1;
constexpr int ReadyBucket = SuspendedBucket + 1;
constexpr int FoldedRunningBucket = ReadyBucket + 1;
constexpr int FoldedSuspendedBucket = FoldedRunningBucket + 1;
constexpr int FoldedReadyBucket = FoldedSuspendedBucket + 1;
constexpr int CoroStripeBucket = FoldedReadyBucket + 1;
constexpr int InstantBucket = CoroStripeBucket + 1;
constexpr int BucketCount = InstantBucket + 1;
constexpr int MaxFlowsDrawn = 64; // past this, only the selected span's flows are drawn (as Perfetto does)

constexpr int MaxGroupLanesPerPaint = 4096; // beyond this a group's density is sampled, and says so
constexpr qint64 LayoutRefreshNs = 400'000'000;
constexpr int MinLabelPx = 28;

double niceStep(double rawNs)
{
    if (!(rawNs > 0))
        return 1;
    const double magnitude = std::pow(10.0, std::floor(std::log10(rawNs)));
    const double fraction = rawNs / magnitude;
    const double nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
    return std::max(1.0, nice * magnitude);
}

NameId stateName(SpanKind kind)
{
    static const NameId running = TraceNames::intern(QStringLiteral("running"));
    static const NameId suspended = TraceNames::intern(QStringLiteral("suspended"));
    static const NameId ready = TraceNames::intern(QStringLiteral("ready"));
    switch (kind) {
    case SpanKind::CoroutineRunning:
        return running;
    case SpanKind::CoroutineReady:
        return ready;
    default:
        return suspended;
    }
}

// Qt's raster engine hands any fill of more than ~96 scanlines to its GUI thread pool in parts
// and waits for them. For a 1 px grid line or a faint band that is all thread wake-ups and no work
// (240 of them per frame measured with 9 grid lines and 6 alert bands, ~3 ms on two cores), so tall
// fills are issued in strips short enough to stay on the painting thread. Same pixels.
constexpr int SerialFillRows = 64;

void fillTall(QPainter &p, const QRectF &rect, const QColor &color)
{
    for (double y = rect.top(); y < rect.bottom(); y += SerialFillRows)
        p.fillRect(QRectF(rect.left(), y, rect.width(), std::min<double>(SerialFillRows, rect.bottom() - y)), color);
}

void verticalLine(QPainter &p, double x, double y0, double y1, const QColor &color, double width = 1.0)
{
    fillTall(p, QRectF(std::floor(x - (width - 1) / 2), y0, std::max(1.0, std::round(width)), y1 - y0), color);
}

QString laneTitle(const LaneInfo &info)
{
    const QString name = TraceNames::name(info.name);
    if (!name.isEmpty())
        return name;
    return QStringLiteral("lane %1").arg(info.id);
}

} // namespace

TimelineView::TimelineView(QWidget *parent)
    : QWidget(parent)
    , m_palette(palette())
{
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setMinimumSize(480, 200);
    setAccessibleName(QStringLiteral("Timeline"));

    m_scrollBar = new QScrollBar(Qt::Vertical, this);
    m_scrollBar->setCursor(Qt::ArrowCursor);
    connect(m_scrollBar, &QScrollBar::valueChanged, this, [this](int value) {
        m_scrollY = value;
        update();
    });

    m_font = font();
    m_font.setPointSizeF(std::max(8.0, m_font.pointSizeF() * 0.92));
    m_smallFont = m_font;
    m_smallFont.setPointSizeF(m_font.pointSizeF() * 0.9);
    m_boldFont = m_font;
    m_boldFont.setBold(true);

    m_buckets.resize(BucketCount);
    m_bucketBrushes.resize(BucketCount);

    m_viewport.setWidth(contentWidth());
}

TimelineView::~TimelineView() = default;

// ---- state ---------------------------------------------------------------------------------------

void TimelineView::setStore(const TraceStore *store, bool live)
{
    m_store = store;
    m_live = live && store;
    m_selection = {};
    m_highlightAlert = 0;
    m_eventsBehind = 0;
    m_density.clear();
    m_layoutDirty = true;
    m_scrollY = 0;
    relayout();
    if (m_live) {
        TimelineViewport v = m_viewport;
        v.setRange(0, double(m_followWindowNs));
        setViewport(v);
        setFollowLive(true);
    } else {
        setFollowLive(false);
        fitAll();
    }
    Q_EMIT selectionChanged(m_selection);
    update();
}

qint64 TimelineView::liveEdgeNs() const
{
    if (!m_store)
        return 0;
    if (m_live)
        return std::max(TraceClock::nowNs(), m_store->lastNs());
    return m_store->lastNs();
}

qint64 TimelineView::nsBehind() const
{
    if (!m_live || m_follow)
        return 0;
    return std::max<qint64>(0, liveEdgeNs() - qint64(m_viewport.endNs()));
}

void TimelineView::setFollowWindowNs(qint64 ns)
{
    m_followWindowNs = std::max<qint64>(ns, 1000);
    if (m_follow) {
        TimelineViewport v = m_viewport;
        v.setRange(0, double(m_followWindowNs));
        setViewport(v);
        applyFollow();
    }
}

void TimelineView::setFollowLive(bool follow)
{
    follow = follow && m_live;
    if (follow == m_follow)
        return;
    m_follow = follow;
    if (m_follow) {
        m_eventsBehind = 0;
        applyFollow();
    }
    Q_EMIT followLiveChanged(m_follow);
    update();
}

void TimelineView::applyFollow()
{
    if (!m_follow || !m_store)
        return;
    TimelineViewport v = m_viewport;
    v.followTo(double(liveEdgeNs()));
    // While the capture is younger than the window, grow from the left edge instead of showing
    // empty time before the trace began.
    const double origin = m_store->firstNs() <= m_store->lastNs() ? std::min<double>(double(m_store->firstNs()), 0.0) : 0.0;
    v.setStart(std::max(v.startNs(), origin - v.rangeNs() * 0.01));
    setViewport(v);
}

void TimelineView::setViewport(const TimelineViewport &viewport)
{
    if (viewport == m_viewport)
        return;
    m_viewport = viewport;
    Q_EMIT viewportChanged();
}

void TimelineView::clampViewport()
{
    if (!m_store || m_store->lanes().isEmpty() || m_store->lastNs() < m_store->firstNs())
        return;
    TimelineViewport v = m_viewport;
    v.clampTo(double(m_store->firstNs()), double(liveEdgeNs()));
    setViewport(v);
}

void TimelineView::onFrame(quint64 events)
{
    if (!m_follow)
        m_eventsBehind += events;
    if (m_store && m_store->laneGeneration() != m_layoutLaneGeneration)
        m_layoutDirty = true;
    applyFollow();
    // A still view over unchanged data does not need 60 repaints a second; the badge still ticks.
    if (m_follow || events > 0 || m_hoverX >= 0)
        update();
    else if (m_live)
        update(m_badgeRect.adjusted(-4, -4, 4, 4));
}

void TimelineView::fitAll()
{
    if (!m_store || m_store->lastNs() < m_store->firstNs()) {
        update();
        return;
    }
    const double t0 = double(m_store->firstNs());
    const double t1 = double(std::max(liveEdgeNs(), m_store->firstNs() + 1000));
    const double margin = (t1 - t0) * 0.02;
    setFollowLive(false);
    TimelineViewport v = m_viewport;
    v.setRange(t0 - margin, t1 + margin);
    setViewport(v);
    update();
}

void TimelineView::zoomToRange(qint64 t0, qint64 t1)
{
    if (t1 <= t0)
        t1 = t0 + 1000;
    const double margin = double(t1 - t0) * 0.15;
    setFollowLive(false);
    TimelineViewport v = m_viewport;
    v.setRange(double(t0) - margin, double(t1) + margin);
    setViewport(v);
    update();
}

void TimelineView::zoomBy(double factor, double anchorX)
{
    TimelineViewport v = m_viewport;
    if (m_follow) {
        // Zooming keeps following: the live edge stays where it is.
        v.zoomAround(v.xOf(double(liveEdgeNs())), factor);
        setViewport(v);
        applyFollow();
    } else {
        v.zoomAround(anchorX, factor);
        setViewport(v);
        clampViewport();
    }
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
    if (!m_store)
        return false;
    const StoredSpan *span = m_store->spanAt(lane, depth, ns);
    if (!span)
        return false;
    SpanHit hit;
    hit.found = true;
    hit.lane = lane;
    hit.depth = depth;
    hit.item = SpanItem {span->startNs, span->isOpen() ? std::max(m_store->lastNs(), span->startNs) : span->endNs,
                         span->name, span->link, span->arg, 1, std::uint16_t(depth), span->kind, span->kind, span->isOpen()};
    select(hit);
    return true;
}

void TimelineView::select(const SpanHit &hit)
{
    if (!hit.found || !m_store) {
        clearSelection();
        return;
    }
    const SpanItem &it = hit.item;
    m_selection = SpanSelection::resolve(*m_store, hit.lane, hit.depth, it.startNs, it.endNs, it.open, it.name,
                                         it.kind, it.link, it.arg);
    Q_EMIT selectionChanged(m_selection);
    update();
}

void TimelineView::highlightAlert(quint32 alertId)
{
    m_highlightAlert = alertId;
    update();
}

void TimelineView::expandAllGroups()
{
    m_layout.expandAll();
    m_layoutDirty = true;
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
    m_layoutDirty = true;
    ensureLayout();
}

void TimelineView::ensureLayout()
{
    if (!m_store) {
        if (!m_layout.rows().empty())
            m_layout.clear();
        syncScrollBar();
        return;
    }
    const qint64 now = TraceClock::nowNs();
    const bool lanesChanged = m_store->laneGeneration() != m_layoutLaneGeneration;
    const bool dataChanged = m_store->spanCount() != m_layoutSpanCount;
    if (!m_layoutDirty && !lanesChanged && !(dataChanged && now - m_layoutBuiltAtNs > LayoutRefreshNs))
        return;
    m_layout.rebuild(*m_store);
    m_layoutLaneGeneration = m_store->laneGeneration();
    m_layoutSpanCount = m_store->spanCount();
    m_layoutBuiltAtNs = now;
    m_layoutDirty = false;
    ++m_layoutVersion;
    syncScrollBar();
}

void TimelineView::syncScrollBar()
{
    const int visible = std::max(0, height() - RulerHeight);
    const int maximum = std::max(0, m_layout.totalHeight() - visible);
    const bool show = maximum > 0;
    if (m_scrollBar->isVisible() != show) {
        m_scrollBar->setVisible(show);
        m_viewport.setWidth(contentWidth());
    }
    m_scrollBar->setGeometry(width() - m_scrollBar->sizeHint().width(), RulerHeight, m_scrollBar->sizeHint().width(), visible);
    m_scrollBar->setRange(0, maximum);
    m_scrollBar->setPageStep(std::max(visible, 1));
    m_scrollBar->setSingleStep(TimelineLayout::DepthHeight * 2);
    m_scrollY = std::clamp(m_scrollY, 0, maximum);
    if (m_scrollBar->value() != m_scrollY)
        m_scrollBar->setValue(m_scrollY);
}

void TimelineView::setScrollY(int y)
{
    ensureLayout();
    m_scrollBar->setValue(y);
    m_scrollY = std::clamp(y, 0, m_scrollBar->maximum());
    update();
}

void TimelineView::scrollToLane(LaneId lane)
{
    ensureLayout();
    const int index = m_layout.rowOfLane(lane);
    if (index < 0)
        return;
    const TimelineRow &row = m_layout.rows()[std::size_t(index)];
    const int visible = std::max(0, height() - RulerHeight);
    if (row.y < m_scrollY || row.y + row.height > m_scrollY + visible)
        setScrollY(std::max(0, row.y - visible / 4));
}

void TimelineView::scrollToSection(LaneKind kind)
{
    ensureLayout();
    for (const TimelineRow &row : m_layout.rows()) {
        if (row.type == TimelineRow::Type::Section && row.kind == kind) {
            setScrollY(row.y);
            return;
        }
    }
}

QPoint TimelineView::pointOf(LaneId lane, int depth, qint64 ns) const
{
    const int rowIndex = m_layout.rowOfLane(lane);
    if (rowIndex < 0)
        return {-1, -1};
    const TimelineRow &row = m_layout.rows()[std::size_t(rowIndex)];
    int y = rowTopOnScreen(row) + row.height / 2;
    if (row.type == TimelineRow::Type::Lane)
        y = TimelineLayout::depthY(row, depth) - m_scrollY + RulerHeight + TimelineLayout::DepthHeight / 2;
    const double x = GutterWidth + m_viewport.xOf(double(ns));
    return QPoint(int(std::floor(x)), y);
}

// ---- painting ------------------------------------------------------------------------------------

void TimelineView::paintEvent(QPaintEvent *)
{
    static const NameId paintName = TraceNames::intern(QStringLiteral("timeline paint"));
    const TraceScope scope(paintName);
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
    const int width = size.width();
    const int height = size.height();
    ensureLayout();
    const int cw = std::max(1, width - GutterWidth - (size == this->size() ? scrollBarWidth() : 0));
    if (m_viewport.width() != cw) {
        m_viewport.setWidth(cw);
        applyFollow();
    }

    p.setFont(m_font);
    p.fillRect(QRect(0, 0, width, height), m_palette.background());

    // Lane backgrounds and the grid under everything.
    const std::vector<TimelineRow> &rows = m_layout.rows();
    const int firstRow = std::max(0, m_layout.rowAt(m_scrollY) < 0 ? 0 : m_layout.rowAt(m_scrollY));
    int lastRow = firstRow;
    for (int i = firstRow; i < int(rows.size()); ++i) {
        const TimelineRow &row = rows[std::size_t(i)];
        const int top = rowTopOnScreen(row);
        if (top > height)
            break;
        lastRow = i;
        if (top + row.height < RulerHeight)
            continue;
        QColor bg = row.type == TimelineRow::Type::Section ? m_palette.sectionBackground()
                                                            : m_palette.laneBackground(i % 2 == 1);
        p.fillRect(QRect(GutterWidth, top, cw, row.height), bg);
    }
    {
        const double step = niceStep(m_viewport.nsPerPx() * 110);
        const double first = std::floor(m_viewport.startNs() / step) * step;
        for (double t = first; t < m_viewport.endNs(); t += step) {
            const double x = GutterWidth + m_viewport.xOf(t);
            if (x >= GutterWidth)
                verticalLine(p, x, RulerHeight, height, m_palette.grid());
        }
    }

    if (m_store) {
        p.setClipRect(QRect(GutterWidth, RulerHeight, cw, height - RulerHeight));
        paintAlerts(p, height);
        for (auto &bucket : m_buckets)
            bucket.clear();
        m_labels.clear();
        for (int i = firstRow; i <= lastRow && i < int(rows.size()); ++i) {
            const TimelineRow &row = rows[std::size_t(i)];
            const int top = rowTopOnScreen(row);
            if (top + row.height < RulerHeight)
                continue;
            if (row.type == TimelineRow::Type::Lane)
                paintLane(p, row, top);
            else if (row.type == TimelineRow::Type::Group && row.collapsed)
                paintGroup(p, row, top);
        }
        flushBuckets(p);
        for (int i = firstRow; i <= lastRow && i < int(rows.size()); ++i) {
            const TimelineRow &row = rows[std::size_t(i)];
            if (row.type == TimelineRow::Type::Lane && row.counters > 0)
                paintCounters(p, row, rowTopOnScreen(row));
        }
        paintFlows(p, height);
        paintAlertLabels(p);

        // The selection's outline.
        if (m_selection.valid) {
            const int rowIndex = m_layout.rowOfLane(m_selection.lane);
            if (rowIndex >= 0 && rows[std::size_t(rowIndex)].type == TimelineRow::Type::Lane) {
                const TimelineRow &row = rows[std::size_t(rowIndex)];
                const double x0 = std::max(GutterWidth - 4.0, GutterWidth + m_viewport.xOf(double(m_selection.startNs)));
                const double x1 = std::min(double(width + 4), GutterWidth + m_viewport.xOf(double(m_selection.endNs)));
                const int y = TimelineLayout::depthY(row, m_selection.depth) - m_scrollY + RulerHeight;
                p.setPen(QPen(m_palette.selection(), 2));
                p.setBrush(Qt::NoBrush);
                p.drawRect(QRectF(x0 - 1, y - 1, std::max(x1 - x0, 1.0) + 2, TimelineLayout::DepthHeight));
            }
        }
        if (m_hoverX >= GutterWidth && m_hoverX < GutterWidth + cw) {
            // Dashes (4 on, 2 off) drawn in 60 px pieces: a whole number of periods, each short
            // enough for the raster engine to keep on this thread (see fillTall).
            p.setPen(QPen(m_palette.hoverLine(), 1, Qt::DashLine));
            for (int y = RulerHeight; y < height; y += 60)
                p.drawLine(QLineF(m_hoverX + 0.5, y, m_hoverX + 0.5, std::min(y + 60, height)));
        }
        p.setClipping(false);
    }

    paintGutter(p, height);
    paintRuler(p, width);
    paintOverlay(p, size);
}

void TimelineView::addLabel(const QRectF &rect, NameId name, const QString &fallback, const QColor &color, bool centred)
{
    if (rect.width() < MinLabelPx)
        return;
    QString text;
    if (name != 0) {
        if (name >= m_nameWidth.size() && name < (1u << 22))
            m_nameWidth.resize(std::size_t(name) + 1024, -1.f);
        const QString full = TraceNames::name(name);
        float w = name < m_nameWidth.size() ? m_nameWidth[name] : -1.f;
        if (w < 0) {
            w = float(QFontMetricsF(m_font).horizontalAdvance(full));
            if (name < m_nameWidth.size())
                m_nameWidth[name] = w;
        }
        if (w <= rect.width() - 8) {
            text = full;
        } else {
            const int bucket = int(rect.width() - 8) / 8;
            const quint64 key = (quint64(name) << 16) | quint64(std::min(bucket, 0xffff));
            const auto it = m_elideCache.constFind(key);
            if (it != m_elideCache.cend()) {
                text = *it;
            } else {
                if (m_elideCache.size() > 50'000)
                    m_elideCache.clear();
                text = QFontMetricsF(m_font).elidedText(full, Qt::ElideRight, bucket * 8);
                m_elideCache.insert(key, text);
            }
        }
    } else {
        text = elided(fallback, rect.width() - 8);
    }
    if (text.isEmpty() || text == QStringLiteral("…"))
        return;
    m_labels.push_back(Label {rect, text, color, centred});
}

QString TimelineView::elided(const QString &text, double width)
{
    if (width < 8)
        return {};
    return QFontMetricsF(m_font).elidedText(text, Qt::ElideRight, width);
}

void TimelineView::paintLane(QPainter &, const TimelineRow &row, int top)
{
    const double left = GutterWidth;
    const double right = GutterWidth + m_viewport.width();
    const double t0 = m_viewport.startNs();
    const double t1 = m_viewport.endNs();
    const double nsPerPx = m_viewport.nsPerPx();
    m_items.clear();
    m_store->querySpans(row.lane, qint64(std::floor(t0)), qint64(std::ceil(t1)) + 1, nsPerPx, m_items, FoldPx);

    const double h = TimelineLayout::DepthHeight - 2;
    const int foldHue = m_palette.hueOf(m_store->lane(row.lane).name);
    for (const SpanItem &item : m_items) {
        if (item.depth >= row.depths)
            continue;
        double x0 = left + (double(item.startNs) - t0) / nsPerPx;
        double x1 = left + (double(item.endNs) - t0) / nsPerPx;
        x0 = std::max(x0, left - 2);
        x1 = std::min(x1, right + 2);
        if (x1 - x0 < 1)
            x1 = x0 + 1;
        const double y = top + TimelineLayout::LanePadding + item.depth * TimelineLayout::DepthHeight;
        const QRectF rect(x0, y, x1 - x0, h);

        if (item.kind == SpanKind::Folded) {
            // A fold of sub-pixel spans has no one name; colouring it by whichever span came first
            // painted a rainbow of pixel columns. The lane's own hue keeps a lane one colour.
            int bucket = FoldedBucket0 + foldHue;
            if (item.foldedKind == SpanKind::CoroutineRunning)
                bucket = FoldedRunningBucket;
            else if (item.foldedKind == SpanKind::CoroutineSuspended)
                bucket = FoldedSuspendedBucket;
            else if (item.foldedKind == SpanKind::CoroutineReady)
                bucket = FoldedReadyBucket;
            // Folded buckets use an opaque texture with the zig-zag baked in: one fill, no blending.
            addRect(bucket, rect);
            if (rect.width() >= MinLabelPx)
                m_labels.push_back(Label {rect, TimeFormat::compactCount(item.count), QColor(255, 255, 255), true});
            continue;
        }
        switch (item.kind) {
        case SpanKind::CoroutineRunning:
            addRect(RunningBucket, rect);
            addLabel(rect, item.name ? item.name : stateName(item.kind), {}, QColor(255, 255, 255));
            break;
        case SpanKind::CoroutineSuspended:
            addRect(SuspendedBucket, rect);
            addLabel(rect, item.name ? item.name : stateName(item.kind), {}, m_palette.text());
            break;
        case SpanKind::CoroutineReady:
            addRect(ReadyBucket, rect);
            addLabel(rect, item.name ? item.name : stateName(item.kind), {}, QColor(0x22, 0x1a, 0x08));
            break;
        case SpanKind::ThreadRunsCoroutine: {
            const int hue = m_palette.hueOf(item.name);
            addRect(ThreadCoroBucket0 + hue, rect);
            addRect(CoroStripeBucket, QRectF(x0, y + h - 3, x1 - x0, 3));
            addLabel(rect, item.name, {}, QColor(255, 255, 255));
            break;
        }
        default: {
            const int hue = m_palette.hueOf(item.name);
            addRect(SpanBucket0 + hue, rect);
            addLabel(rect, item.name, {}, QColor(255, 255, 255));
            break;
        }
        }
    }

    // Instants: small markers on the lane's top edge, merged per pixel column by the store.
    m_instants.clear();
    m_store->queryInstants(row.lane, qint64(std::floor(t0)), qint64(std::ceil(t1)) + 1, nsPerPx * 3, m_instants);
    for (const InstantItem &instant : m_instants) {
        const double x = left + (double(instant.ns) - t0) / nsPerPx;
        if (x < left - 4 || x > right + 4)
            continue;
        // A tick on the lane's top edge; a merged column of several instants is drawn wider.
        const double w = instant.count > 1 ? 3 : 2;
        addRect(InstantBucket, QRectF(x - w / 2, top + 1, w, TimelineLayout::LanePadding + 6));
    }
}

void TimelineView::computeDensity(const TimelineRow &row, GroupDensity &d)
{
    const int w = m_viewport.width();
    d.alive.assign(std::size_t(w), 0.f);
    d.running.assign(std::size_t(w), 0.f);
    d.ready.assign(std::size_t(w), 0.f);
    d.peakAlive = 0;
    d.truncated = false;
    const double t0 = m_viewport.startNs();
    const double t1 = m_viewport.endNs();
    const double nsPerPx = m_viewport.nsPerPx();
    std::vector<float> aliveDiff(std::size_t(w) + 1, 0.f), runDiff(std::size_t(w) + 1, 0.f), readyDiff(std::size_t(w) + 1, 0.f);
    int queried = 0;
    for (const LaneId lane : m_layout.members(row)) {
        const LaneInfo info = m_store->lane(lane);
        // Registry lanes know their lifetime: skip the ones that do not touch the view cheaply.
        if (info.endedNs >= 0 && double(info.endedNs) < t0)
            continue;
        if (info.createdNs > 0 && double(info.createdNs) > t1)
            continue;
        if (++queried > MaxGroupLanesPerPaint) {
            d.truncated = true;
            break;
        }
        m_items.clear();
        m_store->querySpans(lane, qint64(std::floor(t0)), qint64(std::ceil(t1)) + 1, nsPerPx, m_items, 1.0);
        for (const SpanItem &item : m_items) {
            if (item.depth != 0)
                continue;
            const int x0 = std::clamp(int(std::floor((double(item.startNs) - t0) / nsPerPx)), 0, w);
            const int x1 = std::clamp(int(std::ceil((double(item.endNs) - t0) / nsPerPx)), x0 + 1, w);
            if (x0 >= w)
                continue;
            aliveDiff[std::size_t(x0)] += 1;
            aliveDiff[std::size_t(x1)] -= 1;
            const SpanKind kind = item.kind == SpanKind::Folded ? item.foldedKind : item.kind;
            if (kind == SpanKind::CoroutineRunning) {
                runDiff[std::size_t(x0)] += 1;
                runDiff[std::size_t(x1)] -= 1;
            } else if (kind == SpanKind::CoroutineReady) {
                readyDiff[std::size_t(x0)] += 1;
                readyDiff[std::size_t(x1)] -= 1;
            }
        }
    }
    float a = 0, r = 0, q = 0;
    for (int x = 0; x < w; ++x) {
        a += aliveDiff[std::size_t(x)];
        r += runDiff[std::size_t(x)];
        q += readyDiff[std::size_t(x)];
        d.alive[std::size_t(x)] = a;
        d.running[std::size_t(x)] = r;
        d.ready[std::size_t(x)] = q;
        d.peakAlive = std::max(d.peakAlive, int(a + 0.5f));
    }
}

void TimelineView::paintGroup(QPainter &p, const TimelineRow &row, int top)
{
    GroupDensity &d = m_density[row.key];
    computeDensity(row, d);
    const int w = m_viewport.width();
    const double bottom = top + row.height - 3;
    const double areaH = row.height - 8;
    const double peak = std::max(1, d.peakAlive);
    // Three stacked bars per pixel column: running (bottom), ready, then the suspended rest.
    // Runs of equal columns merge into one rectangle, and each colour is one fill call.
    std::vector<QRectF> &runningRects = m_groupRects[0];
    std::vector<QRectF> &readyRects = m_groupRects[1];
    std::vector<QRectF> &aliveRects = m_groupRects[2];
    runningRects.clear();
    readyRects.clear();
    aliveRects.clear();
    const auto heightOf = [&](float v) { return std::round(areaH * double(v) / peak); };
    int x = 0;
    while (x < w) {
        const double hr = heightOf(d.running[std::size_t(x)]);
        const double hq = heightOf(d.running[std::size_t(x)] + d.ready[std::size_t(x)]);
        const double ha = heightOf(d.alive[std::size_t(x)]);
        int end = x + 1;
        while (end < w && heightOf(d.running[std::size_t(end)]) == hr
               && heightOf(d.running[std::size_t(end)] + d.ready[std::size_t(end)]) == hq
               && heightOf(d.alive[std::size_t(end)]) == ha)
            ++end;
        const double x0 = GutterWidth + x;
        const double span = end - x;
        if (ha > hq)
            aliveRects.push_back(QRectF(x0, bottom - ha, span, ha - hq));
        if (hq > hr)
            readyRects.push_back(QRectF(x0, bottom - hq, span, hq - hr));
        if (hr > 0)
            runningRects.push_back(QRectF(x0, bottom - hr, span, hr));
        x = end;
    }
    p.setPen(Qt::NoPen);
    p.setBrush(m_palette.suspendedFill());
    p.drawRects(aliveRects.data(), int(aliveRects.size()));
    p.setBrush(TimelinePalette::ready());
    p.drawRects(readyRects.data(), int(readyRects.size()));
    p.setBrush(TimelinePalette::running());
    p.drawRects(runningRects.data(), int(runningRects.size()));
    p.setFont(m_smallFont);
    const QString peakText = QStringLiteral("peak %1 %2 in view%3")
                                 .arg(d.peakAlive)
                                 .arg(row.kind == LaneKind::Coroutine ? QStringLiteral("alive") : QStringLiteral("busy"))
                                 .arg(d.truncated ? QStringLiteral(" (sampled)") : QString());
    drawPlateText(p, QPointF(GutterWidth + 6, top + 12), peakText);
    p.setFont(m_font);
}

void TimelineView::drawPlateText(QPainter &p, const QPointF &baseline, const QString &text)
{
    // Small print over data gets a plate of the background colour so it stays readable.
    const QFontMetricsF fm(p.font());
    QColor plate = m_palette.background();
    plate.setAlpha(200);
    p.fillRect(QRectF(baseline.x() - 3, baseline.y() - fm.ascent() - 1, fm.horizontalAdvance(text) + 6, fm.height() + 2), plate);
    p.setPen(m_palette.mutedText());
    p.drawText(baseline, text);
}

void TimelineView::paintCounters(QPainter &p, const TimelineRow &row, int top)
{
    const QList<NameId> names = m_store->counterNames(row.lane);
    const double t0 = m_viewport.startNs();
    const double nsPerPx = m_viewport.nsPerPx();
    const double left = GutterWidth;
    const double right = GutterWidth + m_viewport.width();
    const qint64 q0 = qint64(std::floor(t0));
    const qint64 q1 = qint64(std::ceil(m_viewport.endNs())) + 1;
    const int w = m_viewport.width();
    for (int c = 0; c < names.size() && c < row.counters; ++c) {
        m_counterItems.clear();
        bool sampled = false;
        if (m_store->counterSampleCount(row.lane, names[c], q0, q1) <= std::size_t(w) * 8) {
            m_store->queryCounter(row.lane, names[c], q0, q1, nsPerPx, m_counterItems);
        } else {
            // Dense: an exact per-column min/max would read every sample in view. Read the value in
            // force at two points per column instead (a bounded cost at any zoom), and say so.
            sampled = true;
            for (int x = 0; x < w; ++x) {
                CounterItem item;
                bool any = false;
                for (int k = 0; k < 2; ++k) {
                    double v = 0;
                    if (!m_store->counterValueAt(row.lane, names[c], qint64(t0 + (x + k / 2.0) * nsPerPx), &v))
                        continue;
                    if (!any) {
                        item = CounterItem {qint64(t0 + x * nsPerPx), qint64(t0 + (x + 1) * nsPerPx), v, v, v};
                        any = true;
                    }
                    item.min = std::min(item.min, v);
                    item.max = std::max(item.max, v);
                    item.last = v;
                }
                if (any)
                    m_counterItems.push_back(item);
            }
        }
        if (m_counterItems.empty())
            continue;
        double lo = 0, hi = 0;
        for (const CounterItem &item : m_counterItems) {
            lo = std::min(lo, item.min);
            hi = std::max(hi, item.max);
        }
        if (hi - lo <= 0)
            hi = lo + 1;
        const double y0 = TimelineLayout::counterY(row, c) - row.y + top;
        const double bottom = y0 + TimelineLayout::CounterHeight - 4;
        const double hgt = TimelineLayout::CounterHeight - 8;
        const auto yOf = [&](double v) { return bottom - hgt * (v - lo) / (hi - lo); };
        // A step line over a filled area, as rectangles and one aliased polyline: a QPainterPath of
        // thousands of vertices costs tens of milliseconds to fill and stroke.
        std::vector<QRectF> &fill = m_groupRects[0];
        std::vector<QRectF> &envelope = m_groupRects[1];
        fill.clear();
        envelope.clear();
        m_polyline.clear();
        double runX = -1, runY = 0, runEnd = 0;
        for (std::size_t i = 0; i < m_counterItems.size(); ++i) {
            const CounterItem &item = m_counterItems[i];
            const double x = std::clamp(left + (double(item.startNs) - t0) / nsPerPx, left, right);
            const double nextX = i + 1 < m_counterItems.size()
                                     ? std::clamp(left + (double(m_counterItems[i + 1].startNs) - t0) / nsPerPx, left, right)
                                     : right;
            const double y = std::round(yOf(item.last));
            if (item.max > item.min)
                envelope.push_back(QRectF(x, std::round(yOf(item.max)), 1, std::max(1.0, std::round(yOf(item.min)) - std::round(yOf(item.max)))));
            if (runX >= 0 && y == runY) {
                runEnd = std::max(nextX, x + 1);
            } else {
                if (runX >= 0)
                    fill.push_back(QRectF(runX, runY, runEnd - runX, bottom - runY));
                runX = x;
                runY = y;
                runEnd = std::max(nextX, x + 1);
            }
            if (!m_polyline.empty())
                m_polyline.push_back(QPointF(x, m_polyline.back().y()));
            m_polyline.push_back(QPointF(x, y));
        }
        if (runX >= 0) {
            fill.push_back(QRectF(runX, runY, right - runX, bottom - runY));
            m_polyline.push_back(QPointF(right, runY));
        }
        p.setPen(Qt::NoPen);
        p.setBrush(m_palette.counterFill());
        p.drawRects(fill.data(), int(fill.size()));
        p.setBrush(m_palette.counterLine());
        p.drawRects(envelope.data(), int(envelope.size()));
        p.setPen(QPen(m_palette.counterLine(), 0));
        p.drawPolyline(m_polyline.data(), int(m_polyline.size()));
        fill.clear();
        envelope.clear();
        p.setFont(m_smallFont);
        drawPlateText(p, QPointF(left + 6, y0 + 11), QStringLiteral("%1  max %2%3")
                                                   .arg(TraceNames::name(names[c]))
                                                   .arg(hi, 0, 'g', 4)
                                                   .arg(sampled ? QStringLiteral("  (sampled)") : QString()));
        p.setFont(m_font);
    }
}

QBrush TimelineView::foldedBrush(const QColor &fill)
{
    // Folded blocks wear a zig-zag, like Tracy's folded zones. The tile is opaque (the line is
    // pre-blended into the fill), so filling a wide block is a copy, not a per-pixel blend.
    const auto it = m_foldedBrushes.constFind(fill.rgba());
    if (it != m_foldedBrushes.cend())
        return *it;
    // Chevrons that repeat every few pixels vertically, so the look does not depend on where a
    // lane starts relative to the brush origin.
    QImage tile(8, 6, QImage::Format_RGB32);
    tile.fill(fill);
    {
        QPainter tp(&tile);
        tp.setRenderHint(QPainter::Antialiasing);
        tp.setPen(QPen(QColor(255, 255, 255, 38), 1.0));
        const QPointF points[] = {{-4, 1}, {0, 5}, {4, 1}, {8, 5}, {12, 1}};
        tp.drawPolyline(points, 5);
    }
    const QBrush brush(tile);
    m_foldedBrushes.insert(fill.rgba(), brush);
    return brush;
}

QBrush TimelineView::hatchBrush(const QColor &fill, const QColor &line)
{
    // Suspended segments are hatched. The 8 x 8 tile tiles seamlessly along both axes and is
    // opaque, so a wide suspended segment costs a copy rather than a pattern blend per pixel.
    const quint64 key = (quint64(fill.rgba()) << 32) | line.rgba();
    if (m_hatchKey == key && m_hatchBrush.style() == Qt::TexturePattern)
        return m_hatchBrush;
    QImage tile(8, 8, QImage::Format_RGB32);
    tile.fill(fill);
    for (int i = 0; i < 8; ++i)
        tile.setPixelColor(7 - i, i, line);
    m_hatchBrush = QBrush(tile);
    m_hatchKey = key;
    return m_hatchBrush;
}

void TimelineView::addRect(int bucket, const QRectF &rect)
{
    // Unoutlined rectangles of one colour that touch on a row look like one: at coarse zoom a
    // lane's pixel columns of folded spans become a single fill instead of one per column.
    std::vector<QRectF> &rects = m_buckets[std::size_t(bucket)];
    if (!rects.empty()) {
        QRectF &last = rects.back();
        if (last.top() == rect.top() && last.height() == rect.height() && rect.left() >= last.left()
            && rect.left() <= last.right() + 0.5) {
            last.setRight(std::max(last.right(), rect.right()));
            return;
        }
    }
    rects.push_back(rect);
}

void TimelineView::flushBuckets(QPainter &p)
{
    // Brushes: fills first, overlays (hatch, zig-zag) last.
    for (int i = 0; i < HueBuckets; ++i) {
        const QColor hue = m_palette.hue(i);
        m_bucketBrushes[std::size_t(SpanBucket0 + i)] = QBrush(hue);
        m_bucketBrushes[std::size_t(ThreadCoroBucket0 + i)] = QBrush(hue.darker(108));
        QColor folded = hue;
        folded.setHsvF(hue.hsvHueF(), hue.hsvSaturationF() * 0.55, std::min(1.0, hue.valueF() * 1.05));
        m_bucketBrushes[std::size_t(FoldedBucket0 + i)] = foldedBrush(folded);
    }
    m_bucketBrushes[RunningBucket] = QBrush(TimelinePalette::running());
    m_bucketBrushes[SuspendedBucket] = hatchBrush(m_palette.suspendedFill(), m_palette.suspendedHatch());
    m_bucketBrushes[ReadyBucket] = QBrush(TimelinePalette::ready());
    m_bucketBrushes[FoldedRunningBucket] = foldedBrush(TimelinePalette::running().darker(115));
    m_bucketBrushes[FoldedSuspendedBucket] = foldedBrush(m_palette.suspendedHatch());
    m_bucketBrushes[FoldedReadyBucket] = foldedBrush(TimelinePalette::ready().darker(112));
    m_bucketBrushes[CoroStripeBucket] = QBrush(TimelinePalette::running());
    m_bucketBrushes[InstantBucket] = QBrush(m_palette.instant());

    p.setPen(Qt::NoPen);
    for (int i = 0; i < BucketCount; ++i) {
        const std::vector<QRectF> &rects = m_buckets[std::size_t(i)];
        if (rects.empty())
            continue;
        p.setBrush(m_bucketBrushes[std::size_t(i)]);
        p.drawRects(rects.data(), int(rects.size()));
    }

    // Labels and instant markers.
    QColor current;
    p.setBrush(Qt::NoBrush);
    const QFontMetricsF fm(m_font);
    const double ascent = fm.ascent();
    const double lineH = fm.height();
    for (const Label &label : m_labels) {
        if (label.color != current) {
            p.setPen(label.color);
            current = label.color;
        }
        const double baseline = label.rect.top() + (label.rect.height() - lineH) / 2 + ascent;
        double x = label.rect.left() + 4;
        if (label.centred)
            x = label.rect.center().x() - fm.horizontalAdvance(label.text) / 2;
        p.drawText(QPointF(x, baseline), label.text);
    }
}

void TimelineView::paintFlows(QPainter &p, int height)
{
    m_flows.clear();
    const double t0 = m_viewport.startNs();
    const double t1 = m_viewport.endNs();
    m_store->queryFlows(qint64(std::floor(t0)), qint64(std::ceil(t1)) + 1, m_flows, MaxFlowsDrawn + 1);
    if (m_flows.size() > std::size_t(MaxFlowsDrawn)) {
        // Too many arrows are noise (and cost a stroke each): show only the selected span's flows,
        // like Perfetto does.
        m_flows.clear();
        m_flowsHidden = true;
        if (!m_selection.valid)
            return;
        std::vector<StoredFlow> all;
        m_store->queryFlows(m_selection.startNs, m_selection.endNs + 1, all, 1 << 16);
        for (const StoredFlow &flow : all) {
            const bool out = flow.fromLane == m_selection.lane && flow.fromNs >= m_selection.startNs && flow.fromNs <= m_selection.endNs;
            const bool in = flow.toLane == m_selection.lane && flow.toNs >= m_selection.startNs && flow.toNs <= m_selection.endNs;
            if ((out || in) && m_flows.size() < std::size_t(MaxFlowsDrawn))
                m_flows.push_back(flow);
        }
    } else {
        m_flowsHidden = false;
    }
    if (m_flows.empty())
        return;
    const std::vector<TimelineRow> &rows = m_layout.rows();
    const auto anchorY = [&](LaneId lane) -> double {
        const int index = m_layout.rowOfLane(lane);
        if (index < 0)
            return -1;
        const TimelineRow &row = rows[std::size_t(index)];
        const int top = rowTopOnScreen(row);
        if (row.type == TimelineRow::Type::Lane)
            return top + TimelineLayout::LanePadding + TimelineLayout::DepthHeight / 2.0;
        return top + row.height / 2.0;
    };
    QPainterPath curves, heads;
    int drawn = 0;
    for (const StoredFlow &flow : m_flows) {
        const double y0 = anchorY(flow.fromLane);
        const double y1 = anchorY(flow.toLane);
        if (y0 < 0 || y1 < 0)
            continue;
        if ((y0 < RulerHeight && y1 < RulerHeight) || (y0 > height && y1 > height))
            continue;
        // Unless it is the selection's, an arrow to a row off screen is a line across everything.
        const bool selected = m_flowsHidden;
        if (!selected && (y0 < RulerHeight || y1 < RulerHeight || y0 > height || y1 > height))
            continue;
        const double x0 = GutterWidth + m_viewport.xOf(double(flow.fromNs));
        const double x1 = GutterWidth + m_viewport.xOf(double(flow.toNs));
        if (std::abs(x1 - x0) < 2 && std::abs(y1 - y0) < 2)
            continue;
        const double bend = std::clamp(std::abs(x1 - x0) * 0.5, 12.0, 80.0);
        curves.moveTo(x0, y0);
        curves.cubicTo(x0 + bend, y0, x1 - bend, y1, x1, y1);
        heads.moveTo(x1, y1);
        heads.lineTo(x1 - 6, y1 - 3.5);
        heads.lineTo(x1 - 6, y1 + 3.5);
        heads.closeSubpath();
        ++drawn;
    }
    if (!drawn)
        return;
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setBrush(Qt::NoBrush);
    p.setPen(QPen(m_palette.flow(), 1.2));
    p.drawPath(curves);
    p.setPen(Qt::NoPen);
    p.setBrush(m_palette.flow());
    p.drawPath(heads);
    p.setRenderHint(QPainter::Antialiasing, false);
}

void TimelineView::paintAlerts(QPainter &p, int height)
{
    const std::vector<TimelineRow> &rows = m_layout.rows();
    const double t0 = m_viewport.startNs();
    const double t1 = m_viewport.endNs();
    const qint64 live = liveEdgeNs();
    for (const AlertBand &band : m_store->alertBands()) {
        const double end = band.endNs == StoredSpan::OpenEnd ? double(live) : double(band.endNs);
        if (end < t0 || double(band.startNs) > t1)
            continue;
        const double x0 = std::max(double(GutterWidth), GutterWidth + m_viewport.xOf(double(band.startNs)));
        const double x1 = std::min(double(GutterWidth + m_viewport.width()), GutterWidth + m_viewport.xOf(end));
        const double w = std::max(2.0, x1 - x0);
        const bool highlighted = band.alertId == m_highlightAlert && m_highlightAlert != 0;
        // A faint band through every lane, a stronger one across the lane that hung (the UI thread).
        QColor faint = TimelinePalette::alert();
        faint.setAlpha(highlighted ? 34 : 16);
        fillTall(p, QRectF(x0, RulerHeight, w, height - RulerHeight), faint);
        const int index = m_layout.rowOfLane(band.lane);
        if (index >= 0) {
            const TimelineRow &row = rows[std::size_t(index)];
            QColor strong = m_palette.alertBand();
            if (highlighted)
                strong.setAlpha(std::min(255, strong.alpha() * 2));
            fillTall(p, QRectF(x0, rowTopOnScreen(row), w, row.height), strong);
        }
        p.fillRect(QRectF(x0, RulerHeight, w, 3), TimelinePalette::alert());
        if (highlighted) {
            verticalLine(p, x0, RulerHeight, height, TimelinePalette::alert(), 2);
            verticalLine(p, x0 + w, RulerHeight, height, TimelinePalette::alert(), 2);
        }
    }
}

void TimelineView::paintAlertLabels(QPainter &p)
{
    // Name each band where it starts, over the lanes: what the watchdog saw and for how long.
    const qint64 live = liveEdgeNs();
    const QFontMetricsF fm(m_smallFont);
    p.setFont(m_smallFont);
    for (const AlertBand &band : m_store->alertBands()) {
        const double end = band.endNs == StoredSpan::OpenEnd ? double(live) : double(band.endNs);
        const double x0 = std::max(double(GutterWidth), GutterWidth + m_viewport.xOf(double(band.startNs)));
        const double x1 = std::min(double(GutterWidth + m_viewport.width()), GutterWidth + m_viewport.xOf(end));
        if (x1 - x0 < 90)
            continue;
        const QString label = QStringLiteral("⚠ %1 · %2").arg(TraceNames::name(band.name), TimeFormat::duration(qint64(end) - band.startNs, 2));
        const QString text = fm.elidedText(label, Qt::ElideRight, x1 - x0 - 10);
        const QRectF plate(x0 + 4, RulerHeight + 5, fm.horizontalAdvance(text) + 8, fm.height() + 2);
        p.fillRect(plate, TimelinePalette::alert());
        p.setPen(Qt::white);
        p.drawText(plate, Qt::AlignCenter, text);
    }
    p.setFont(m_font);
}

void TimelineView::paintRuler(QPainter &p, int width)
{
    const QRect ruler(0, 0, width, RulerHeight);
    p.fillRect(ruler, m_palette.rulerBackground());
    p.setPen(m_palette.separator());
    p.drawLine(0, RulerHeight - 1, width, RulerHeight - 1);
    p.drawLine(GutterWidth - 1, 0, GutterWidth - 1, RulerHeight);

    const double step = niceStep(m_viewport.nsPerPx() * 110);
    const double minor = step / 5;
    const double first = std::floor(m_viewport.startNs() / minor) * minor;
    p.setFont(m_smallFont);
    const QFontMetricsF fm(m_smallFont);
    for (double t = first; t < m_viewport.endNs(); t += minor) {
        const double x = GutterWidth + m_viewport.xOf(t);
        if (x < GutterWidth)
            continue;
        const bool major = std::fmod(std::abs(t), step) < minor / 2 || std::abs(std::fmod(std::abs(t), step) - step) < minor / 2;
        p.setPen(major ? m_palette.mutedText() : m_palette.separator());
        p.drawLine(QLineF(x, major ? RulerHeight - 9 : RulerHeight - 5, x, RulerHeight - 1));
        if (major) {
            p.setPen(m_palette.text());
            p.drawText(QPointF(x + 3, RulerHeight - 10), TimeFormat::timestamp(qint64(std::llround(t)), qint64(step)));
        }
    }
    // Alerts in the ruler, so they are seen even when the UI lane is scrolled away.
    if (m_store) {
        const qint64 live = liveEdgeNs();
        for (const AlertBand &band : m_store->alertBands()) {
            const double end = band.endNs == StoredSpan::OpenEnd ? double(live) : double(band.endNs);
            const double x0 = GutterWidth + m_viewport.xOf(double(band.startNs));
            const double x1 = GutterWidth + m_viewport.xOf(end);
            if (x1 < GutterWidth || x0 > width)
                continue;
            p.fillRect(QRectF(std::max(x0, double(GutterWidth)), RulerHeight - 4, std::max(2.0, std::min(x1, double(width)) - std::max(x0, double(GutterWidth))), 3),
                       TimelinePalette::alert());
        }
    }
    // The gutter's corner: the scale, and the live state.
    p.fillRect(QRect(0, 0, GutterWidth - 1, RulerHeight - 1), m_palette.gutterBackground());
    p.setPen(m_palette.mutedText());
    const QString scale = QStringLiteral("%1 / px").arg(TimeFormat::duration(qint64(std::max(1.0, m_viewport.nsPerPx())), 1));
    p.drawText(QPointF(8, RulerHeight - 9), QStringLiteral("⟷ %1 · %2").arg(TimeFormat::duration(qint64(m_viewport.rangeNs()), 1), scale));
    if (m_hoverX >= GutterWidth && m_hoverX < GutterWidth + m_viewport.width()) {
        const double t = m_viewport.timeAt(m_hoverX - GutterWidth);
        const QString text = TimeFormat::timestamp(qint64(std::llround(t)), qint64(std::max(1.0, step / 100)));
        const double w = fm.horizontalAdvance(text) + 10;
        const QRectF box(std::min(double(m_hoverX) - w / 2, double(width) - w), 1, w, RulerHeight - 6);
        p.fillRect(box, m_palette.text());
        p.setPen(m_palette.background());
        p.drawText(box, Qt::AlignCenter, text);
    }
    p.setFont(m_font);
}

void TimelineView::paintGutter(QPainter &p, int height)
{
    // The labels only change with the layout or the scroll position: paint them once into a cached
    // image and blit it on every other frame.
    const qreal dpr = p.device() ? p.device()->devicePixelRatioF() : 1.0;
    const quint64 key = (m_layoutVersion << 32) ^ (quint64(quint32(m_scrollY)) << 1) ^ (quint64(height) << 20)
                        ^ quint64(dpr * 64) ^ (m_palette.dark() ? 0x8000'0000'0000'0000ull : 0) ^ (m_store ? 0 : 0x4000'0000'0000'0000ull);
    if (m_gutterCache.isNull() || key != m_gutterKey || m_gutterCache.height() != qRound(height * dpr)) {
        m_gutterCache = QImage(QSize(GutterWidth, height) * dpr, QImage::Format_ARGB32_Premultiplied);
        m_gutterCache.setDevicePixelRatio(dpr);
        m_gutterCache.fill(Qt::transparent);
        QPainter gp(&m_gutterCache);
        gp.setFont(m_font);
        paintGutterLabels(gp, height);
        m_gutterKey = key;
    }
    p.drawImage(QPointF(0, 0), m_gutterCache);
}

void TimelineView::paintGutterLabels(QPainter &p, int height)
{
    p.fillRect(QRect(0, RulerHeight, GutterWidth, height - RulerHeight), m_palette.gutterBackground());
    verticalLine(p, GutterWidth - 1, RulerHeight, height, m_palette.separator());
    if (!m_store)
        return;
    const std::vector<TimelineRow> &rows = m_layout.rows();
    const QFontMetricsF fm(m_font);
    const int first = std::max(0, m_layout.rowAt(m_scrollY));
    p.setClipRect(QRect(0, RulerHeight, GutterWidth - 1, height - RulerHeight));
    for (int i = first; i < int(rows.size()); ++i) {
        const TimelineRow &row = rows[std::size_t(i)];
        const int top = rowTopOnScreen(row);
        if (top > height)
            break;
        if (top + row.height < RulerHeight)
            continue;
        const int indentPx = 8 + row.indent * 12;
        const double textY = top + std::min(row.height, TimelineLayout::LanePadding + TimelineLayout::DepthHeight) / 2.0 + fm.ascent() / 2 - 1;
        switch (row.type) {
        case TimelineRow::Type::Section: {
            p.fillRect(QRect(0, top, GutterWidth - 1, row.height), m_palette.sectionBackground());
            p.setPen(m_palette.text());
            p.setFont(m_boldFont);
            const QString arrow = row.collapsed ? QStringLiteral("▸") : QStringLiteral("▾");
            p.drawText(QPointF(8, top + row.height / 2.0 + fm.ascent() / 2 - 1),
                       QStringLiteral("%1  %2").arg(arrow, TimelineLayout::sectionTitle(row.kind)));
            p.setFont(m_smallFont);
            p.setPen(m_palette.mutedText());
            const QString count = TimeFormat::count(quint64(row.membersCount));
            p.drawText(QRectF(0, top, GutterWidth - 10, row.height), Qt::AlignRight | Qt::AlignVCenter, count);
            p.setFont(m_font);
            break;
        }
        case TimelineRow::Type::Group: {
            p.setPen(m_palette.text());
            const QString arrow = row.collapsed ? QStringLiteral("▸") : QStringLiteral("▾");
            const QString name = TraceNames::name(row.group);
            p.drawText(QPointF(indentPx, top + 15), QStringLiteral("%1 %2").arg(arrow, fm.elidedText(name, Qt::ElideRight, GutterWidth - indentPx - 70)));
            p.setFont(m_smallFont);
            p.setPen(m_palette.mutedText());
            p.drawText(QRectF(0, top, GutterWidth - 10, 20), Qt::AlignRight | Qt::AlignVCenter,
                       QStringLiteral("× %1").arg(TimeFormat::count(quint64(row.membersCount))));
            if (row.collapsed) {
                const GroupDensity &d = m_density.value(row.key);
                Q_UNUSED(d);
                p.drawText(QPointF(indentPx + 12, top + 29), QStringLiteral("aggregate · click to expand"));
            }
            p.setFont(m_font);
            break;
        }
        case TimelineRow::Type::Lane: {
            const LaneInfo info = m_store->lane(row.lane);
            QColor chip = m_palette.mutedText();
            if (info.kind == LaneKind::Coroutine)
                chip = TimelinePalette::running();
            else if (info.kind == LaneKind::Stream)
                chip = m_palette.hue(0);
            else if (info.kind == LaneKind::Process)
                chip = m_palette.hue(6);
            else if (row.lane == UiThreadLane)
                chip = m_palette.accent();
            const bool ended = info.endedNs >= 0;
            p.fillRect(QRectF(indentPx - 6, top + 5, 3, TimelineLayout::DepthHeight - 6), chip);
            p.setPen(ended ? m_palette.mutedText() : m_palette.text());
            QString title = laneTitle(info);
            QString tag;
            if (row.lane == UiThreadLane && info.kind == LaneKind::Thread)
                tag = QStringLiteral("UI");
            else if (ended)
                tag = QStringLiteral("ended");
            const double tagW = tag.isEmpty() ? 0 : QFontMetricsF(m_smallFont).horizontalAdvance(tag) + 12;
            p.drawText(QPointF(indentPx, textY), fm.elidedText(title, Qt::ElideRight, GutterWidth - indentPx - 10 - tagW));
            if (!tag.isEmpty()) {
                p.setFont(m_smallFont);
                const QRectF tagRect(GutterWidth - 8 - tagW + 4, top + 5, tagW - 4, 14);
                p.setPen(Qt::NoPen);
                p.setBrush(row.lane == UiThreadLane ? m_palette.accent() : m_palette.separator());
                p.setRenderHint(QPainter::Antialiasing, true);
                p.drawRoundedRect(tagRect, 3, 3);
                p.setRenderHint(QPainter::Antialiasing, false);
                p.setBrush(Qt::NoBrush);
                p.setPen(row.lane == UiThreadLane ? QColor(Qt::white) : m_palette.text());
                p.drawText(tagRect, Qt::AlignCenter, tag);
                p.setFont(m_font);
            }
            if (row.height > TimelineLayout::DepthHeight + 14 && row.depths > 1) {
                p.setFont(m_smallFont);
                p.setPen(m_palette.mutedText());
                p.drawText(QPointF(indentPx, textY + 15), QStringLiteral("%1 levels").arg(row.depths));
                p.setFont(m_font);
            }
            break;
        }
        }
        p.setPen(m_palette.separator());
        p.drawLine(0, top + row.height - 1, GutterWidth - 1, top + row.height - 1);
    }
    p.setClipping(false);
}

void TimelineView::paintOverlay(QPainter &p, const QSize &size)
{
    const QRect content(GutterWidth, RulerHeight, size.width() - GutterWidth, size.height() - RulerHeight);
    if (!m_store || m_store->lanes().isEmpty()) {
        p.setPen(m_palette.mutedText());
        p.drawText(content, Qt::AlignCenter,
                   QStringLiteral("No trace data yet.\nStart a stream, use Run ▸ Freeze the UI, or open a trace (Ctrl+O)."));
        m_badgeRect = {};
        return;
    }
    m_badgeRect = {};
    if (!m_live)
        return;
    const QFontMetricsF fm(m_font);
    QString text;
    QColor fill;
    if (m_follow) {
        text = QStringLiteral("● LIVE");
        fill = TimelinePalette::running();
    } else {
        text = QStringLiteral("❚❚ Paused · +%1 events · %2 behind · Catch up ▸")
                   .arg(TimeFormat::count(m_eventsBehind), TimeFormat::duration(nsBehind(), 1));
        fill = TimelinePalette::ready().darker(125);
    }
    const double w = fm.horizontalAdvance(text) + 16;
    const QRectF box(size.width() - scrollBarWidth() - w - 8, RulerHeight + 6, w, fm.height() + 6);
    m_badgeRect = box.toAlignedRect();
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setPen(Qt::NoPen);
    QColor bg = fill;
    bg.setAlpha(230);
    p.setBrush(bg);
    p.drawRoundedRect(box, 4, 4);
    p.setRenderHint(QPainter::Antialiasing, false);
    p.setPen(Qt::white);
    p.drawText(box, Qt::AlignCenter, text);
}

// ---- hit testing ---------------------------------------------------------------------------------

TimelineView::SpanHit TimelineView::spanHitAt(const QPoint &pos) const
{
    SpanHit hit;
    if (!m_store || pos.x() < GutterWidth || pos.y() < RulerHeight)
        return hit;
    const TimelineLayout::Hit h = m_layout.hitTest(pos.y() - RulerHeight + m_scrollY);
    if (h.row < 0 || h.depth < 0)
        return hit;
    const TimelineRow &row = m_layout.rows()[std::size_t(h.row)];
    if (row.type != TimelineRow::Type::Lane)
        return hit;
    const double x = pos.x() - GutterWidth;
    const qint64 t = qint64(std::llround(m_viewport.timeAt(x)));
    const qint64 tolerance = qint64(std::ceil(m_viewport.nsPerPx() * FoldPx));
    // What is drawn there: the level-of-detail item under the cursor (a span, or a folded block).
    std::vector<SpanItem> items;
    m_store->querySpans(row.lane, t - tolerance, t + tolerance + 1, m_viewport.nsPerPx(), items, FoldPx);
    const SpanItem *best = nullptr;
    qint64 bestDistance = std::numeric_limits<qint64>::max();
    for (const SpanItem &item : items) {
        if (item.depth != h.depth)
            continue;
        const qint64 distance = t < item.startNs ? item.startNs - t : t > item.endNs ? t - item.endNs : 0;
        if (distance <= tolerance && distance < bestDistance) {
            best = &item;
            bestDistance = distance;
        }
    }
    if (!best)
        return hit;
    hit.found = true;
    hit.lane = row.lane;
    hit.depth = h.depth;
    hit.item = *best;
    if (best->kind == SpanKind::Folded) {
        // A click on a folded block selects the span nearest the cursor inside it.
        if (const StoredSpan *span = m_store->spanAt(row.lane, h.depth, t, tolerance)) {
            hit.item.name = span->name;
            hit.item.link = span->link;
            hit.item.arg = span->arg;
        }
    }
    return hit;
}

quint32 TimelineView::alertAt(const QPoint &pos) const
{
    if (!m_store || pos.x() < GutterWidth)
        return 0;
    const double t = m_viewport.timeAt(pos.x() - GutterWidth);
    const qint64 live = liveEdgeNs();
    const int y = pos.y() - RulerHeight + m_scrollY;
    for (const AlertBand &band : m_store->alertBands()) {
        const double end = band.endNs == StoredSpan::OpenEnd ? double(live) : double(band.endNs);
        const double slack = m_viewport.nsPerPx() * 2;
        if (t < double(band.startNs) - slack || t > end + slack)
            continue;
        if (pos.y() < RulerHeight)
            return band.alertId;
        const int index = m_layout.rowOfLane(band.lane);
        if (index >= 0) {
            const TimelineRow &row = m_layout.rows()[std::size_t(index)];
            if (y >= row.y && y < row.y + row.height)
                return band.alertId;
        }
    }
    return 0;
}

int TimelineView::gutterRowAt(const QPoint &pos) const
{
    if (pos.x() >= GutterWidth || pos.y() < RulerHeight)
        return -1;
    return m_layout.rowAt(pos.y() - RulerHeight + m_scrollY);
}

QString TimelineView::tooltipAt(const QPoint &pos) const
{
    if (!m_store)
        return {};
    const auto esc = [](const QString &s) { return s.toHtmlEscaped(); };
    const int gutterRow = gutterRowAt(pos);
    if (gutterRow >= 0) {
        const TimelineRow &row = m_layout.rows()[std::size_t(gutterRow)];
        if (row.type == TimelineRow::Type::Lane) {
            const LaneInfo info = m_store->lane(row.lane);
            QString kind = TimelineLayout::sectionTitle(info.kind);
            kind.chop(1);
            QString text = QStringLiteral("<b>%1</b><br>%2 lane %3").arg(esc(laneTitle(info)), kind.toLower()).arg(info.id);
            if (info.osThreadId)
                text += QStringLiteral("<br>thread id %1").arg(info.osThreadId);
            if (info.group)
                text += QStringLiteral("<br>group %1").arg(esc(TraceNames::name(info.group)));
            if (info.endedNs >= 0)
                text += QStringLiteral("<br>ended at %1").arg(TimeFormat::timestamp(info.endedNs, 1'000'000));
            return text;
        }
        if (row.type == TimelineRow::Type::Group)
            return QStringLiteral("<b>%1</b><br>%2 lanes · click to %3")
                .arg(esc(TraceNames::name(row.group)))
                .arg(row.membersCount)
                .arg(row.collapsed ? QStringLiteral("expand") : QStringLiteral("fold into one aggregate lane"));
        return QStringLiteral("%1 · click to %2").arg(TimelineLayout::sectionTitle(row.kind), row.collapsed ? QStringLiteral("expand") : QStringLiteral("collapse"));
    }
    if (pos.x() < GutterWidth)
        return {};
    if (m_badgeRect.contains(pos))
        return m_follow ? QStringLiteral("Following the live edge (F). Space pauses the view; capture goes on.")
                        : QStringLiteral("The view is paused; capture goes on. Click (or press F) to catch up.");

    const SpanHit hit = spanHitAt(pos);
    if (hit.found) {
        const SpanItem &it = hit.item;
        if (it.kind == SpanKind::Folded) {
            return QStringLiteral("<b>%1 spans folded</b> (each narrower than %2 px)<br>%3 … %4 (%5)<br>zoom in to see them")
                .arg(TimeFormat::count(it.count))
                .arg(FoldPx)
                .arg(TimeFormat::timestamp(it.startNs, qint64(m_viewport.nsPerPx())),
                     TimeFormat::timestamp(it.endNs, qint64(m_viewport.nsPerPx())), TimeFormat::duration(it.endNs - it.startNs));
        }
        const SpanSelection s = SpanSelection::resolve(*m_store, hit.lane, hit.depth, it.startNs, it.endNs, it.open, it.name,
                                                       it.kind, it.link, it.arg);
        QString text = QStringLiteral("<b>%1</b><br>%2%3").arg(esc(s.title), TimeFormat::duration(s.durationNs()),
                                                               s.open ? QStringLiteral(" so far (open)") : QString());
        text += QStringLiteral("<br>at %1").arg(TimeFormat::timestamp(s.startNs, 1000));
        if (!s.threadName.isEmpty() && s.threadName != s.laneName)
            text += QStringLiteral("<br>on thread %1").arg(esc(s.threadName));
        if (!s.coroutineName.isEmpty() && s.coroutineName != s.laneName)
            text += QStringLiteral("<br>coroutine %1").arg(esc(s.coroutineName));
        if (s.arg)
            text += QStringLiteral("<br>arg %1").arg(s.arg);
        return text;
    }
    if (const quint32 alert = alertAt(pos)) {
        for (const AlertBand &band : m_store->alertBands()) {
            if (band.alertId != alert)
                continue;
            const bool open = band.endNs == StoredSpan::OpenEnd;
            const qint64 end = open ? liveEdgeNs() : band.endNs;
            return QStringLiteral("<b>Alert #%1</b>: %2<br>%3%4<br>click to inspect")
                .arg(alert)
                .arg(esc(TraceNames::name(band.name)), TimeFormat::duration(end - band.startNs), open ? QStringLiteral(" and counting") : QString());
        }
    }
    const TimelineLayout::Hit h = m_layout.hitTest(pos.y() - RulerHeight + m_scrollY);
    if (h.row >= 0) {
        const TimelineRow &row = m_layout.rows()[std::size_t(h.row)];
        if (row.type == TimelineRow::Type::Group && row.collapsed) {
            const auto it = m_density.constFind(row.key);
            const int x = pos.x() - GutterWidth;
            if (it != m_density.cend() && x >= 0 && x < int(it->alive.size())) {
                return QStringLiteral("<b>%1</b> (%2 lanes)<br>at the cursor: %3 alive, %4 running, %5 ready")
                    .arg(esc(TraceNames::name(row.group)))
                    .arg(row.membersCount)
                    .arg(qRound(it->alive[std::size_t(x)]))
                    .arg(qRound(it->running[std::size_t(x)]))
                    .arg(qRound(it->ready[std::size_t(x)]));
            }
        }
        if (row.type == TimelineRow::Type::Lane && h.counter >= 0) {
            const QList<NameId> names = m_store->counterNames(row.lane);
            double value = 0;
            if (h.counter < names.size()
                && m_store->counterValueAt(row.lane, names[h.counter], qint64(m_viewport.timeAt(pos.x() - GutterWidth)), &value))
                return QStringLiteral("<b>%1</b> = %2").arg(esc(TraceNames::name(names[h.counter]))).arg(value, 0, 'g', 6);
        }
    }
    return {};
}

// ---- input ---------------------------------------------------------------------------------------

void TimelineView::resizeEvent(QResizeEvent *)
{
    // Following live, the window keeps showing the same span of time; otherwise a wider widget
    // shows more time at the same scale.
    const double range = m_viewport.rangeNs();
    syncScrollBar();
    m_viewport.setWidth(contentWidth());
    if (m_follow) {
        TimelineViewport v = m_viewport;
        v.setRange(0, range);
        m_viewport = v;
        applyFollow();
    }
}

void TimelineView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton && event->button() != Qt::MiddleButton) {
        QWidget::mousePressEvent(event);
        return;
    }
    m_pressed = true;
    m_dragging = false;
    m_pressPos = event->position().toPoint();
    m_lastDragPos = m_pressPos;
}

void TimelineView::mouseMoveEvent(QMouseEvent *event)
{
    const QPoint pos = event->position().toPoint();
    if (m_pressed) {
        if (!m_dragging && (pos - m_pressPos).manhattanLength() > QApplication::startDragDistance() && m_pressPos.x() >= GutterWidth) {
            m_dragging = true;
            setCursor(Qt::ClosedHandCursor);
        }
        if (m_dragging) {
            const QPoint delta = pos - m_lastDragPos;
            m_lastDragPos = pos;
            if (delta.x() != 0) {
                setFollowLive(false);
                TimelineViewport v = m_viewport;
                v.panByPixels(delta.x());
                setViewport(v);
                clampViewport();
            }
            if (delta.y() != 0)
                m_scrollBar->setValue(m_scrollBar->value() - delta.y());
            update();
            return;
        }
    }
    const int hover = pos.x() >= GutterWidth ? pos.x() : -1;
    if (hover != m_hoverX) {
        m_hoverX = hover;
        update();
    }
}

void TimelineView::mouseReleaseEvent(QMouseEvent *event)
{
    if (!m_pressed)
        return;
    m_pressed = false;
    if (m_dragging) {
        m_dragging = false;
        unsetCursor();
        return;
    }
    const QPoint pos = event->position().toPoint();
    if (m_badgeRect.contains(pos) && !m_follow) {
        catchUp();
        return;
    }
    const int gutterRow = gutterRowAt(pos);
    if (gutterRow >= 0) {
        const TimelineRow &row = m_layout.rows()[std::size_t(gutterRow)];
        if (row.type != TimelineRow::Type::Lane) {
            m_layout.toggle(row);
            relayout();
            update();
        }
        return;
    }
    const SpanHit hit = spanHitAt(pos);
    if (hit.found) {
        select(hit);
        return;
    }
    if (const quint32 alert = alertAt(pos)) {
        highlightAlert(alert);
        Q_EMIT alertClicked(alert);
        return;
    }
    const TimelineLayout::Hit h = m_layout.hitTest(pos.y() - RulerHeight + m_scrollY);
    if (h.row >= 0 && m_layout.rows()[std::size_t(h.row)].type == TimelineRow::Type::Group) {
        m_layout.toggle(m_layout.rows()[std::size_t(h.row)]);
        relayout();
        update();
        return;
    }
    clearSelection();
}

void TimelineView::mouseDoubleClickEvent(QMouseEvent *event)
{
    const SpanHit hit = spanHitAt(event->position().toPoint());
    if (hit.found)
        zoomToRange(hit.item.startNs, hit.item.endNs);
}

void TimelineView::wheelEvent(QWheelEvent *event)
{
    const QPoint angle = event->angleDelta();
    const QPointF pos = event->position();
    const bool scrollVertically = pos.x() < GutterWidth || (event->modifiers() & Qt::ShiftModifier);
    if (scrollVertically) {
        m_scrollBar->setValue(m_scrollBar->value() - angle.y() / 2 - angle.x() / 2);
        event->accept();
        return;
    }
    if (angle.x() != 0 && std::abs(angle.x()) > std::abs(angle.y())) {
        // A horizontal wheel or a sideways swipe pans.
        setFollowLive(false);
        TimelineViewport v = m_viewport;
        v.panByPixels(angle.x() / 2.0);
        setViewport(v);
        clampViewport();
        update();
        event->accept();
        return;
    }
    const double notches = angle.y() / 120.0;
    const double base = (event->modifiers() & Qt::ControlModifier) ? 1.05 : 1.25;
    zoomBy(std::pow(base, notches), pos.x() - GutterWidth);
    event->accept();
}

void TimelineView::keyPressEvent(QKeyEvent *event)
{
    const double panStep = m_viewport.width() * 0.15;
    switch (event->key()) {
    case Qt::Key_W:
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        zoomBy(1.5, m_hoverX >= GutterWidth ? m_hoverX - GutterWidth : m_viewport.width() / 2.0);
        break;
    case Qt::Key_S:
    case Qt::Key_Minus:
        zoomBy(1 / 1.5, m_hoverX >= GutterWidth ? m_hoverX - GutterWidth : m_viewport.width() / 2.0);
        break;
    case Qt::Key_A:
    case Qt::Key_Left: {
        setFollowLive(false);
        TimelineViewport v = m_viewport;
        v.panByPixels(panStep);
        setViewport(v);
        clampViewport();
        update();
        break;
    }
    case Qt::Key_D:
    case Qt::Key_Right: {
        setFollowLive(false);
        TimelineViewport v = m_viewport;
        v.panByPixels(-panStep);
        setViewport(v);
        clampViewport();
        update();
        break;
    }
    case Qt::Key_F:
    case Qt::Key_End:
        setFollowLive(true);
        break;
    case Qt::Key_Space:
        setFollowLive(!m_follow);
        break;
    case Qt::Key_Home:
        fitAll();
        break;
    case Qt::Key_Escape:
        clearSelection();
        break;
    case Qt::Key_PageDown:
        m_scrollBar->triggerAction(QAbstractSlider::SliderPageStepAdd);
        break;
    case Qt::Key_PageUp:
        m_scrollBar->triggerAction(QAbstractSlider::SliderPageStepSub);
        break;
    case Qt::Key_Up:
        m_scrollBar->triggerAction(QAbstractSlider::SliderSingleStepSub);
        break;
    case Qt::Key_Down:
        m_scrollBar->triggerAction(QAbstractSlider::SliderSingleStepAdd);
        break;
    default:
        QWidget::keyPressEvent(event);
        return;
    }
    event->accept();
}

void TimelineView::leaveEvent(QEvent *event)
{
    m_hoverX = -1;
    update();
    QWidget::leaveEvent(event);
}

void TimelineView::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange) {
        m_palette = TimelinePalette(palette());
        update();
    } else if (event->type() == QEvent::FontChange) {
        m_font = font();
        m_smallFont = m_font;
        m_smallFont.setPointSizeF(m_font.pointSizeF() * 0.9);
        m_boldFont = m_font;
        m_boldFont.setBold(true);
        std::fill(m_nameWidth.begin(), m_nameWidth.end(), -1.f);
        m_elideCache.clear();
        m_gutterCache = QImage();
    }
    QWidget::changeEvent(event);
}

bool TimelineView::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const QString text = tooltipAt(help->pos());
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, this);
        return true;
    }
    return QWidget::event(event);
}
