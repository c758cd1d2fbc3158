#pragma once

#include "breaker/transition.h"
#include "whatif/sweep.h"
#include "whatif/whatifmetrics.h"

#include <QByteArray>
#include <QString>

namespace bw {

// The command-line output contract (product.md): compact JSON, keys in a fixed order.
namespace report {

QByteArray jsonString(QStringView text);

// {"t":65000,"from":"closed","to":"open","reason":"..."}
QByteArray transitionLine(const Transition &transition);

// {"summary":{"transitions":9,"opens":4,"rejected":1196,"events":3000,"final_state":"closed","wall_ms":3.1,
//  "events_per_s":1000000, ...what-if metrics}}
QByteArray summaryLine(const WhatIfMetrics &metrics, double wallMs);

// {"parameters":{"threshold":"5"},"transitions":...,"opens":...,...}: one sweep grid point
QByteArray sweepLine(const SweepPoint &point);

QByteArray sweepCsvHeader(const SweepPoint &first);
QByteArray sweepCsvRow(const SweepPoint &point);

} // namespace report
} // namespace bw
