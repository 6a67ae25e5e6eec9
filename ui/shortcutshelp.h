#pragma once

#include <QString>

namespace Taskscope::Ui {

/// The text of Help > Keyboard shortcuts.
namespace ShortcutsHelp {

/// An HTML table of every shortcut and mouse gesture, by area.
QString html();

} // namespace ShortcutsHelp

} // namespace Taskscope::Ui
