#pragma once

#include "model/alertdetails.h"

#include <QString>
#include <QStringList>

#include <vector>

namespace Taskscope::Model {

/// A prefix tree of stack samples, drawn as an icicle: the root holds every sample, each level
/// below is one frame deeper (outermost at the top), and stacks that begin with the same frames
/// share those nodes. A node's width is its share of all samples.
class FlameGraph final
{
public:
    struct Node
    {
        QString frame; ///< "function (file:line)"; empty for the root
        int samples = 0; ///< samples whose stack passes through this node
        int offset = 0; ///< samples left of it on its level (its x position in samples)
        int depth = 0; ///< 0 is the root
        int parent = -1;
        std::vector<int> children; ///< most samples first
        bool ownCode = false; ///< the program's own code (not a library)
    };

    /// Builds the tree from distinct stacks written innermost first (as AlertDetails holds them).
    /// `ownFrames` names the frames of the program's own code. Stacks deeper than maxDepth are cut
    /// at the outermost maxDepth frames.
    static FlameGraph fromStacks(const QList<AlertStack> &stacks, const QStringList &ownFrames = {},
                                 int maxDepth = 128);

    const std::vector<Node> &nodes() const { return m_nodes; }
    const Node &root() const { return m_nodes.front(); }
    int totalSamples() const { return m_nodes.front().samples; }
    int depth() const { return m_depth; } ///< levels below the root
    bool isEmpty() const { return totalSamples() == 0; }
    /// samples / all samples, 0 when empty.
    double share(int node) const;
    /// The node reached by following `framesOutermostFirst` from the root; -1 if there is none.
    int find(const QStringList &framesOutermostFirst) const;

private:
    int child(int parent, const QString &frame);

    std::vector<Node> m_nodes {Node {}};
    int m_depth = 0;
};

} // namespace Taskscope::Model
