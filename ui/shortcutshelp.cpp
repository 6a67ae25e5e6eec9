#include "ui/shortcutshelp.h"

namespace Taskscope::Ui {

namespace ShortcutsHelp {

QString html()
{
    return QStringLiteral(
        "<table cellpadding=3>"
        "<tr><td colspan=2><b>Timeline</b></td></tr>"
        "<tr><td>Wheel</td><td>zoom around the cursor (Ctrl: finer, Shift: scroll lanes)</td></tr>"
        "<tr><td>Drag</td><td>pan in time and across lanes</td></tr>"
        "<tr><td>Click / double-click</td><td>select a span / zoom to it</td></tr>"
        "<tr><td>W S, + −</td><td>zoom in / out</td></tr>"
        "<tr><td>A D, ← →</td><td>pan</td></tr>"
        "<tr><td>Space</td><td>pause the view (capture goes on) / resume</td></tr>"
        "<tr><td>F, End</td><td>follow live</td></tr>"
        "<tr><td>Home, Ctrl+0</td><td>fit everything</td></tr>"
        "<tr><td>Ctrl+9</td><td>fit the selected (or latest) run</td></tr>"
        "<tr><td>Shift+drag</td><td>select a time range: statistics per name</td></tr>"
        "<tr><td>Esc</td><td>clear the selection</td></tr>"
        "<tr><td>Right-click</td><td>pin a lane to the top / hide its group</td></tr>"
        "<tr><td>Minimap</td><td>click or drag: move the view; double-click: follow live</td></tr>"
        "<tr><td colspan=2><b>Window</b></td></tr>"
        "<tr><td>Ctrl+Return</td><td>start the stream panel's workload</td></tr>"
        "<tr><td>Ctrl+.</td><td>stop all tasks</td></tr>"
        "<tr><td>Ctrl+Shift+F</td><td>freeze the UI on purpose</td></tr>"
        "<tr><td>Ctrl+O / Ctrl+S</td><td>open / save a trace</td></tr>"
        "<tr><td>Ctrl+Shift+L</td><td>back to the live capture</td></tr>"
        "<tr><td>Ctrl+E</td><td>export a report</td></tr>"
        "<tr><td>Ctrl+1 … Ctrl+6</td><td>selection, alerts, transcripts, metrics, compare, range</td></tr>"
        "</table>");
}

} // namespace ShortcutsHelp

} // namespace Taskscope::Ui
