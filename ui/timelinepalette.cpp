#include "ui/timelinepalette.h"

#include "model/trace/tracenames.h"

using Taskscope::Trace::NameId;
using Taskscope::Trace::TraceNames;

namespace Taskscope::Ui {

TimelinePalette::TimelinePalette(const QPalette &palette)
{
    const QColor window = palette.color(QPalette::Window);
    m_dark = window.lightnessF() < 0.5;
    if (m_dark) {
        m_background = QColor(0x1d, 0x20, 0x25);
        m_laneOdd = QColor(0x22, 0x26, 0x2c);
        m_section = QColor(0x2a, 0x2f, 0x37);
        m_gutter = QColor(0x25, 0x29, 0x30);
        m_separator = QColor(0x37, 0x3d, 0x47);
        m_grid = QColor(0xff, 0xff, 0xff, 18);
        m_text = QColor(0xdc, 0xe0, 0xe6);
        m_muted = QColor(0x8e, 0x96, 0xa3);
        m_ruler = QColor(0x26, 0x2a, 0x31);
        m_selection = QColor(0xff, 0xff, 0xff);
        m_hover = QColor(0xff, 0xff, 0xff, 90);
        m_suspendedFill = QColor(0x4a, 0x55, 0x66);
        m_suspendedHatch = QColor(0x7d, 0x8b, 0xa0);
        m_alertBand = QColor(0xd9, 0x3b, 0x3b, 60);
        m_flow = QColor(0xe0, 0xe4, 0xea, 120);
        m_instant = QColor(0xf0, 0xc0, 0x50);
        m_counterLine = QColor(0x6c, 0xb4, 0xee);
        m_counterFill = QColor(0x6c, 0xb4, 0xee, 60);
    } else {
        m_background = QColor(0xfb, 0xfb, 0xfc);
        m_laneOdd = QColor(0xf3, 0xf4, 0xf6);
        m_section = QColor(0xe7, 0xe9, 0xed);
        m_gutter = QColor(0xf0, 0xf1, 0xf4);
        m_separator = QColor(0xd5, 0xd8, 0xde);
        m_grid = QColor(0x00, 0x00, 0x00, 16);
        m_text = QColor(0x1f, 0x23, 0x29);
        m_muted = QColor(0x6a, 0x72, 0x7e);
        m_ruler = QColor(0xf6, 0xf7, 0xf9);
        m_selection = QColor(0x10, 0x10, 0x10);
        m_hover = QColor(0x00, 0x00, 0x00, 80);
        m_suspendedFill = QColor(0xd3, 0xd9, 0xe2);
        m_suspendedHatch = QColor(0x8b, 0x97, 0xa8);
        m_alertBand = QColor(0xd9, 0x3b, 0x3b, 45);
        m_flow = QColor(0x30, 0x36, 0x40, 110);
        m_instant = QColor(0xc8, 0x7f, 0x0a);
        m_counterLine = QColor(0x2b, 0x6c, 0xb0);
        m_counterFill = QColor(0x2b, 0x6c, 0xb0, 45);
    }
    m_accent = palette.color(QPalette::Highlight);
    // Mid-tone hues that carry white text on both themes. No pure green, amber or red: those mean
    // running, ready and alert on this timeline.
    static constexpr QRgb hues[HueCount] = {0x3b78b8, 0x2e8a8f, 0x6a5fb5, 0xa9546c, 0x9a6440, 0x5a6f8f,
                                            0x8a5aa8, 0x2f7fa6, 0x7d6a9e, 0x4c6aa8, 0x94507f, 0x3a7f8c};
    for (int i = 0; i < HueCount; ++i)
        m_hues[std::size_t(i)] = QColor::fromRgb(hues[i]);
}

int TimelinePalette::hueOf(NameId name) const
{
    if (name < m_hueCache.size() && m_hueCache[name] >= 0)
        return m_hueCache[name];
    if (name >= m_hueCache.size()) {
        if (name > (1u << 22))
            return int(name % HueCount); // absurd ids: no cache growth
        m_hueCache.resize(std::size_t(name) + 1024, -1);
    }
    // FNV-1a over the UTF-16 text: the same name gets the same colour in every run (qHash is seeded).
    const QString text = TraceNames::name(name);
    std::uint32_t h = 2166136261u;
    for (const QChar c : text) {
        h ^= c.unicode();
        h *= 16777619u;
    }
    const int hue = int(h % HueCount);
    m_hueCache[name] = std::int8_t(hue);
    return hue;
}

QColor TimelinePalette::textOn(const QColor &fill)
{
    return fill.lightnessF() > 0.62 ? QColor(0x1a, 0x1d, 0x22) : QColor(0xff, 0xff, 0xff);
}

} // namespace Taskscope::Ui
