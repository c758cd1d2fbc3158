#pragma once

#include <vector>

namespace bw {

// Which points are Pareto-optimal when both coordinates are to be minimised: no other point is at least as good
// in both and better in one. Equal points are all optimal or all not. O(n log n).
struct ParetoPoint
{
    double x = 0;
    double y = 0;
};
std::vector<bool> paretoOptimal(const std::vector<ParetoPoint> &points);

} // namespace bw
