#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

namespace Taskscope::Trace {

/// An append-mostly array in fixed blocks: dropping from the front frees whole blocks, and indexing
/// is two shifts. The first block grows geometrically, so the thousands of lanes that hold a handful
/// of items stay small; later blocks are allocated whole. Elements keep an absolute index (counting
/// the ones already dropped) so references survive eviction.
template<typename T, int BlockBits = 12>
class ChunkedColumn
{
public:
    static constexpr std::size_t BlockSize = std::size_t(1) << BlockBits;

    std::size_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }
    /// Elements dropped from the front so far; absolute index = dropped() + index.
    std::size_t dropped() const { return m_dropped; }

    T &operator[](std::size_t i)
    {
        const std::size_t j = m_front + i;
        return m_blocks[j >> BlockBits][j & (BlockSize - 1)];
    }
    const T &operator[](std::size_t i) const
    {
        const std::size_t j = m_front + i;
        return m_blocks[j >> BlockBits][j & (BlockSize - 1)];
    }
    T &front() { return (*this)[0]; }
    const T &front() const { return (*this)[0]; }
    T &back() { return (*this)[m_size - 1]; }
    const T &back() const { return (*this)[m_size - 1]; }

    void push_back(const T &value)
    {
        const std::size_t j = m_front + m_size;
        if ((j >> BlockBits) >= m_blocks.size()) {
            m_blocks.emplace_back();
            if (m_blocks.size() > 1)
                m_blocks.back().reserve(BlockSize);
        }
        m_blocks[j >> BlockBits].push_back(value);
        ++m_size;
    }

    /// Inserts keeping order by `less`, searching back from the end (values usually arrive in order).
    template<typename Less>
    void insertSorted(const T &value, Less less)
    {
        push_back(value);
        std::size_t i = m_size - 1;
        while (i > 0 && less(value, (*this)[i - 1])) {
            (*this)[i] = (*this)[i - 1];
            --i;
        }
        (*this)[i] = value;
    }

    void pop_front(std::size_t count)
    {
        if (count > m_size)
            count = m_size;
        m_front += count;
        m_size -= count;
        m_dropped += count;
        std::size_t freeBlocks = m_front >> BlockBits;
        if (m_size == 0) {
            freeBlocks = m_blocks.size();
            m_front = 0;
        } else {
            m_front &= BlockSize - 1;
        }
        if (freeBlocks)
            m_blocks.erase(m_blocks.begin(), m_blocks.begin() + std::ptrdiff_t(freeBlocks));
    }

    void clear()
    {
        m_dropped += m_size;
        m_blocks.clear();
        m_front = 0;
        m_size = 0;
    }

    std::size_t capacityBytes() const
    {
        std::size_t bytes = m_blocks.capacity() * sizeof(std::vector<T>);
        for (const std::vector<T> &block : m_blocks)
            bytes += block.capacity() * sizeof(T);
        return bytes;
    }

    /// First index whose key is not less than `value` (the column must be sorted by key).
    template<typename Key, typename V>
    std::size_t lowerBound(Key key, const V &value, std::size_t from = 0) const
    {
        return lowerBoundIn(key, value, from, m_size);
    }

    /// lowerBound for a value expected close to `from`: steps 1, 2, 4, ... ahead before the binary
    /// search, so finding the end of a run of k elements costs O(log k) instead of O(log size).
    template<typename Key, typename V>
    std::size_t gallopingLowerBound(Key key, const V &value, std::size_t from) const
    {
        std::size_t lo = from, step = 1;
        std::size_t hi = from;
        while (hi < m_size && key((*this)[hi]) < value) {
            lo = hi + 1;
            hi = from + step;
            step *= 2;
        }
        return lowerBoundIn(key, value, lo, std::min(hi, m_size));
    }

private:
    // Binary search of [lo, hi).
    template<typename Key, typename V>
    std::size_t lowerBoundIn(Key key, const V &value, std::size_t lo, std::size_t hi) const
    {
        while (lo < hi) {
            const std::size_t mid = lo + (hi - lo) / 2;
            if (key((*this)[mid]) < value)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo;
    }

    std::vector<std::vector<T>> m_blocks;
    std::size_t m_front = 0;
    std::size_t m_size = 0;
    std::size_t m_dropped = 0;
};

} // namespace Taskscope::Trace
