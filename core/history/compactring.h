#pragma once

#include <QtGlobal>

#include <algorithm>
#include <cstddef>
#include <vector>

namespace bw {

// A FIFO ring over one std::vector that grows lazily (x1.5) up to a fixed limit, then overwrites its oldest
// element. Indexing is logical: [0] is the oldest element. memoryBytes() counts the allocated capacity, so a
// half-filled ring reports what it really holds on to. Not thread-safe; a value type.
template<typename T>
class CompactRing
{
public:
    explicit CompactRing(std::size_t limit = 0) : m_limit(limit) {}

    std::size_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }
    std::size_t limit() const { return m_limit; }
    bool full() const { return m_size == m_limit; }

    const T &operator[](std::size_t i) const
    {
        Q_ASSERT(i < m_size);
        return m_data[wrap(m_head + i)];
    }
    T &operator[](std::size_t i)
    {
        Q_ASSERT(i < m_size);
        return m_data[wrap(m_head + i)];
    }
    const T &front() const { return (*this)[0]; }
    const T &back() const { return (*this)[m_size - 1]; }
    T &back() { return (*this)[m_size - 1]; }

    // Appends; when the ring is at its limit the oldest element is dropped and true is returned.
    bool pushBack(const T &value)
    {
        if (m_limit == 0)
            return true;
        if (m_size == m_data.size() && m_size < m_limit)
            grow();
        if (m_size < m_data.size()) {
            m_data[wrap(m_head + m_size)] = value;
            ++m_size;
            return false;
        }
        m_data[m_head] = value;
        m_head = wrap(m_head + 1);
        return true;
    }

    void popFront(std::size_t count = 1)
    {
        count = std::min(count, m_size);
        m_head = m_size == count ? 0 : wrap(m_head + count);
        m_size -= count;
    }

    // Forgets the elements, keeps the allocation.
    void clear()
    {
        m_head = 0;
        m_size = 0;
    }

    std::size_t capacity() const { return m_data.capacity(); }
    std::size_t memoryBytes() const { return m_data.capacity() * sizeof(T); }

private:
    std::size_t wrap(std::size_t i) const { return i >= m_data.size() ? i - m_data.size() : i; }

    void grow()
    {
        const std::size_t current = m_data.size();
        const std::size_t next = std::min(m_limit, std::max<std::size_t>(16, current + current / 2));
        std::vector<T> data;
        data.reserve(next);
        for (std::size_t i = 0; i < m_size; ++i)
            data.push_back((*this)[i]);
        data.resize(next);
        m_data = std::move(data);
        m_head = 0;
    }

    std::vector<T> m_data; // its size() is the ring's capacity
    std::size_t m_head = 0;
    std::size_t m_size = 0;
    std::size_t m_limit = 0;
};

} // namespace bw
