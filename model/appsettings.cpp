#include "model/appsettings.h"

#include <QSettings>

#include <algorithm>

namespace Taskscope::Model {

namespace {

int readInt(QSettings &settings, const QString &key, int fallback)
{
    bool ok = false;
    const int value = settings.value(key, fallback).toInt(&ok);
    return ok ? value : fallback;
}

QUrl readUrl(QSettings &settings, const QString &key)
{
    const QUrl url(settings.value(key).toString(), QUrl::StrictMode);
    return url.isValid() && !url.scheme().isEmpty() ? url : QUrl();
}

} // namespace

void AppSettings::load(QSettings &settings)
{
    const AppSettings defaults;
    settings.beginGroup(QStringLiteral("watchdog"));
    suspicionMs = readInt(settings, QStringLiteral("suspicionMs"), defaults.suspicionMs);
    hangMs = readInt(settings, QStringLiteral("hangMs"), defaults.hangMs);
    severeMs = readInt(settings, QStringLiteral("severeMs"), defaults.severeMs);
    criticalMs = readInt(settings, QStringLiteral("criticalMs"), defaults.criticalMs);
    recordDispatches = settings.value(QStringLiteral("recordDispatches"), defaults.recordDispatches).toBool();
    settings.endGroup();

    settings.beginGroup(QStringLiteral("trace"));
    keepRuns = readInt(settings, QStringLiteral("keepRuns"), defaults.keepRuns);
    traceBudgetMiB = readInt(settings, QStringLiteral("budgetMiB"), defaults.traceBudgetMiB);
    storeCapacityMillions = readInt(settings, QStringLiteral("capacityMillions"), defaults.storeCapacityMillions);
    settings.endGroup();

    settings.beginGroup(QStringLiteral("endpoints"));
    deepgramBaseUrl = readUrl(settings, QStringLiteral("deepgram"));
    openAiBaseUrl = readUrl(settings, QStringLiteral("openai"));
    httpBaseUrl = readUrl(settings, QStringLiteral("http"));
    deepgramApiKey = settings.value(QStringLiteral("deepgramKey")).toString();
    openAiApiKey = settings.value(QStringLiteral("openaiKey")).toString();
    settings.endGroup();

    settings.beginGroup(QStringLiteral("window"));
    theme = themeFromString(settings.value(QStringLiteral("theme")).toString());
    followWindowMs = readInt(settings, QStringLiteral("followWindowMs"), defaults.followWindowMs);
    freezeMs = readInt(settings, QStringLiteral("freezeMs"), defaults.freezeMs);
    freezeKind = settings.value(QStringLiteral("freezeKind")).toString() == QLatin1StringView("busy")
        ? FreezeKind::Busy
        : FreezeKind::Sleep;
    hiddenLaneGroups = settings.value(QStringLiteral("hiddenLaneGroups")).toStringList();
    settings.endGroup();

    *this = normalized();
}

void AppSettings::save(QSettings &settings) const
{
    settings.beginGroup(QStringLiteral("watchdog"));
    settings.setValue(QStringLiteral("suspicionMs"), suspicionMs);
    settings.setValue(QStringLiteral("hangMs"), hangMs);
    settings.setValue(QStringLiteral("severeMs"), severeMs);
    settings.setValue(QStringLiteral("criticalMs"), criticalMs);
    settings.setValue(QStringLiteral("recordDispatches"), recordDispatches);
    settings.endGroup();

    settings.beginGroup(QStringLiteral("trace"));
    settings.setValue(QStringLiteral("keepRuns"), keepRuns);
    settings.setValue(QStringLiteral("budgetMiB"), traceBudgetMiB);
    settings.setValue(QStringLiteral("capacityMillions"), storeCapacityMillions);
    settings.endGroup();

    settings.beginGroup(QStringLiteral("endpoints"));
    settings.setValue(QStringLiteral("deepgram"), deepgramBaseUrl.toString());
    settings.setValue(QStringLiteral("openai"), openAiBaseUrl.toString());
    settings.setValue(QStringLiteral("http"), httpBaseUrl.toString());
    settings.setValue(QStringLiteral("deepgramKey"), deepgramApiKey);
    settings.setValue(QStringLiteral("openaiKey"), openAiApiKey);
    settings.endGroup();

    settings.beginGroup(QStringLiteral("window"));
    settings.setValue(QStringLiteral("theme"), toString(theme));
    settings.setValue(QStringLiteral("followWindowMs"), followWindowMs);
    settings.setValue(QStringLiteral("freezeMs"), freezeMs);
    settings.setValue(QStringLiteral("freezeKind"),
                      freezeKind == FreezeKind::Busy ? QStringLiteral("busy") : QStringLiteral("sleep"));
    settings.setValue(QStringLiteral("hiddenLaneGroups"), hiddenLaneGroups);
    settings.endGroup();
}

AppSettings AppSettings::normalized() const
{
    AppSettings s = *this;
    // The tiers must stay ordered, whatever a hand-edited file says.
    s.suspicionMs = std::clamp(s.suspicionMs, 10, 60'000);
    s.hangMs = std::clamp(s.hangMs, s.suspicionMs, 120'000);
    s.severeMs = std::clamp(s.severeMs, s.hangMs, 300'000);
    s.criticalMs = std::clamp(s.criticalMs, s.severeMs, 600'000);
    s.keepRuns = std::clamp(s.keepRuns, 0, 1000);
    s.traceBudgetMiB = std::clamp(s.traceBudgetMiB, 16, 64 * 1024);
    s.storeCapacityMillions = std::clamp(s.storeCapacityMillions, 1, 256);
    s.hiddenLaneGroups.removeAll(QString());
    s.hiddenLaneGroups.removeDuplicates();
    if (s.hiddenLaneGroups.size() > 256)
        s.hiddenLaneGroups = s.hiddenLaneGroups.mid(0, 256);
    s.followWindowMs = std::clamp(s.followWindowMs, 10, 3'600'000);
    s.freezeMs = std::clamp(s.freezeMs, 10, 60'000);
    return s;
}

QString AppSettings::effectiveDeepgramKey() const
{
    return deepgramApiKey.isEmpty() ? qEnvironmentVariable("DEEPGRAM_API_KEY") : deepgramApiKey;
}

QString AppSettings::effectiveOpenAiKey() const
{
    return openAiApiKey.isEmpty() ? qEnvironmentVariable("OPENAI_API_KEY") : openAiApiKey;
}

QString AppSettings::describe() const
{
    const auto url = [](const QUrl &u) {
        return u.isEmpty() ? QStringLiteral("built-in") : u.toString(QUrl::RemoveUserInfo);
    };
    const auto key = [](const QString &k) { return k.isEmpty() ? QStringLiteral("none") : QStringLiteral("set"); };
    return QStringLiteral("watchdog %1/%2/%3/%4 ms%13, keep %5 runs in %14 MiB, cap %6 M items, deepgram %7 (key %8), "
                          "openai %9 (key %10), http %11, theme %12")
        .arg(suspicionMs)
        .arg(hangMs)
        .arg(severeMs)
        .arg(criticalMs)
        .arg(keepRuns)
        .arg(storeCapacityMillions)
        .arg(url(deepgramBaseUrl), key(effectiveDeepgramKey()), url(openAiBaseUrl), key(effectiveOpenAiKey()),
             url(httpBaseUrl), toString(theme),
             recordDispatches ? QString() : QStringLiteral(" (heartbeats and stacks only)"))
        .arg(traceBudgetMiB);
}

QString AppSettings::toString(Theme theme)
{
    switch (theme) {
    case Theme::Light:
        return QStringLiteral("light");
    case Theme::Dark:
        return QStringLiteral("dark");
    case Theme::System:
        break;
    }
    return QStringLiteral("system");
}

AppSettings::Theme AppSettings::themeFromString(const QString &text)
{
    if (text == QLatin1StringView("light"))
        return Theme::Light;
    if (text == QLatin1StringView("dark"))
        return Theme::Dark;
    return Theme::System;
}

} // namespace Taskscope::Model
