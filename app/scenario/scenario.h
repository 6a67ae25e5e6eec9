#pragma once

#include "model/protocol/fielderror.h"
#include "model/protocol/jsonfieldreader.h"
#include "model/workloadspec.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace Taskscope::Scenarios {

/// A headless scenario: what `taskscope --headless --scenario FILE` runs. JSON, documented in the
/// README ("Scenario files"); every field is checked and an error names the field, e.g.
/// "workloads[1].chunkMs is 5, expected an integer between 10 and 1000" or
/// "service.external is a string, expected a boolean (true or false)".
///
///     {"name": "chat", "durationS": 10, "timeoutS": 60,
///      "service": {"external": false, "loadSink": false, "networkThreads": 0, "faults": "",
///                  "chatTokensPerSecond": 50, "chatFirstTokenDelayMs": 100, "idleTimeoutMs": 10000},
///      "trace": {"retentionS": 0, "maxItems": 8000000, "bufferMiB": 64},
///      "workloads": [{"workload": "chat-stream", "model": "coroutine", "count": 4, "startS": 0,
///                     "stopAfterS": 0, ...WorkloadSpec fields...}]}
class Scenario
{
public:
    struct Service
    {
        bool external = false; ///< launch taskscope-server as its own process (scale runs)
        bool loadSink = false; ///< listen streams skip recognition (energy VAD, byte counts)
        int networkThreads = 0; ///< 0: one per core
        QString faults; ///< server-wide fault spec (workers/loopback/faultspec.h)
        double chatTokensPerSecond = -1; ///< -1: the service default (50)
        int chatFirstTokenDelayMs = -1; ///< -1: the service default (100)
        int idleTimeoutMs = 0; ///< 0: the service default (10,000)
    };
    struct Trace
    {
        double retentionS = 0; ///< 0: keep everything (up to maxItems)
        qint64 maxItems = 8'000'000;
        int bufferMiB = 0; ///< recorder budget for undrained events; 0: the default
    };
    struct Entry
    {
        Model::WorkloadSpec spec;
        double startS = 0; ///< start offset from the beginning of the run
        double stopAfterS = 0; ///< 0: run until done; else stop it this long after its start
    };

    QString name;
    QString description;
    double durationS = 0; ///< 0: until every workload ends; else stop everything then (a normal end)
    double timeoutS = 0; ///< 0: none; else stop everything then and fail the run
    Service service;
    Trace trace;
    QList<Entry> workloads;

    /// Parses and validates; on error returns nullopt with *error naming the field.
    static std::optional<Scenario> fromJson(const QJsonObject &object, Protocol::FieldError *error = nullptr);
    /// From a file path, or the name of a bundled scenario (":/scenarios/NAME.json").
    /// *source gets the path actually read.
    static std::optional<Scenario> load(const QString &pathOrName, QString *error, QString *source = nullptr);
    /// Names of the bundled scenarios.
    static QStringList bundledNames();
    QJsonObject toJson() const;

    /// True when some workload talks to the built-in service (no base URL of its own).
    bool needsLoopback() const;
    /// Streams over all workloads.
    int totalStreams() const;

private:
    static void readService(Protocol::JsonFieldReader reader, Service *service);
    static void readTrace(Protocol::JsonFieldReader reader, Trace *trace);
    static std::optional<Entry> readEntry(Protocol::JsonFieldReader reader);
};

} // namespace Taskscope::Scenarios
