#include "history/fleethistory.h"

namespace bw {

FleetHistory::FleetHistory(int serviceCount, const HistoryRetention &retention) : m_retention(retention)
{
    resize(serviceCount);
}

void FleetHistory::resize(int serviceCount)
{
    const auto count = static_cast<std::size_t>(std::max(0, serviceCount));
    if (count < m_services.size()) {
        m_services.erase(m_services.begin() + static_cast<std::ptrdiff_t>(count), m_services.end());
        return;
    }
    m_services.reserve(count);
    while (m_services.size() < count)
        m_services.emplace_back(m_retention);
}

void FleetHistory::remap(const std::vector<int> &previousIndex)
{
    std::vector<ServiceHistory> remapped;
    remapped.reserve(previousIndex.size());
    for (const int old : previousIndex) {
        if (valid(old))
            remapped.push_back(std::move(m_services[static_cast<std::size_t>(old)]));
        else
            remapped.emplace_back(m_retention);
    }
    m_services = std::move(remapped);
}

void FleetHistory::appendSample(int service, SeriesKind series, std::int64_t t, double value)
{
    if (valid(service))
        m_services[static_cast<std::size_t>(service)].appendSample(series, t, value);
}

void FleetHistory::appendReduced(int service, SeriesKind series, const SeriesPoint &point)
{
    if (valid(service))
        m_services[static_cast<std::size_t>(service)].appendReduced(series, point);
}

void FleetHistory::appendState(int service, TrackKind track, std::int64_t t, BreakerState state, QStringView reason)
{
    if (valid(service))
        m_services[static_cast<std::size_t>(service)].appendState(track, t, state, reason);
}

void FleetHistory::prependStates(int service, TrackKind track, const std::vector<ServiceHistory::PastState> &past)
{
    if (valid(service))
        m_services[static_cast<std::size_t>(service)].prependStates(track, past);
}

void FleetHistory::appendTransition(int service, TrackKind track, const Transition &transition)
{
    appendState(service, track, transition.t, transition.to, transition.reason.describe());
}

std::vector<SeriesPoint> FleetHistory::buckets(int service, SeriesKind series, std::int64_t t0, std::int64_t t1,
                                               int maxPoints) const
{
    if (!valid(service))
        return {};
    const SeriesHistory *history = this->service(service).series(series);
    return history ? history->buckets(t0, t1, maxPoints) : std::vector<SeriesPoint>{};
}

std::vector<DisplayRun> FleetHistory::runs(int service, TrackKind track, std::int64_t t0, std::int64_t t1,
                                           std::int64_t minDurationMs, std::int64_t lastRunUntil) const
{
    if (!valid(service))
        return {};
    return this->service(service).track(track).runs(t0, t1, minDurationMs, lastRunUntil);
}

std::size_t FleetHistory::memoryBytes() const
{
    std::size_t bytes = sizeof(*this) + (m_services.capacity() - m_services.size()) * sizeof(ServiceHistory);
    for (const ServiceHistory &service : m_services)
        bytes += service.memoryBytes();
    return bytes;
}

} // namespace bw
