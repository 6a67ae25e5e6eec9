#pragma once

#include "model/trace/tracetypes.h"

#include <QColor>
#include <QPalette>

#include <array>
#include <vector>

namespace Taskscope::Ui {

/// The timeline's colours, derived from the application palette so light and dark themes both read.
/// Span colours come from a fixed set of mid-tone hues chosen by the span name, so one name keeps
/// its colour across frames and runs; coroutine states have their own fixed colours.
class TimelinePalette final
{
public:
    static constexpr int HueCount = 12;

    explicit TimelinePalette(const QPalette &palette = QPalette());

    bool dark() const { return m_dark; }
    QColor background() const { return m_background; }
    QColor laneBackground(bool odd) const { return odd ? m_laneOdd : m_background; }
    QColor sectionBackground() const { return m_section; }
    QColor gutterBackground() const { return m_gutter; }
    QColor separator() const { return m_separator; }
    QColor grid() const { return m_grid; }
    QColor text() const { return m_text; }
    QColor mutedText() const { return m_muted; }
    QColor rulerBackground() const { return m_ruler; }
    QColor selection() const { return m_selection; }
    QColor hoverLine() const { return m_hover; }
    QColor accent() const { return m_accent; }

    QColor hue(int index) const { return m_hues[std::size_t(index % HueCount)]; }
    /// A stable hue index for a name (by its text, not its id, so colours survive across runs).
    int hueOf(Trace::NameId name) const;

    static QColor running() { return QColor(0x2f, 0x9e, 0x62); }
    static QColor ready() { return QColor(0xe6, 0x9b, 0x2c); }
    QColor suspendedFill() const { return m_suspendedFill; }
    QColor suspendedHatch() const { return m_suspendedHatch; }
    static QColor alert() { return QColor(0xd9, 0x3b, 0x3b); }
    QColor alertBand() const { return m_alertBand; }
    QColor flow() const { return m_flow; }
    QColor instant() const { return m_instant; }
    QColor counterLine() const { return m_counterLine; }
    QColor counterFill() const { return m_counterFill; }
    /// Text drawn on a span of this colour.
    static QColor textOn(const QColor &fill);

private:
    bool m_dark = false;
    QColor m_background, m_laneOdd, m_section, m_gutter, m_separator, m_grid, m_text, m_muted, m_ruler, m_selection,
        m_hover, m_accent, m_suspendedFill, m_suspendedHatch, m_alertBand, m_flow, m_instant, m_counterLine,
        m_counterFill;
    std::array<QColor, HueCount> m_hues;
    mutable std::vector<std::int8_t> m_hueCache; // by name id, -1 unknown
};

} // namespace Taskscope::Ui
