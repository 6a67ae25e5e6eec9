#pragma once

#include <QList>
#include <QString>

class QApplication;

namespace Taskscope::Gui {

/// `taskscope` (with a window) options. The documented ones are in --help; the automation options
/// that scripts/screenshot uses (screenshot, delays, selections, sizes) are hidden from it.
struct GuiCommandLine
{
    QString traceFile;
    QString scenario;
    QString screenshot;
    int screenshotAfterMs = 1500;
    QString tab;
    int freezeAfterMs = -1;
    bool startupReport = false;
    QString theme;
    int keepRuns = -1; ///< -1: the saved setting
    int traceBudgetMiB = -1;
    QString compareReports;
    QString compareScenario;
    int selectAlert = 0;
    qint64 zoomFrom = -1, zoomTo = -1;
    QString selectAt;
    int highlightAlert = 0;
    int quitAfterMs = -1;
    QString reportOnClose;
    int quitAfterScenarioMs = -1;
    int framesFromMs = -1;
    int width = 0, height = 0;
    QList<int> split;
    QString laneFilter;
    bool expandGroups = false;
    bool fitAll = false;
    qint64 rangeFromMs = -1, rangeToMs = -1;
    quint64 compareTaskA = 0, compareTaskB = 0;
    QString watchCommand; ///< a program to launch under the probe (what `taskscope launch -- …` opens)

    /// Parses the application's arguments (handles --help and --version itself); false after
    /// printing what is wrong.
    static bool parse(QApplication &app, GuiCommandLine *out);
};

} // namespace Taskscope::Gui
