#include "charts/spanselector.h"

#include <cstdlib>

namespace bw {

SpanSelector::SpanSelector(std::int64_t defaultSpanMs, QWidget *parent) : QComboBox(parent)
{
    constexpr qint64 minute = 60'000;
    addItem(tr("Last 5 min"), 5 * minute);
    addItem(tr("Last 15 min"), 15 * minute);
    addItem(tr("Last 1 h"), 60 * minute);
    addItem(tr("Last 6 h"), 6 * 60 * minute);
    addItem(tr("Last 24 h"), 24 * 60 * minute);
    setToolTip(tr("Time span shown by the charts"));
    setSpanMs(defaultSpanMs);
    connect(this, &QComboBox::currentIndexChanged, this, [this] { Q_EMIT spanChanged(spanMs()); });
}

std::int64_t SpanSelector::spanMs() const
{
    return currentData().toLongLong();
}

void SpanSelector::setSpanMs(std::int64_t spanMs)
{
    int best = 0;
    for (int i = 1; i < count(); ++i) {
        if (std::llabs(itemData(i).toLongLong() - spanMs) < std::llabs(itemData(best).toLongLong() - spanMs))
            best = i;
    }
    setCurrentIndex(best);
}

} // namespace bw
