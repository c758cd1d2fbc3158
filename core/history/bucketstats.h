#pragma once

#include <algorithm>
#include <cstdint>

namespace bw {

// first/last/min/max/sum/count of the values in one time bucket; what every roll-up of a series keeps (the
// display store's levels, the history store's hourly summaries). A value type.
struct BucketStats
{
    double first = 0;
    double last = 0;
    double min = 0;
    double max = 0;
    double sum = 0;
    std::uint32_t count = 0;

    void add(double value)
    {
        if (count == 0) {
            first = min = max = value;
        } else {
            min = std::min(min, value);
            max = std::max(max, value);
        }
        last = value;
        sum += value;
        ++count;
    }

    // `other` covers the time after this bucket's values.
    void merge(const BucketStats &other)
    {
        if (other.count == 0)
            return;
        if (count == 0) {
            *this = other;
            return;
        }
        min = std::min(min, other.min);
        max = std::max(max, other.max);
        last = other.last;
        sum += other.sum;
        count += other.count;
    }
};

} // namespace bw
