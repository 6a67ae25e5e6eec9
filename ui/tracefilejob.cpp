#include "ui/tracefilejob.h"

#include "model/trace/chrometracereader.h"
#include "model/trace/chrometracewriter.h"

#include <QCoreApplication>
#include <QFile>
#include <QPointer>
#include <QSaveFile>
#include <QThreadPool>

using Taskscope::Trace::ChromeTraceReader;
using Taskscope::Trace::ChromeTraceWriter;
using Taskscope::Trace::TraceStore;

namespace Taskscope::Ui {

namespace {

/// Passes reads and writes through to a file, counting bytes and failing once cancelled, so a
/// long write or read stops at the next block.
class CountingDevice final : public QIODevice
{
public:
    CountingDevice(QIODevice *inner, std::atomic<quint64> *counter, const std::atomic<bool> *cancelled)
        : m_inner(inner)
        , m_counter(counter)
        , m_cancelled(cancelled)
    {
    }

    bool isSequential() const override { return true; }
    qint64 bytesAvailable() const override { return m_inner->bytesAvailable() + QIODevice::bytesAvailable(); }
    qint64 size() const override { return m_inner->size(); }

protected:
    qint64 readData(char *data, qint64 maxSize) override
    {
        if (m_cancelled->load(std::memory_order_relaxed))
            return -1;
        const qint64 n = m_inner->read(data, maxSize);
        if (n > 0)
            m_counter->fetch_add(quint64(n), std::memory_order_relaxed);
        return n;
    }
    qint64 writeData(const char *data, qint64 size) override
    {
        if (m_cancelled->load(std::memory_order_relaxed)) {
            setErrorString(QStringLiteral("cancelled"));
            return -1;
        }
        const qint64 n = m_inner->write(data, size);
        if (n > 0)
            m_counter->fetch_add(quint64(n), std::memory_order_relaxed);
        return n;
    }

private:
    QIODevice *m_inner;
    std::atomic<quint64> *m_counter;
    const std::atomic<bool> *m_cancelled;
};

} // namespace

struct TraceFileJob::State
{
    std::atomic<quint64> bytes {0};
    std::atomic<quint64> total {0};
    std::atomic<bool> cancelled {false};
};

TraceFileJob::TraceFileJob(Kind kind, const QString &path, QObject *parent)
    : QObject(parent)
    , m_kind(kind)
    , m_path(path)
    , m_state(std::make_shared<State>())
{
}

TraceFileJob::~TraceFileJob()
{
    m_state->cancelled.store(true);
}

TraceFileJob *TraceFileJob::save(const TraceStore &store, const QString &path, QObject *parent)
{
    auto *job = new TraceFileJob(Kind::Save, path, parent);
    std::shared_ptr<State> state = job->m_state;
    // About 120 bytes of JSON per stored item: good enough for a progress bar.
    state->total.store(store.itemCount() * 120 + 4096);
    QPointer<TraceFileJob> guard(job);
    const TraceStore *source = &store;
    QThreadPool::globalInstance()->start([state, guard, source, path] {
        QString error;
        bool ok = false;
        QSaveFile file(path);
        if (!file.open(QIODevice::WriteOnly)) {
            error = QStringLiteral("Cannot write %1: %2").arg(path, file.errorString());
        } else {
            CountingDevice device(&file, &state->bytes, &state->cancelled);
            device.open(QIODevice::WriteOnly);
            ok = ChromeTraceWriter::write(*source, &device, &error);
            if (ok && state->cancelled.load())
                ok = false, error = QStringLiteral("cancelled");
            if (ok && !file.commit()) {
                ok = false;
                error = QStringLiteral("Cannot write %1: %2").arg(path, file.errorString());
            }
            if (!ok)
                file.cancelWriting();
        }
        QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [guard, ok, error] {
                if (guard)
                    guard->done(ok, error, 0, 0, 0);
            },
            Qt::QueuedConnection);
    });
    return job;
}

TraceFileJob *TraceFileJob::open(const QString &path, QObject *parent)
{
    auto *job = new TraceFileJob(Kind::Open, path, parent);
    std::shared_ptr<State> state = job->m_state;
    QPointer<TraceFileJob> guard(job);
    QThreadPool::globalInstance()->start([state, guard, path] {
        auto store = std::make_shared<std::unique_ptr<TraceStore>>(std::make_unique<TraceStore>());
        ChromeTraceReader::Result result;
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            result.error = QStringLiteral("Cannot open %1: %2").arg(path, file.errorString());
        } else {
            state->total.store(quint64(std::max<qint64>(file.size(), 0)));
            CountingDevice device(&file, &state->bytes, &state->cancelled);
            device.open(QIODevice::ReadOnly);
            result = ChromeTraceReader::read(&device, **store);
            if (state->cancelled.load())
                result.ok = false, result.error = QStringLiteral("cancelled");
        }
        QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [guard, store, result] {
                if (!guard)
                    return;
                if (result.ok)
                    guard->m_store = std::move(*store);
                guard->done(result.ok, result.error, result.events, result.skipped, result.lanes);
            },
            Qt::QueuedConnection);
    });
    return job;
}

quint64 TraceFileJob::bytesDone() const
{
    return m_state->bytes.load(std::memory_order_relaxed);
}

quint64 TraceFileJob::bytesTotal() const
{
    return m_state->total.load(std::memory_order_relaxed);
}

void TraceFileJob::cancel()
{
    m_state->cancelled.store(true);
}

std::unique_ptr<TraceStore> TraceFileJob::takeStore()
{
    return std::move(m_store);
}

void TraceFileJob::done(bool ok, const QString &error, qint64 events, qint64 skipped, int lanes)
{
    m_running = false;
    m_events = events;
    m_skipped = skipped;
    m_lanes = lanes;
    Q_EMIT finished(ok, error);
}

} // namespace Taskscope::Ui
