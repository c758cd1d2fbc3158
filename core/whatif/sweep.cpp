#include "whatif/sweep.h"

#include <cmath>

using namespace Qt::StringLiterals;

namespace bw {

Result<SweepAxis> parseSweepAxis(QStringView spec)
{
    const qsizetype equals = spec.indexOf(u'=');
    if (equals <= 0 || equals == spec.size() - 1)
        return Error{u"grid \"%1\" must look like key=v1,v2,... or key=start..end:step"_s.arg(spec)};
    SweepAxis axis;
    axis.parameter = spec.left(equals).trimmed().toString();
    const QStringView values = spec.mid(equals + 1).trimmed();
    const qsizetype dots = values.indexOf(u"..");
    if (dots > 0) {
        const qsizetype colon = values.indexOf(u':', dots);
        bool okStart = false;
        bool okEnd = false;
        bool okStep = true;
        const double start = values.left(dots).toDouble(&okStart);
        const double end = values.mid(dots + 2, colon < 0 ? -1 : colon - dots - 2).toDouble(&okEnd);
        const double step = colon < 0 ? 1.0 : values.mid(colon + 1).toDouble(&okStep);
        if (!okStart || !okEnd || !okStep || step <= 0 || end < start)
            return Error{u"grid range \"%1\" must be start..end:step with step > 0 and end >= start"_s.arg(values)};
        const auto count = static_cast<qlonglong>(std::floor((end - start) / step + 1e-9)) + 1;
        if (count > 100'000)
            return Error{u"grid range \"%1\" has %2 points; at most 100000"_s.arg(values).arg(count)};
        for (qlonglong i = 0; i < count; ++i)
            axis.values << QString::number(start + static_cast<double>(i) * step, 'g', 15);
    } else {
        for (QStringView value : values.split(u',', Qt::SkipEmptyParts))
            axis.values << value.trimmed().toString();
    }
    if (axis.values.isEmpty())
        return Error{u"grid \"%1\" has no values"_s.arg(spec)};
    return axis;
}

Result<std::vector<WhatIfCandidate>> expandSweep(const PresetCatalog &catalog, const SweepRequest &request,
                                                 std::vector<QList<QPair<QString, QString>>> *gridValues)
{
    if (request.axes.empty() || request.axes.size() > 2)
        return Error{u"a sweep takes one or two --grid parameters, got %1"_s.arg(request.axes.size())};
    const Preset *preset = catalog.find(request.preset);
    if (!preset)
        return Error{u"unknown preset \"%1\"; valid presets: %2"_s.arg(request.preset, catalog.names().join(u", "))};
    for (const SweepAxis &axis : request.axes) {
        if (!preset->parameter(axis.parameter)) {
            QStringList names;
            for (const ParameterSpec &spec : preset->parameters)
                names << spec.name;
            return Error{u"preset %1 has no parameter \"%2\" to sweep; valid parameters: %3"_s.arg(
                preset->name, axis.parameter, names.join(u", "))};
        }
    }

    std::vector<QList<QPair<QString, QString>>> points;
    const SweepAxis &outer = request.axes[0];
    for (const QString &first : outer.values) {
        if (request.axes.size() == 1) {
            points.push_back({{outer.parameter, first}});
            continue;
        }
        for (const QString &second : request.axes[1].values)
            points.push_back({{outer.parameter, first}, {request.axes[1].parameter, second}});
    }

    std::vector<WhatIfCandidate> candidates;
    candidates.reserve(points.size());
    for (const auto &point : points) {
        QList<QPair<QString, QString>> overrides = request.base;
        overrides.append(point);
        auto policy = catalog.buildText(request.preset, overrides);
        if (!policy) {
            QStringList where;
            for (const auto &[name, value] : point)
                where << name + u'=' + value;
            return Error{u"grid point %1: %2"_s.arg(where.join(u", "), policy.error())};
        }
        QStringList label;
        for (const auto &[name, value] : point)
            label << name + u'=' + value;
        candidates.push_back({label.join(u' '), std::move(policy).value()});
    }
    if (gridValues)
        *gridValues = std::move(points);
    return candidates;
}

Result<SweepRun> runSweep(const EventStream &stream, const PresetCatalog &catalog, const SweepRequest &request,
                          const WhatIfOptions &options)
{
    std::vector<QList<QPair<QString, QString>>> grid;
    auto candidates = expandSweep(catalog, request, &grid);
    if (!candidates)
        return Error{candidates.error()};
    WhatIfRun run = runWhatIf(stream, *candidates, options);
    SweepRun sweep;
    sweep.cancelled = run.cancelled;
    sweep.wallMs = run.wallMs;
    sweep.points.reserve(grid.size());
    for (std::size_t i = 0; i < grid.size(); ++i)
        sweep.points.push_back({grid[i], std::move(run.results[i])});
    return sweep;
}

} // namespace bw
