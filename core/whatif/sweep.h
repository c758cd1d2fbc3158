#pragma once

#include "breaker/presetcatalog.h"
#include "common/result.h"
#include "whatif/whatifengine.h"

#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

#include <vector>

namespace bw {

// One swept parameter and the values it takes, as text in the parameter's own syntax.
struct SweepAxis
{
    QString parameter;
    QStringList values;
};

// "key=v1,v2,v3" or a numeric range "key=10..50:10" (start..end:step, end included).
Result<SweepAxis> parseSweepAxis(QStringView spec);

struct SweepRequest
{
    QString preset;
    QList<QPair<QString, QString>> base; // fixed overrides (--set)
    std::vector<SweepAxis> axes;         // one or two
};

struct SweepPoint
{
    QList<QPair<QString, QString>> parameters; // the grid point's values, axis order
    WhatIfResult result;
};

// Expands the grid (first axis outermost) into validated candidates; an invalid point names its values.
Result<std::vector<WhatIfCandidate>> expandSweep(const PresetCatalog &catalog, const SweepRequest &request,
                                                 std::vector<QList<QPair<QString, QString>>> *gridValues = nullptr);

struct SweepRun
{
    std::vector<SweepPoint> points;
    bool cancelled = false;
    double wallMs = 0;
};

Result<SweepRun> runSweep(const EventStream &stream, const PresetCatalog &catalog, const SweepRequest &request,
                          const WhatIfOptions &options = {});

} // namespace bw
