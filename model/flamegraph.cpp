#include "model/flamegraph.h"

#include <QSet>

#include <algorithm>

namespace Taskscope::Model {

int FlameGraph::child(int parent, const QString &frame)
{
    for (const int c : m_nodes[std::size_t(parent)].children) {
        if (m_nodes[std::size_t(c)].frame == frame)
            return c;
    }
    Node node;
    node.frame = frame;
    node.depth = m_nodes[std::size_t(parent)].depth + 1;
    node.parent = parent;
    const int index = int(m_nodes.size());
    m_nodes.push_back(node);
    m_nodes[std::size_t(parent)].children.push_back(index);
    m_depth = std::max(m_depth, node.depth);
    return index;
}

FlameGraph FlameGraph::fromStacks(const QList<AlertStack> &stacks, const QStringList &ownFrames, int maxDepth)
{
    FlameGraph graph;
    const QSet<QString> own(ownFrames.begin(), ownFrames.end());
    for (const AlertStack &stack : stacks) {
        if (stack.samples <= 0)
            continue;
        graph.m_nodes.front().samples += stack.samples;
        int node = 0;
        const qsizetype outermost = stack.frames.size() - 1;
        for (qsizetype i = outermost; i >= 0 && outermost - i < maxDepth; --i) {
            node = graph.child(node, stack.frames[i]);
            Node &n = graph.m_nodes[std::size_t(node)];
            n.samples += stack.samples;
            n.ownCode = own.contains(n.frame);
        }
    }
    // Widest first on every level, then each node's offset from its parent's left edge.
    for (Node &n : graph.m_nodes) {
        std::stable_sort(n.children.begin(), n.children.end(), [&graph](int a, int b) {
            const Node &x = graph.m_nodes[std::size_t(a)];
            const Node &y = graph.m_nodes[std::size_t(b)];
            return x.samples != y.samples ? x.samples > y.samples : x.frame < y.frame;
        });
    }
    // Parents come before their children in m_nodes, so one forward pass places everything.
    for (Node &n : graph.m_nodes) {
        int x = n.offset;
        for (const int c : n.children) {
            graph.m_nodes[std::size_t(c)].offset = x;
            x += graph.m_nodes[std::size_t(c)].samples;
        }
    }
    return graph;
}

double FlameGraph::share(int node) const
{
    if (node < 0 || std::size_t(node) >= m_nodes.size() || totalSamples() == 0)
        return 0.0;
    return double(m_nodes[std::size_t(node)].samples) / double(totalSamples());
}

int FlameGraph::find(const QStringList &framesOutermostFirst) const
{
    int node = 0;
    for (const QString &frame : framesOutermostFirst) {
        int next = -1;
        for (const int c : m_nodes[std::size_t(node)].children) {
            if (m_nodes[std::size_t(c)].frame == frame) {
                next = c;
                break;
            }
        }
        if (next < 0)
            return -1;
        node = next;
    }
    return node;
}

} // namespace Taskscope::Model
