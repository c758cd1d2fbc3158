#pragma once

#include <cstdint>
#include <vector>

namespace bw {

// Nagios-style flap detection: percent state change over the last `historySize` observations (21), recent
// changes weighted more (linearly from 0.8 for the oldest to 1.2 for the newest), with hysteresis: flapping
// starts above `highPercent` and stops below `lowPercent`. Feed it one observed state per check.
class PercentStateChange
{
public:
    enum class Change : std::uint8_t
    {
        None,
        Started,
        Stopped
    };

    explicit PercentStateChange(double lowPercent = 5.0, double highPercent = 20.0, int historySize = 21);

    Change record(int state);
    double percent() const { return m_percent; }
    bool isFlapping() const { return m_flapping; }
    double lowPercent() const { return m_low; }
    double highPercent() const { return m_high; }

private:
    double m_low;
    double m_high;
    int m_size;
    std::vector<int> m_history; // ring, oldest at m_next once full
    int m_next = 0;
    int m_filled = 0;
    double m_percent = 0;
    bool m_flapping = false;
};

} // namespace bw
