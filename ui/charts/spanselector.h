#pragma once

#include <QComboBox>

#include <cstdint>

namespace bw {

// The time span a chart shows: last 15 min, 1 h, 6 h or 24 h.
class SpanSelector final : public QComboBox
{
    Q_OBJECT
public:
    explicit SpanSelector(std::int64_t defaultSpanMs, QWidget *parent = nullptr);

    std::int64_t spanMs() const;
    // Selects the offered span closest to `spanMs`.
    void setSpanMs(std::int64_t spanMs);

Q_SIGNALS:
    void spanChanged(std::int64_t spanMs);
};

} // namespace bw
