#include "whatif/pareto.h"

#include <algorithm>
#include <limits>
#include <numeric>

namespace bw {

std::vector<bool> paretoOptimal(const std::vector<ParetoPoint> &points)
{
    std::vector<std::size_t> order(points.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(), [&points](std::size_t a, std::size_t b) {
        return points[a].x != points[b].x ? points[a].x < points[b].x : points[a].y < points[b].y;
    });
    // Walking by x (then y), a point is optimal when its y is below every y seen at a smaller x, or when it equals
    // the optimal point just before it.
    std::vector<bool> optimal(points.size(), false);
    double bestY = std::numeric_limits<double>::infinity();
    const ParetoPoint *lastOptimal = nullptr;
    for (std::size_t i : order) {
        const ParetoPoint &p = points[i];
        if (lastOptimal && p.x == lastOptimal->x && p.y == lastOptimal->y) {
            optimal[i] = true;
        } else if (p.y < bestY) {
            optimal[i] = true;
            bestY = p.y;
            lastOptimal = &p;
        }
    }
    return optimal;
}

} // namespace bw
