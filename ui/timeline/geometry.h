#pragma once

/// The timeline's fixed screen geometry, shared by the widget and the units that paint and hit-test it.
namespace Taskscope::Ui::Timeline {

inline constexpr int GutterWidth = 216; ///< lane labels, left of the content
inline constexpr int RulerHeight = 26; ///< the time ruler, above the content
inline constexpr double FoldPx = 3.0; ///< spans narrower than this fold together (Tracy's MinVisSize)
inline constexpr int MinLabelPx = 28; ///< narrower blocks carry no label

} // namespace Taskscope::Ui::Timeline
