#pragma once

#include <QString>
#include <QStringList>
#include <QUrl>

class QSettings;

namespace Taskscope::Model {

/// The user's settings, as the settings dialog edits them and QSettings stores them.
///
/// API keys live here because the user typed them into the dialog; they are never part of a
/// WorkloadSpec, a trace, a report or a log line (describe() leaves them out on purpose).
struct AppSettings
{
    enum class Theme { System, Light, Dark };
    enum class FreezeKind { Sleep, Busy };

    // Watchdog tiers, milliseconds.
    int suspicionMs = 100;
    int hangMs = 250;
    int severeMs = 1000;
    int criticalMs = 5000;
    bool recordDispatches = true; ///< the watchdog's per-dispatch probe (off: heartbeats and stacks only)

    // Trace store bounds.
    // Whole runs are kept: the newest keepRuns of them within traceBudgetMiB of trace data.
    int keepRuns = 8; ///< 0 keeps any number (up to the budget)
    int traceBudgetMiB = 512;
    int storeCapacityMillions = 32; ///< a hard item cap behind the budget

    // Endpoints: an empty URL means the built-in loopback service.
    QUrl deepgramBaseUrl;
    QUrl openAiBaseUrl;
    QUrl httpBaseUrl;
    QString deepgramApiKey;
    QString openAiApiKey;

    // The window.
    Theme theme = Theme::System;
    int followWindowMs = 10'000; ///< how much time the live view shows
    int freezeMs = 1500; ///< the "Freeze the UI" action
    FreezeKind freezeKind = FreezeKind::Sleep;
    QStringList hiddenLaneGroups; ///< timeline groups the user hid ("section/group")

    void load(QSettings &settings);
    void save(QSettings &settings) const;
    /// Values clamped into their valid ranges (a hand-edited settings file cannot crash anything).
    AppSettings normalized() const;

    /// The key from the settings, else from the environment (DEEPGRAM_API_KEY / OPENAI_API_KEY).
    QString effectiveDeepgramKey() const;
    QString effectiveOpenAiKey() const;

    /// A one-line summary without secrets, safe to log.
    QString describe() const;

    static QString toString(Theme theme);
    static Theme themeFromString(const QString &text);

    bool operator==(const AppSettings &other) const = default;
};

} // namespace Taskscope::Model
