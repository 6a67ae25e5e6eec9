#include "model/trace/tracenames.h"

#include <QHash>
#include <QMutex>

#include <array>
#include <atomic>
#include <memory>

namespace Taskscope::Trace {

namespace {

constexpr int ChunkBits = 10;
constexpr int ChunkSize = 1 << ChunkBits;
constexpr int ChunkCount = TraceNames::MaxNames / ChunkSize;

// Names live in fixed chunks that never move, so readers index them without a lock; the published
// count (release/acquire) tells readers which slots are complete.
struct NameTable
{
    QMutex mutex;
    QHash<QString, NameId> ids;
    std::array<std::atomic<QString *>, ChunkCount> chunks {};
    std::atomic<int> count {0};
    std::atomic<quint64> overflow {0};
    NameId overflowId = 0;

    NameTable()
    {
        append(QString()); // id 0: the empty name
        overflowId = append(QStringLiteral("(name table full)"));
    }

    NameId append(const QString &text)
    {
        const int id = count.load(std::memory_order_relaxed);
        QString *chunk = chunks[id >> ChunkBits].load(std::memory_order_relaxed);
        if (!chunk) {
            chunk = new QString[ChunkSize];
            chunks[id >> ChunkBits].store(chunk, std::memory_order_release);
        }
        chunk[id & (ChunkSize - 1)] = text;
        ids.insert(text, NameId(id));
        count.store(id + 1, std::memory_order_release);
        return NameId(id);
    }
};

NameTable &table()
{
    static NameTable *t = new NameTable; // never destroyed: threads may record during exit
    return *t;
}

} // namespace

NameId TraceNames::intern(QStringView text)
{
    if (text.isEmpty())
        return 0;
    NameTable &t = table();
    QMutexLocker lock(&t.mutex);
    const QString key = text.toString();
    if (const auto it = t.ids.constFind(key); it != t.ids.cend())
        return it.value();
    if (t.count.load(std::memory_order_relaxed) >= MaxNames) {
        t.overflow.fetch_add(1, std::memory_order_relaxed);
        return t.overflowId;
    }
    return t.append(key);
}

QString TraceNames::name(NameId id)
{
    NameTable &t = table();
    if (int(id) >= t.count.load(std::memory_order_acquire))
        return {};
    const QString *chunk = t.chunks[id >> ChunkBits].load(std::memory_order_acquire);
    return chunk[id & (ChunkSize - 1)];
}

int TraceNames::count()
{
    return table().count.load(std::memory_order_acquire);
}

quint64 TraceNames::overflowCount()
{
    return table().overflow.load(std::memory_order_relaxed);
}

} // namespace Taskscope::Trace
