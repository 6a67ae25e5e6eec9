#pragma once

#include "app/gui/guicommandline.h"

namespace Taskscope::Gui {

class GuiSession;

/// What scripts/screenshot asks of a running window through hidden options: freeze the UI, select
/// an alert, zoom, select a span, show a tab, measure frames, save a screenshot, close. Kept out
/// of start-up so that reads as what a user's launch does.
class WindowAutomation final
{
public:
    /// Arms every automation the options ask for. `options` must outlive the window.
    static void install(GuiSession &session, const GuiCommandLine &options);
};

} // namespace Taskscope::Gui
