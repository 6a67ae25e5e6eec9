#pragma once

#include <QImage>
#include <QtGlobal>

class QPainter;
namespace Taskscope::Trace {
struct LaneInfo;
} // namespace Taskscope::Trace
namespace Taskscope::Ui {
class TimelinePalette;
struct TimelineRow;
} // namespace Taskscope::Ui

namespace Taskscope::Ui::Timeline {

class Controller;
struct Fonts;

/// The lane labels left of the content: section headings with their counts, group headings, lane
/// names with a chip in the lane kind's colour and a tag (UI, ended). They change only with the
/// layout or the scroll position, so they are painted into a cached image and blitted otherwise.
class Gutter final
{
public:
    void paint(QPainter &p, int height, const Controller &controller, const TimelinePalette &palette,
               const Fonts &fonts);
    /// Forgets the cached image (the font changed).
    void invalidate() { m_cache = QImage(); }

    /// A lane's name, or "lane N" when it has none.
    static QString laneTitle(const Trace::LaneInfo &info);

private:
    struct Scope
    {
        QPainter &p;
        const Controller &controller;
        const TimelinePalette &palette;
        const Fonts &fonts;
    };

    static void paintLabels(const Scope &s, int height);
    static void paintSection(const Scope &s, const TimelineRow &row, int top);
    static void paintGroup(const Scope &s, const TimelineRow &row, int top);
    static void paintLane(const Scope &s, const TimelineRow &row, int top);
    static void paintTag(const Scope &s, const QRectF &rect, const QString &tag, bool uiThread);

    QImage m_cache;
    quint64 m_key = 0;
};

} // namespace Taskscope::Ui::Timeline
