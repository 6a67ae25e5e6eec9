// The prefix tree behind an alert's flame graph: stacks that begin alike merge, widths are sample
// shares, children are placed widest first.
#include "model/flamegraph.h"

#include <QTest>

using namespace Taskscope::Model;

namespace {

// Stacks are written innermost first, as the watchdog reports them.
AlertStack stack(std::initializer_list<const char *> innermostFirst, int samples)
{
    AlertStack s;
    for (const char *frame : innermostFirst)
        s.frames.append(QString::fromLatin1(frame));
    s.samples = samples;
    return s;
}

} // namespace

Q_DECLARE_METATYPE(AlertStack)

class TestFlameGraph final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sharesOfMergedStacks_data();
    void sharesOfMergedStacks();
    void childrenArePlacedWidestFirst();
    void ownCodeIsMarked();
    void deepStacksAreCut();
    void nothingGivesAnEmptyRoot();
};

void TestFlameGraph::sharesOfMergedStacks_data()
{
    QTest::addColumn<QList<AlertStack>>("stacks");
    QTest::addColumn<QStringList>("path");
    QTest::addColumn<int>("samples");
    QTest::addColumn<double>("share");
    const QList<AlertStack> freeze {stack({"nanosleep", "sleep_for", "freezeUi", "main"}, 6),
                                    stack({"memcpy", "paint", "main"}, 3), stack({"paint", "main"}, 1)};
    QTest::newRow("the outermost frame holds every sample") << freeze << QStringList {"main"} << 10 << 1.0;
    QTest::newRow("two stacks through the same frame merge") << freeze << QStringList {"main", "paint"} << 4 << 0.4;
    QTest::newRow("a leaf keeps only its own samples") << freeze << QStringList {"main", "paint", "memcpy"} << 3 << 0.3;
    QTest::newRow("the deepest frame of the hot stack")
        << freeze << QStringList {"main", "freezeUi", "sleep_for", "nanosleep"} << 6 << 0.6;
    QTest::newRow("a frame under another parent is a different node")
        << QList<AlertStack> {stack({"work", "a", "main"}, 2), stack({"work", "b", "main"}, 2)}
        << QStringList {"main", "b", "work"} << 2 << 0.5;
    QTest::newRow("a path no sample took is not there") << freeze << QStringList {"main", "memcpy"} << -1 << 0.0;
}

void TestFlameGraph::sharesOfMergedStacks()
{
    QFETCH(QList<AlertStack>, stacks);
    QFETCH(QStringList, path);
    QFETCH(int, samples);
    QFETCH(double, share);
    const FlameGraph graph = FlameGraph::fromStacks(stacks);
    const int node = graph.find(path);
    if (samples < 0) {
        QCOMPARE(node, -1);
        return;
    }
    QVERIFY(node > 0);
    QCOMPARE(graph.nodes()[std::size_t(node)].samples, samples);
    QCOMPARE(graph.share(node), share);
    QCOMPARE(graph.nodes()[std::size_t(node)].depth, int(path.size()));
}

void TestFlameGraph::childrenArePlacedWidestFirst()
{
    const FlameGraph graph = FlameGraph::fromStacks(
        {stack({"small", "main"}, 1), stack({"big", "main"}, 5), stack({"middle", "main"}, 3)});
    const int main = graph.find({QStringLiteral("main")});
    const FlameGraph::Node &m = graph.nodes()[std::size_t(main)];
    QCOMPARE(int(m.children.size()), 3);
    QStringList order;
    QList<int> offsets;
    for (const int c : m.children) {
        order.append(graph.nodes()[std::size_t(c)].frame);
        offsets.append(graph.nodes()[std::size_t(c)].offset);
    }
    QCOMPARE(order, (QStringList {"big", "middle", "small"}));
    // Side by side, no gaps: each starts where the one before ends.
    QCOMPARE(offsets, (QList<int> {0, 5, 8}));
    QCOMPARE(graph.depth(), 2);
    QCOMPARE(graph.totalSamples(), 9);
}

void TestFlameGraph::ownCodeIsMarked()
{
    const FlameGraph graph = FlameGraph::fromStacks({stack({"clock_nanosleep", "MainWindow::freezeUi()", "main"}, 4)},
                                                    {QStringLiteral("MainWindow::freezeUi()")});
    QVERIFY(graph.nodes()[std::size_t(graph.find({"main", "MainWindow::freezeUi()"}))].ownCode);
    QVERIFY(!graph.nodes()[std::size_t(graph.find({"main", "MainWindow::freezeUi()", "clock_nanosleep"}))].ownCode);
}

void TestFlameGraph::deepStacksAreCut()
{
    AlertStack deep;
    for (int i = 0; i < 50; ++i)
        deep.frames.prepend(QStringLiteral("f%1").arg(i)); // f0 outermost
    deep.samples = 2;
    const FlameGraph graph = FlameGraph::fromStacks({deep}, {}, 10);
    QCOMPARE(graph.depth(), 10);
    QCOMPARE(graph.nodes().size(), std::size_t(11));
    QVERIFY(graph.find({"f0", "f1"}) > 0);
}

void TestFlameGraph::nothingGivesAnEmptyRoot()
{
    const FlameGraph graph = FlameGraph::fromStacks({stack({"never"}, 0)});
    QVERIFY(graph.isEmpty());
    QCOMPARE(graph.nodes().size(), std::size_t(1));
    QCOMPARE(graph.share(0), 0.0);
}

QTEST_APPLESS_MAIN(TestFlameGraph)
#include "tst_flamegraph.moc"
