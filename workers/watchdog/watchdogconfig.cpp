#include "workers/watchdog/watchdogconfig.h"

#include <QStringList>

using Taskscope::Model::AlertRecord;
using Taskscope::Model::AlertTier;

namespace Taskscope::Watchdog {

namespace {

struct MsField
{
    const char16_t *key;
    std::chrono::milliseconds UiWatchdogConfig::*member;
};

constexpr MsField msFields[] = {
    {u"suspicionMs", &UiWatchdogConfig::suspicion},
    {u"hangMs", &UiWatchdogConfig::hang},
    {u"severeMs", &UiWatchdogConfig::severe},
    {u"criticalMs", &UiWatchdogConfig::critical},
    {u"pollIntervalMs", &UiWatchdogConfig::pollInterval},
    {u"heartbeatIntervalMs", &UiWatchdogConfig::heartbeatInterval},
    {u"sampleIntervalMs", &UiWatchdogConfig::sampleInterval},
    {u"updateIntervalMs", &UiWatchdogConfig::updateInterval},
    {u"latenessToleranceMs", &UiWatchdogConfig::latenessTolerance},
};

struct BoolField
{
    const char16_t *key;
    bool UiWatchdogConfig::*member;
};

constexpr BoolField boolFields[] = {
    {u"dispatchProbe", &UiWatchdogConfig::dispatchProbe},
    {u"installDispatchProbe", &UiWatchdogConfig::installDispatchProbe},
    {u"sampleStacks", &UiWatchdogConfig::sampleStacks},
    {u"timeline", &UiWatchdogConfig::timeline},
    {u"journal", &UiWatchdogConfig::journal},
    {u"desktopNotifications", &UiWatchdogConfig::desktopNotifications},
};

} // namespace

UiWatchdogConfig UiWatchdogConfig::fromJson(const QJsonObject &object, QString *error)
{
    UiWatchdogConfig config;
    QStringList problems;
    QStringList known;
    for (const MsField &field : msFields) {
        const QString key = QString::fromUtf16(field.key);
        known.append(key);
        if (!object.contains(key))
            continue;
        const QJsonValue value = object.value(key);
        if (!value.isDouble() || value.toDouble() < 1 || value.toDouble() > 3'600'000)
            problems.append(QStringLiteral("%1 must be a number of ms between 1 and 3600000").arg(key));
        else
            config.*field.member = std::chrono::milliseconds(qint64(value.toDouble()));
    }
    for (const BoolField &field : boolFields) {
        const QString key = QString::fromUtf16(field.key);
        known.append(key);
        if (!object.contains(key))
            continue;
        if (!object.value(key).isBool())
            problems.append(QStringLiteral("%1 must be true or false").arg(key));
        else
            config.*field.member = object.value(key).toBool();
    }
    known << QStringLiteral("journalPath") << QStringLiteral("journalMaxBytes") << QStringLiteral("maxSamplesPerAlert")
          << QStringLiteral("notifyMinTier") << QStringLiteral("maxWorkersInEvidence");
    if (object.contains(u"journalPath"))
        config.journalPath = object.value(u"journalPath").toString();
    if (object.contains(u"journalMaxBytes")) {
        const qint64 bytes = object.value(u"journalMaxBytes").toInteger(-1);
        if (bytes < 16 * 1024)
            problems.append(QStringLiteral("journalMaxBytes must be at least 16384"));
        else
            config.journalMaxBytes = bytes;
    }
    if (object.contains(u"maxSamplesPerAlert")) {
        const int samples = object.value(u"maxSamplesPerAlert").toInt(-1);
        if (samples < 1 || samples > 10'000)
            problems.append(QStringLiteral("maxSamplesPerAlert must be between 1 and 10000"));
        else
            config.maxSamplesPerAlert = samples;
    }
    if (object.contains(u"maxWorkersInEvidence")) {
        const int workers = object.value(u"maxWorkersInEvidence").toInt(-1);
        if (workers < 0 || workers > 1024)
            problems.append(QStringLiteral("maxWorkersInEvidence must be between 0 and 1024"));
        else
            config.maxWorkersInEvidence = workers;
    }
    if (object.contains(u"notifyMinTier")) {
        AlertTier tier;
        if (!AlertRecord::tierFromName(object.value(u"notifyMinTier").toString(), &tier))
            problems.append(QStringLiteral("notifyMinTier must be one of none, suspicion, hang, severe, critical"));
        else
            config.notifyMinTier = tier;
    }
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!known.contains(it.key()))
            problems.append(QStringLiteral("unknown watchdog setting '%1'").arg(it.key()));
    }
    if (const QString invalid = config.validate(); !invalid.isEmpty())
        problems.append(invalid);
    if (error)
        *error = problems.join(QStringLiteral("; "));
    return config;
}

QJsonObject UiWatchdogConfig::toJson() const
{
    QJsonObject object;
    for (const MsField &field : msFields)
        object.insert(QString::fromUtf16(field.key), qint64((this->*field.member).count()));
    for (const BoolField &field : boolFields)
        object.insert(QString::fromUtf16(field.key), this->*field.member);
    object.insert(QStringLiteral("journalPath"), journalPath);
    object.insert(QStringLiteral("journalMaxBytes"), journalMaxBytes);
    object.insert(QStringLiteral("maxSamplesPerAlert"), maxSamplesPerAlert);
    object.insert(QStringLiteral("maxWorkersInEvidence"), maxWorkersInEvidence);
    object.insert(QStringLiteral("notifyMinTier"), AlertRecord::tierName(notifyMinTier));
    return object;
}

QString UiWatchdogConfig::validate() const
{
    if (!(suspicion.count() > 0 && suspicion < hang && hang < severe && severe < critical))
        return QStringLiteral("tiers must increase: 0 < suspicion < hang < severe < critical");
    if (pollInterval.count() <= 0 || heartbeatInterval.count() <= 0 || sampleInterval.count() <= 0)
        return QStringLiteral("intervals must be positive");
    if (pollInterval >= suspicion)
        return QStringLiteral("the poll interval must be shorter than the suspicion tier");
    return {};
}

} // namespace Taskscope::Watchdog
