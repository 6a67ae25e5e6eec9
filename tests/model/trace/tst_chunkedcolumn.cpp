// The block array under every trace track: order-preserving inserts, dropping from the front, and
// the two searches the level-of-detail query relies on.
#include "model/trace/chunkedcolumn.h"

#include <QTest>

#include <algorithm>
#include <vector>

using namespace Taskscope::Trace;

class TestChunkedColumn final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void searchesAgreeWithTheStandardLibrary_data();
    void searchesAgreeWithTheStandardLibrary();
    void dropFromTheFrontKeepsIndexes();
    void insertSortedKeepsOrder();
};

namespace {

using Column = ChunkedColumn<int, 3>; // blocks of 8 so that searches cross block edges

const auto identity = [](int v) { return v; };

} // namespace

void TestChunkedColumn::searchesAgreeWithTheStandardLibrary_data()
{
    QTest::addColumn<QList<int>>("values");
    QTest::addColumn<int>("dropped");

    QTest::newRow("empty") << QList<int> {} << 0;
    QTest::newRow("one value") << QList<int> {5} << 0;
    QTest::newRow("runs of equal values") << QList<int> {1, 1, 1, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 9, 9} << 0;
    QList<int> ramp;
    for (int i = 0; i < 200; ++i)
        ramp.append(i * 3);
    QTest::newRow("a long ramp across many blocks") << ramp << 0;
    QTest::newRow("a long ramp after dropping a block and a half") << ramp << 12;
    QList<int> clustered;
    for (int i = 0; i < 100; ++i)
        clustered.append(i < 90 ? 10 : 1000 + i);
    QTest::newRow("one dense cluster then a sparse tail") << clustered << 0;
}

void TestChunkedColumn::searchesAgreeWithTheStandardLibrary()
{
    QFETCH(QList<int>, values);
    QFETCH(int, dropped);
    Column column;
    for (int v : values)
        column.push_back(v);
    column.pop_front(std::size_t(dropped));
    const std::vector<int> kept(values.begin() + std::min<qsizetype>(dropped, values.size()), values.end());
    QCOMPARE(column.size(), kept.size());
    const int top = kept.empty() ? 4 : kept.back() + 4;
    for (std::size_t from = 0; from <= kept.size(); ++from) {
        for (int probe = -2; probe <= top; ++probe) {
            const auto expected = std::size_t(std::lower_bound(kept.begin() + std::ptrdiff_t(from), kept.end(), probe)
                                              - kept.begin());
            QCOMPARE(column.lowerBound(identity, probe, from), expected);
            QCOMPARE(column.gallopingLowerBound(identity, probe, from), expected);
        }
    }
}

void TestChunkedColumn::dropFromTheFrontKeepsIndexes()
{
    Column column;
    for (int i = 0; i < 30; ++i)
        column.push_back(i);
    column.pop_front(11);
    QCOMPARE(column.size(), std::size_t(19));
    QCOMPARE(column.dropped(), std::size_t(11));
    QCOMPARE(column.front(), 11);
    QCOMPARE(column.back(), 29);
    column.pop_front(100);
    QVERIFY(column.empty());
    QCOMPARE(column.dropped(), std::size_t(30));
    column.push_back(7);
    QCOMPARE(column.front(), 7);
}

void TestChunkedColumn::insertSortedKeepsOrder()
{
    Column column;
    for (int v : {1, 4, 9, 3, 12, 2, 11, 20, 0})
        column.insertSorted(v, std::less<int>());
    std::vector<int> seen;
    for (std::size_t i = 0; i < column.size(); ++i)
        seen.push_back(column[i]);
    QVERIFY(std::is_sorted(seen.begin(), seen.end()));
    QCOMPARE(seen.size(), std::size_t(9));
}

QTEST_GUILESS_MAIN(TestChunkedColumn)
#include "tst_chunkedcolumn.moc"
