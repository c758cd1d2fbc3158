#include "workbench/workbenchwidget.h"

#include "charts/tradeoffchart.h"
#include "control/breakercontrol.h"
#include "monitor/fleetmonitor.h"
#include "whatif/pareto.h"
#include "whatif/prometheusbackfill.h"
#include "whatif/samplehistory.h"
#include "whatif/sweep.h"
#include "workbench/candidatelistmodel.h"
#include "workbench/exportpolicydialog.h"
#include "workbench/policyparametermodel.h"
#include "workbench/prometheusrangedialog.h"
#include "workbench/sweepheatmap.h"
#include "workbench/whatifresultmodel.h"
#include "workbench/whatiftimeline.h"

#include <QComboBox>
#include <QDateTime>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QLocale>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QShortcut>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace bw {

namespace {

enum Source
{
    RecordedSource,
    JsonlSource,
    PrometheusSource,
    SampleSource
};

constexpr std::int64_t kHourMs = 3'600'000;

QString niceNumber(double v)
{
    return QString::number(v, 'g', 6);
}

// "1 policy", "3 policies": English plurals without a translation file.
QString counted(qint64 n, const QString &one, const QString &many)
{
    return u"%1 %2"_s.arg(QLocale().toString(n), n == 1 ? one : many);
}

// How strongly a parameter reads as "how long the breaker stays open" (the second axis a sweep most often wants):
// 0 for not at all.
int recoveryRank(const ParameterSpec &spec)
{
    if (spec.type != ParameterType::DurationMs)
        return 0;
    const QString words[] = {u"waitDurationInOpenState"_s,
                             u"resetTimeout"_s,
                             u"halfOpenAfter"_s,
                             u"breakDuration"_s,
                             u"sleep"_s,
                             u"timeout"_s,
                             u"openState"_s,
                             u"wait"_s};
    for (std::size_t i = 0; i < std::size(words); ++i)
        if (spec.name.contains(words[i], Qt::CaseInsensitive))
            return static_cast<int>(std::size(words) - i);
    return 0;
}

} // namespace

QString suggestedSweepValues(const ParameterSpec &spec)
{
    const double d = spec.defaultValue.isNull() ? 0 : spec.defaultValue.toDouble();
    switch (spec.type) {
    case ParameterType::Number: {
        if (spec.unit == u"%"_s)
            return u"10..90:10"_s;
        if (spec.maximum <= 1)
            return u"0.1..0.9:0.1"_s;
        const double lo = std::max(spec.minimum, d / 4);
        const double hi = std::max(lo + 1, d * 2);
        return u"%1..%2:%3"_s.arg(niceNumber(lo), niceNumber(hi), niceNumber((hi - lo) / 9));
    }
    case ParameterType::Integer: {
        const auto lo =
            std::max<qlonglong>(static_cast<qlonglong>(std::max(1.0, spec.minimum)), static_cast<qlonglong>(d / 4));
        const auto hi = std::max<qlonglong>(lo + 9, static_cast<qlonglong>(d * 2));
        const auto step = std::max<qlonglong>(1, (hi - lo) / 9);
        return u"%1..%2:%3"_s.arg(lo).arg(lo + 9 * step).arg(step);
    }
    case ParameterType::DurationMs: {
        const double base = d > 0 ? d : 10'000;
        const auto step = std::max<qlonglong>(1000, static_cast<qlonglong>(std::round(base / 4 / 1000)) * 1000);
        const auto lo = std::max<qlonglong>(static_cast<qlonglong>(std::max(spec.minimum, 1.0)), step);
        return u"%1..%2:%3"_s.arg(lo).arg(lo + 9 * step).arg(step);
    }
    default:
        return {};
    }
}

WorkbenchWidget::WorkbenchWidget(WorkbenchContext context, QWidget *parent)
    : QWidget(parent), m_context(std::move(context)), m_runner(new WhatIfRunner(this)),
      m_candidates(new CandidateListModel(&m_catalog, this)), m_parameters(new PolicyParameterModel(&m_catalog, this)),
      m_results(new WhatIfResultModel(this))
{
    m_confirm = [this](const QString &title, const QString &text) {
        return QMessageBox::question(this, title, text, QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel) ==
               QMessageBox::Yes;
    };
    if (m_context.network) {
        m_backfill = new PrometheusBackfill(m_context.network, this);
        connect(m_backfill, &PrometheusBackfill::progress, this,
                [this](double f) { m_progress->setValue(static_cast<int>(f * 1000)); });
        connect(m_backfill, &PrometheusBackfill::finished, this, [this](const Result<ReplayHistory> &history) {
            m_backfilling = false;
            setBusy(false);
            if (!history) {
                setStatus(tr("Prometheus backfill failed: %1").arg(history.error()), true);
                return;
            }
            setHistory(*history);
        });
    }
    buildUi();
    connect(m_runner, &WhatIfRunner::progress, this, [this](quint64 id, double f) {
        if (id == m_compareBatch || id == m_sweepBatch)
            m_progress->setValue(static_cast<int>(f * 1000));
    });
    connect(m_runner, &WhatIfRunner::finished, this, &WorkbenchWidget::onBatch);
    if (m_context.monitor)
        connect(m_context.monitor, &FleetMonitor::breakersChanged, this, [this] {
            const std::optional<BreakerId> was = service();
            fillServiceBox();
            m_service = -1; // the live policy may have changed with the configuration: show it afresh
            if (was && m_ids.contains(*was))
                setService(*was);
            else if (!m_ids.isEmpty())
                setService(m_ids.front());
        });
    if (!m_ids.isEmpty())
        setService(m_ids.front());
    updateActions();
}

WorkbenchWidget::~WorkbenchWidget() = default;

void WorkbenchWidget::setConfirmer(std::function<bool(const QString &, const QString &)> confirmer)
{
    m_confirm = std::move(confirmer);
}

void WorkbenchWidget::buildUi()
{
    auto *layout = new QVBoxLayout(this);

    // History to replay
    auto *historyBar = new QHBoxLayout;
    historyBar->addWidget(new QLabel(tr("History:"), this));
    m_source = new QComboBox(this);
    m_source->addItem(tr("Recorded history"), RecordedSource);
    m_source->addItem(tr("Events file (JSONL)…"), JsonlSource);
    m_source->addItem(tr("Prometheus range…"), PrometheusSource);
    m_source->addItem(tr("Built-in sample (24 h)"), SampleSource);
    m_source->setToolTip(tr("Where the calls to replay come from"));
    historyBar->addWidget(m_source);
    m_serviceBox = new QComboBox(this);
    // Long names (service/breaker@instance) must not widen the window: the list shows them in full.
    m_serviceBox->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_serviceBox->setMinimumContentsLength(24);
    m_serviceBox->setToolTip(tr("The service whose live policy is \"current\" and whose history is loaded"));
    fillServiceBox();
    historyBar->addWidget(m_serviceBox);
    m_range = new QComboBox(this);
    for (int hours : {1, 6, 24, 72})
        m_range->addItem(hours < 24 ? (hours == 1 ? tr("last hour") : tr("last %1 hours").arg(hours))
                                    : (hours == 24 ? tr("last day") : tr("last %1 days").arg(hours / 24)),
                         hours);
    m_range->setCurrentIndex(2);
    historyBar->addWidget(m_range);
    m_load = new QPushButton(tr("&Load"), this);
    m_load->setToolTip(tr("Load the history (Ctrl+Shift+L)"));
    m_load->setShortcut(QKeySequence(tr("Ctrl+Shift+L")));
    historyBar->addWidget(m_load);
    m_historyLabel = new QLabel(tr("No history loaded."), this);
    m_historyLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    historyBar->addWidget(m_historyLabel, 1);
    layout->addLayout(historyBar);
    connect(m_load, &QPushButton::clicked, this, &WorkbenchWidget::loadHistory);
    connect(m_serviceBox, &QComboBox::activated, this, [this](int index) {
        if (index >= 0 && index < m_ids.size())
            setService(m_ids[index]);
    });
    connect(m_source, &QComboBox::currentIndexChanged, this, [this] { updateActions(); });

    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(buildPolicyPane());
    m_tabs = new QTabWidget(this);
    m_tabs->addTab(buildComparePane(), tr("&Compare"));
    m_tabs->addTab(buildSweepPane(), tr("S&weep"));
    split->addWidget(m_tabs);
    split->setStretchFactor(0, 0);
    split->setStretchFactor(1, 1);
    split->setSizes({470, 900});
    layout->addWidget(split, 1);

    // Progress, cancel, run
    auto *bottom = new QHBoxLayout;
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 1000);
    m_progress->setTextVisible(false);
    m_progress->setMaximumWidth(260);
    m_progress->setVisible(false);
    bottom->addWidget(m_progress);
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setToolTip(tr("Stop the replay or backfill (Esc)"));
    m_cancel->setShortcut(QKeySequence(Qt::Key_Escape));
    m_cancel->setVisible(false);
    bottom->addWidget(m_cancel);
    m_status = new QLabel(this);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setWordWrap(true);
    bottom->addWidget(m_status, 1);
    m_run = new QPushButton(tr("&Run policies"), this);
    m_run->setToolTip(tr("Replay the history through the checked policies (Ctrl+Return)"));
    m_run->setShortcut(QKeySequence(tr("Ctrl+Return")));
    m_run->setDefault(true);
    bottom->addWidget(m_run);
    layout->addLayout(bottom);
    connect(m_cancel, &QPushButton::clicked, this, &WorkbenchWidget::cancel);
    connect(m_run, &QPushButton::clicked, this, &WorkbenchWidget::run);
}

QWidget *WorkbenchWidget::buildPolicyPane()
{
    auto *pane = new QWidget(this);
    auto *layout = new QVBoxLayout(pane);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *title = new QLabel(tr("<b>Policies</b> — checked ones are replayed; the live one is the reference"), pane);
    title->setWordWrap(true);
    layout->addWidget(title);
    m_candidateView = new QListView(pane);
    m_candidateView->setModel(m_candidates);
    m_candidateView->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed);
    m_candidateView->setToolTip(tr("Double-click or F2 renames a candidate; the checkbox includes it in runs"));
    m_candidateView->setMaximumHeight(150);
    layout->addWidget(m_candidateView);
    auto *buttons = new QHBoxLayout;
    auto *add = new QPushButton(tr("&New"), pane);
    add->setToolTip(tr("A new candidate from a preset's defaults (Ctrl+Shift+N)"));
    add->setShortcut(QKeySequence(tr("Ctrl+Shift+N")));
    m_duplicate = new QPushButton(tr("&Duplicate"), pane);
    m_duplicate->setToolTip(tr("A copy of the selected policy to edit (Ctrl+D)"));
    m_duplicate->setShortcut(QKeySequence(tr("Ctrl+D")));
    m_delete = new QPushButton(tr("Delete"), pane);
    m_delete->setToolTip(tr("Delete the selected candidate (Del)"));
    buttons->addWidget(add);
    buttons->addWidget(m_duplicate);
    buttons->addWidget(m_delete);
    layout->addLayout(buttons);
    connect(add, &QPushButton::clicked, this, &WorkbenchWidget::addCandidate);
    connect(m_duplicate, &QPushButton::clicked, this, [this] {
        const int row = m_candidates->duplicate(selectedCandidate());
        if (row >= 0)
            selectCandidate(row);
    });
    connect(m_delete, &QPushButton::clicked, this, [this] {
        const int row = selectedCandidate();
        if (m_candidates->remove(row))
            selectCandidate(std::min(row, m_candidates->rowCount() - 1));
    });
    auto *del = new QShortcut(QKeySequence::Delete, m_candidateView);
    connect(del, &QShortcut::activated, m_delete, &QPushButton::click);

    auto *presetRow = new QHBoxLayout;
    presetRow->addWidget(new QLabel(tr("Preset:"), pane));
    m_presetBox = new QComboBox(pane);
    m_presetBox->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_presetBox->setMinimumContentsLength(16);
    for (const Preset &p : m_catalog.presets())
        m_presetBox->addItem(u"%1 — %2"_s.arg(p.name, p.library), p.name);
    m_presetBox->setToolTip(tr("The library whose semantics the policy follows; switching resets to its defaults"));
    presetRow->addWidget(m_presetBox, 1);
    layout->addLayout(presetRow);
    connect(m_presetBox, &QComboBox::activated, this, [this](int index) {
        const int row = selectedCandidate();
        if (row < 0 || m_candidates->at(row).current)
            return;
        m_candidates->setPreset(row, m_presetBox->itemData(index).toString());
        showCandidate(row);
    });

    m_parameterView = new QTableView(pane);
    m_parameterView->setModel(m_parameters);
    m_parameterView->verticalHeader()->hide();
    m_parameterView->horizontalHeader()->setStretchLastSection(true);
    m_parameterView->setEditTriggers(QAbstractItemView::AllEditTriggers);
    m_parameterView->setWordWrap(false);
    m_parameterView->setAlternatingRowColors(true);
    layout->addWidget(m_parameterView, 1);
    m_parameterHelp = new QLabel(pane);
    m_parameterHelp->setWordWrap(true);
    m_parameterHelp->setTextFormat(Qt::RichText);
    m_parameterHelp->setMinimumHeight(fontMetrics().height() * 3);
    m_parameterHelp->setText(tr("Select a parameter to read what it does. Edit a value with a double-click."));
    layout->addWidget(m_parameterHelp);
    connect(m_parameterView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                const ParameterSpec *spec = m_parameters->spec(current.row());
                if (!spec)
                    return;
                m_parameterHelp->setText(
                    tr("<b>%1</b>%2 — %3 Default %4.")
                        .arg(spec->name, spec->unit.isEmpty() ? QString() : u" ("_s + spec->unit + u')',
                             spec->help.toHtmlEscaped() + (spec->help.endsWith(u'.') ? QString() : u"."_s),
                             spec->format(spec->defaultValue)));
            });
    m_rejected = new QLabel(pane);
    m_rejected->setWordWrap(true);
    m_rejected->setStyleSheet(u"color: #d55e00"_s);
    layout->addWidget(m_rejected);
    connect(m_parameters, &PolicyParameterModel::rejected, this,
            [this](const QString &reason) { m_rejected->setText(tr("Not accepted: %1").arg(reason)); });
    connect(m_parameters, &PolicyParameterModel::valuesChanged, this, [this](const ParameterValues &values) {
        m_rejected->clear();
        m_candidates->setValues(selectedCandidate(), values);
    });

    auto *actions = new QHBoxLayout;
    m_apply = new QPushButton(tr("&Apply to live…"), pane);
    m_apply->setToolTip(tr("Make the selected candidate the live simulated breaker's policy (audited)"));
    m_export = new QPushButton(tr("E&xport…"), pane);
    m_export->setToolTip(tr("The selected policy as its library's configuration (Ctrl+Shift+X)"));
    m_export->setShortcut(QKeySequence(tr("Ctrl+Shift+X")));
    actions->addWidget(m_apply);
    actions->addWidget(m_export);
    layout->addLayout(actions);
    connect(m_apply, &QPushButton::clicked, this, [this] {
        if (const Status s = applySelectedToLive(); !s && !s.error().isEmpty())
            setStatus(s.error(), true);
    });
    connect(m_export, &QPushButton::clicked, this, &WorkbenchWidget::exportSelected);
    connect(m_candidateView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                showCandidate(current.row());
                updateActions();
            });
    connect(m_candidates, &CandidateListModel::modelReset, this, [this] { selectCandidate(0); });
    return pane;
}

QWidget *WorkbenchWidget::buildComparePane()
{
    auto *split = new QSplitter(Qt::Vertical, this);
    m_timeline = new WhatIfTimeline(split);
    split->addWidget(m_timeline);
    m_resultView = new QTableView(split);
    m_resultView->setModel(m_results);
    m_resultView->verticalHeader()->hide();
    m_resultView->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_resultView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_resultView->setToolTip(tr("Differences are against the live policy (first row); the best of each column is "
                                "bold on green"));
    split->addWidget(m_resultView);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);
    split->setSizes({260, 400});
    connect(m_timeline, &WhatIfTimeline::outageMarked, this, [this](qint64 start, qint64 end) {
        m_outages.push_back({start, end});
        std::sort(m_outages.begin(), m_outages.end(),
                  [](const Outage &a, const Outage &b) { return a.start < b.start; });
        m_timeline->setOutages(m_outages);
        setStatus(tr("Outage marked; run again to see the delays against it."));
    });
    connect(m_timeline, &WhatIfTimeline::outageRemoved, this, [this](int index) {
        if (index >= 0 && index < static_cast<int>(m_outages.size()))
            m_outages.erase(m_outages.begin() + index);
        m_timeline->setOutages(m_outages);
    });
    return split;
}

QWidget *WorkbenchWidget::buildSweepPane()
{
    auto *pane = new QWidget(this);
    auto *layout = new QVBoxLayout(pane);
    auto *form = new QGridLayout;
    for (int i = 0; i < 2; ++i) {
        m_axis[i] = new QComboBox(pane);
        m_axisValues[i] = new QLineEdit(pane);
        m_axisValues[i]->setPlaceholderText(tr("v1,v2,… or start..end:step"));
        m_axisValues[i]->setToolTip(tr("Values to try: a list (10,20,50) or a range (10..90:10, end included)"));
        form->addWidget(new QLabel(i == 0 ? tr("Sweep") : tr("and"), pane), i, 0);
        form->addWidget(m_axis[i], i, 1);
        form->addWidget(m_axisValues[i], i, 2);
        connect(m_axis[i], &QComboBox::activated, this, [this, i] {
            const Preset *p = m_catalog.find(m_parameters->preset());
            const ParameterSpec *spec = p ? p->parameter(m_axis[i]->currentData().toString()) : nullptr;
            m_axisValues[i]->setText(spec ? suggestedSweepValues(*spec) : QString());
            m_axisValues[i]->setEnabled(spec != nullptr);
        });
    }
    form->setColumnStretch(2, 1);
    layout->addLayout(form);
    auto *row = new QHBoxLayout;
    row->addWidget(new QLabel(tr("Colour by:"), pane));
    m_metric = new QComboBox(pane);
    for (const WhatIfColumnInfo &info : whatIfColumns())
        m_metric->addItem(info.title, static_cast<int>(info.column));
    m_metric->setCurrentIndex(static_cast<int>(WhatIfColumn::FailedLetThrough));
    row->addWidget(m_metric);
    row->addStretch(1);
    m_sweepButton = new QPushButton(tr("S&weep"), pane);
    m_sweepButton->setToolTip(tr("Replay the history once per grid point (Ctrl+Shift+Return)"));
    m_sweepButton->setShortcut(QKeySequence(tr("Ctrl+Shift+Return")));
    row->addWidget(m_sweepButton);
    layout->addLayout(row);
    auto *charts = new QSplitter(Qt::Horizontal, pane);
    m_heatMap = new SweepHeatMap(charts);
    m_tradeoff = new TradeoffChart(charts);
    // Side by side but narrow enough for a 1280-pixel screen with the detail pane open.
    m_heatMap->setMinimumWidth(220);
    m_tradeoff->setMinimumWidth(220);
    charts->addWidget(m_heatMap);
    charts->addWidget(m_tradeoff);
    charts->setSizes({500, 500});
    layout->addWidget(charts, 1);
    auto *hint = new QLabel(tr("Dotted cells and orange points are Pareto-optimal: nothing beats them on both failed "
                               "calls let through and good calls rejected. Bigger points opened more often. Click a "
                               "cell or a point to make that policy a candidate."),
                            pane);
    hint->setWordWrap(true);
    layout->addWidget(hint);
    connect(m_metric, &QComboBox::activated, this,
            [this] { m_heatMap->setMetric(static_cast<WhatIfColumn>(m_metric->currentData().toInt())); });
    connect(m_sweepButton, &QPushButton::clicked, this, [this] {
        const auto spec = [this](int i) {
            const QString name = m_axis[i]->currentData().toString();
            return name.isEmpty() ? QString() : name + u'=' + m_axisValues[i]->text();
        };
        if (const Status s = sweep(spec(0), spec(1)); !s)
            setStatus(s.error(), true);
    });
    connect(m_heatMap, &SweepHeatMap::pointActivated, this, &WorkbenchWidget::adoptSweepPoint);
    connect(m_tradeoff, &TradeoffChart::pointActivated, this, &WorkbenchWidget::adoptSweepPoint);
    return pane;
}

void WorkbenchWidget::showTab(const QString &name)
{
    m_tabs->setCurrentIndex(name == u"sweep"_s ? 1 : 0);
}

void WorkbenchWidget::fillServiceBox()
{
    const QSignalBlocker block(m_serviceBox);
    m_serviceBox->clear();
    m_ids = m_context.monitor ? m_context.monitor->breakers() : QList<BreakerId>{};
    for (const BreakerId &id : std::as_const(m_ids))
        m_serviceBox->addItem(id.key());
}

std::optional<BreakerId> WorkbenchWidget::service() const
{
    if (m_service < 0 || m_service >= m_ids.size())
        return std::nullopt;
    return m_ids[m_service];
}

void WorkbenchWidget::setService(const BreakerId &id)
{
    const int index = static_cast<int>(m_ids.indexOf(id));
    if (!m_context.monitor || index < 0)
        return;
    if (index == m_service && m_candidates->rowCount() > 0)
        return;
    m_service = index;
    m_serviceBox->setCurrentIndex(index);
    refreshCurrentPolicy();
}

void WorkbenchWidget::refreshCurrentPolicy()
{
    const std::optional<BreakerId> id = service();
    if (!m_context.monitor || !id || !m_context.monitor->contains(*id))
        return;
    const BreakerStatus live = m_context.monitor->status(*id);
    WorkbenchCandidate current;
    current.name = tr("Current: %1").arg(live.name);
    current.preset = live.preset;
    auto values = m_catalog.resolveText(live.preset, live.parameters);
    current.values = values ? *values : ParameterValues{};
    // Keep the user's candidates when only the live policy changed.
    std::vector<WorkbenchCandidate> kept;
    for (int i = 1; i < m_candidates->rowCount(); ++i)
        kept.push_back(m_candidates->at(i));
    m_candidates->setCurrent(std::move(current));
    for (WorkbenchCandidate &c : kept)
        m_candidates->add(std::move(c));
    selectCandidate(0);
}

int WorkbenchWidget::selectedCandidate() const
{
    const QModelIndex current = m_candidateView->currentIndex();
    return current.isValid() ? current.row() : -1;
}

void WorkbenchWidget::selectCandidate(int row)
{
    if (row < 0 || row >= m_candidates->rowCount())
        return;
    m_candidateView->setCurrentIndex(m_candidates->index(row));
    showCandidate(row);
}

void WorkbenchWidget::showCandidate(int row)
{
    m_rejected->clear();
    if (row < 0 || row >= m_candidates->rowCount()) {
        m_parameters->setPolicy({}, {}, true);
        return;
    }
    const WorkbenchCandidate &c = m_candidates->at(row);
    const bool presetChanged = c.preset != m_parameters->preset();
    m_parameters->setPolicy(c.preset, c.values, c.current);
    m_presetBox->setCurrentIndex(m_presetBox->findData(c.preset));
    m_presetBox->setEnabled(!c.current);
    m_parameterView->resizeColumnsToContents();
    if (presetChanged)
        refreshSweepAxes();
    updateActions();
}

void WorkbenchWidget::refreshSweepAxes()
{
    const Preset *p = m_catalog.find(m_parameters->preset());
    for (int i = 0; i < 2; ++i) {
        m_axis[i]->clear();
        if (i == 1)
            m_axis[i]->addItem(tr("(nothing: one parameter)"), QString());
        if (p)
            for (const ParameterSpec &spec : p->parameters)
                if (!suggestedSweepValues(spec).isEmpty())
                    m_axis[i]->addItem(spec.name, spec.name);
        int pick = 0;
        if (i == 1 && p) {
            pick = std::min(1, m_axis[i]->count() - 1);
            int best = 0;
            for (const ParameterSpec &spec : p->parameters)
                if (const int rank = recoveryRank(spec);
                    rank > best && spec.name != m_axis[0]->currentData().toString()) {
                    best = rank;
                    pick = m_axis[i]->findData(spec.name);
                }
        }
        m_axis[i]->setCurrentIndex(pick);
        const ParameterSpec *spec = p ? p->parameter(m_axis[i]->currentData().toString()) : nullptr;
        m_axisValues[i]->setText(spec ? suggestedSweepValues(*spec) : QString());
        m_axisValues[i]->setEnabled(spec != nullptr);
    }
}

void WorkbenchWidget::addCandidate()
{
    const Preset *p = m_catalog.find(m_parameters->preset());
    if (!p)
        p = &m_catalog.presets().front();
    WorkbenchCandidate c;
    c.name = tr("Candidate");
    c.preset = p->name;
    c.values = p->defaults();
    selectCandidate(m_candidates->add(std::move(c)));
}

void WorkbenchWidget::updateActions()
{
    const int row = selectedCandidate();
    const bool candidate = row > 0;
    m_duplicate->setEnabled(row >= 0);
    m_delete->setEnabled(candidate);
    m_apply->setEnabled(candidate && m_context.control && m_service >= 0 && !isBusy());
    m_export->setEnabled(row >= 0);
    const bool busy = isBusy();
    m_run->setEnabled(!busy && m_history);
    m_sweepButton->setEnabled(!busy && m_history);
    m_load->setEnabled(!busy);
    const auto source = m_source->currentData().toInt();
    m_serviceBox->setEnabled(source == RecordedSource || m_context.control);
    m_range->setEnabled(source == RecordedSource);
    if (source == RecordedSource && !m_context.recorded)
        m_load->setToolTip(tr("No history store: start Breakerwatch with --data-dir (or a configuration) to record "
                              "history; meanwhile try the built-in sample"));
    else
        m_load->setToolTip(tr("Load the history (Ctrl+Shift+L)"));
}

bool WorkbenchWidget::isBusy() const
{
    return m_runner->isRunning() || m_backfilling || m_reading;
}

void WorkbenchWidget::setBusy(bool busy, const QString &what)
{
    m_progress->setVisible(busy);
    m_cancel->setVisible(busy);
    if (busy) {
        m_progress->setValue(0);
        setStatus(what);
    }
    updateActions();
    Q_EMIT busyChanged(busy);
}

void WorkbenchWidget::setStatus(const QString &text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? u"color: #d55e00"_s : QString());
    if (error)
        Q_EMIT problem(text);
}

QString WorkbenchWidget::statusText() const
{
    return m_status->text();
}

void WorkbenchWidget::cancel()
{
    if (m_backfilling && m_backfill)
        m_backfill->cancel();
    if (m_reading) {
        ++m_readId; // its answer is dropped when it comes
        m_reading = false;
        setBusy(false);
        setStatus(tr("Reading cancelled."));
    }
    m_runner->cancel();
}

// ---- history

void WorkbenchWidget::loadHistory()
{
    switch (m_source->currentData().toInt()) {
    case RecordedSource:
        return loadRecorded();
    case JsonlSource:
        return loadJsonl();
    case PrometheusSource:
        return loadPrometheus();
    default:
        return loadSample();
    }
}

void WorkbenchWidget::loadRecorded()
{
    if (!m_context.recorded) {
        setStatus(tr("There is no history store in this session (demo mode without --data-dir). Load an events file, "
                     "a Prometheus range or the built-in sample instead."),
                  true);
        return;
    }
    if (m_service < 0)
        return;
    const std::int64_t now = m_context.clock();
    const std::int64_t from = now - m_range->currentData().toLongLong() * kHourMs;
    const QString name = m_context.monitor->status(m_ids.value(m_service)).name;
    // Days of 1 s polls take a moment to decode: read them off the GUI thread; Cancel drops the answer.
    if (m_reader.joinable())
        m_reader.join();
    const std::uint64_t id = ++m_readId;
    m_reading = true;
    setBusy(true, tr("Reading %1's history…").arg(name));
    m_reader = std::jthread([this, id, name, from, now, read = m_context.recorded] {
        auto history = std::make_shared<Result<ReplayHistory>>(read(name, from, now));
        QMetaObject::invokeMethod(
            this,
            [this, id, history] {
                if (id != m_readId)
                    return; // cancelled, or asked again since
                m_reading = false;
                setBusy(false);
                if (!*history) {
                    setStatus(history->error(), true);
                    return;
                }
                setHistory(std::move(*history).value());
            },
            Qt::QueuedConnection);
    });
}

void WorkbenchWidget::loadJsonl()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Replay an events file"), QString(),
                                                      tr("Events (*.jsonl *.json);;All files (*)"));
    if (!path.isEmpty())
        loadEventsFile(path);
}

void WorkbenchWidget::loadEventsFile(const QString &path)
{
    auto history = historyFromJsonl(path);
    if (!history) {
        setStatus(history.error(), true);
        return;
    }
    setHistory(std::move(history).value());
}

void WorkbenchWidget::loadPrometheus()
{
    if (!m_backfill) {
        setStatus(tr("No network access in this session."), true);
        return;
    }
    PrometheusRangeDialog dialog(this);
    if (m_context.monitor) {
        dialog.setServer(m_context.monitor->config().prometheus.value_or(PrometheusServerConfig{}));
        if (m_service >= 0)
            dialog.setService(m_context.monitor->status(m_ids.value(m_service)).name);
    }
    dialog.setRange(m_context.clock() - 6 * kHourMs, m_context.clock());
    if (dialog.exec() != QDialog::Accepted)
        return;
    startBackfill(dialog.request());
}

void WorkbenchWidget::startBackfill(const BackfillRequest &request)
{
    if (!m_backfill) {
        setStatus(tr("No network access in this session."), true);
        return;
    }
    if (const Status valid = request.validate(); !valid) {
        setStatus(valid.error(), true);
        return;
    }
    m_backfilling = true;
    setBusy(true, tr("Reading the range from Prometheus…"));
    m_backfill->start(request);
}

void WorkbenchWidget::loadSample()
{
    const std::int64_t now = m_context.clock ? m_context.clock() : QDateTime::currentMSecsSinceEpoch();
    setHistory(sampleHistory(now - 24 * kHourMs));
}

void WorkbenchWidget::setHistory(ReplayHistory history)
{
    m_history = std::make_shared<ReplayHistory>(std::move(history));
    m_outages = m_history->outages;
    const auto &s = m_history->stream;
    std::int64_t failures = 0;
    for (const CallOutcome &c : s.events)
        failures += c.ok ? 0 : 1;
    QString text = tr("<b>%1</b>: %2 (%3 failed), %4")
                       .arg(m_history->label.toHtmlEscaped(), counted(s.size(), tr("call"), tr("calls")),
                            QLocale().toString(failures),
                            counted(static_cast<qint64>(m_outages.size()), tr("outage"), tr("outages")));
    if (!m_history->notes.isEmpty())
        text += u" · "_s + m_history->notes.join(u"; "_s).toHtmlEscaped();
    m_historyLabel->setText(text);
    m_timeline->setRange(m_history->originMs, std::max(m_history->endMs, s.lastT() + 1));
    m_timeline->setOutages(m_outages);
    m_timeline->setRows({});
    m_results->setResults({});
    m_grid = {};
    m_heatMap->setGrid(nullptr);
    m_tradeoff->setGrid(nullptr);
    setStatus(tr("History loaded. Run the policies (Ctrl+Return) or sweep a parameter."));
    updateActions();
    Q_EMIT historyLoaded();
}

std::shared_ptr<const WhatIfHistory> WorkbenchWidget::whatIfHistory() const
{
    auto h = std::make_shared<WhatIfHistory>();
    QStringList outageKey;
    for (const Outage &o : m_outages)
        outageKey << u"%1-%2"_s.arg(o.start).arg(o.end);
    h->key = m_history->sourceKey + u"|outages:"_s + outageKey.join(u',');
    h->stream = m_history->stream;
    h->outages = m_outages;
    return h;
}

Result<WhatIfJobCandidate> WorkbenchWidget::jobCandidate(const QString &label, const QString &preset,
                                                         const QList<QPair<QString, QString>> &parameters) const
{
    auto values = m_catalog.resolveText(preset, parameters);
    if (!values)
        return Error{tr("%1: %2").arg(label, values.error())};
    auto policy = m_catalog.build(preset, *values);
    if (!policy)
        return Error{tr("%1: %2").arg(label, policy.error())};
    return WhatIfJobCandidate{label, whatIfPolicyKey(preset, *values), std::move(policy).value()};
}

// ---- runs

void WorkbenchWidget::run()
{
    if (!m_history || m_candidates->rowCount() == 0)
        return;
    std::vector<WhatIfJobCandidate> jobs;
    for (int i = 0; i < m_candidates->rowCount(); ++i) {
        if (i > 0 && !m_candidates->isChecked(i))
            continue; // the live policy is always the reference
        const WorkbenchCandidate &c = m_candidates->at(i);
        auto job = jobCandidate(c.name, c.preset, c.parameterText(m_catalog));
        if (!job) {
            setStatus(job.error(), true);
            return;
        }
        jobs.push_back(std::move(job).value());
    }
    m_sweepBatch = 0;
    setBusy(true, tr("Replaying %1…").arg(counted(static_cast<qint64>(jobs.size()), tr("policy"), tr("policies"))));
    m_compareBatch = m_runner->start(whatIfHistory(), std::move(jobs), true);
    updateActions();
}

Status WorkbenchWidget::sweep(const QString &first, const QString &second)
{
    if (!m_history)
        return Error{tr("Load a history first.")};
    const int row = std::max(0, selectedCandidate());
    const WorkbenchCandidate &base = m_candidates->at(row);
    SweepRequest request;
    request.preset = base.preset;
    for (const QString &spec : {first, second}) {
        if (spec.isEmpty())
            continue;
        auto axis = parseSweepAxis(spec);
        if (!axis)
            return Error{axis.error()};
        request.axes.push_back(std::move(axis).value());
    }
    if (request.axes.empty())
        return Error{tr("Choose a parameter to sweep.")};
    if (request.axes.size() == 2 && request.axes[0].parameter == request.axes[1].parameter)
        return Error{tr("Sweep two different parameters.")};
    for (const auto &[name, value] : base.parameterText(m_catalog))
        if (std::none_of(request.axes.begin(), request.axes.end(),
                         [&name](const SweepAxis &a) { return a.parameter == name; }))
            request.base.append({name, value});
    std::vector<QList<QPair<QString, QString>>> points;
    auto candidates = expandSweep(m_catalog, request, &points);
    if (!candidates)
        return Error{candidates.error()};
    if (candidates->size() > 2500)
        return Error{tr("%1 grid points is too many; at most 2,500").arg(candidates->size())};

    std::vector<WhatIfJobCandidate> jobs;
    // The live policy first: the trade-off chart shows it for reference.
    const WorkbenchCandidate &live = m_candidates->at(0);
    auto reference = jobCandidate(live.name, live.preset, live.parameterText(m_catalog));
    if (!reference)
        return Error{reference.error()};
    jobs.push_back(std::move(reference).value());
    for (std::size_t i = 0; i < candidates->size(); ++i) {
        QList<QPair<QString, QString>> all = request.base;
        all.append(points[i]);
        auto job = jobCandidate((*candidates)[i].label, request.preset, all);
        if (!job)
            return Error{job.error()};
        jobs.push_back(std::move(job).value());
    }
    m_grid = {};
    m_grid.rowParameter = request.axes[0].parameter;
    m_grid.rowValues = request.axes[0].values;
    if (request.axes.size() == 2) {
        m_grid.columnParameter = request.axes[1].parameter;
        m_grid.columnValues = request.axes[1].values;
    }
    m_heatMap->setGrid(nullptr);
    m_tradeoff->setGrid(nullptr);
    m_compareBatch = 0;
    setBusy(
        true,
        tr("Sweeping %1…").arg(counted(static_cast<qint64>(candidates->size()), tr("grid point"), tr("grid points"))));
    m_sweepBatch = m_runner->start(whatIfHistory(), std::move(jobs), false);
    m_sweepRequest = request;
    // The axis fields show what is being swept, however it was asked for.
    for (int i = 0; i < 2; ++i) {
        const bool used = i < static_cast<int>(request.axes.size());
        const int at =
            used ? m_axis[i]->findData(request.axes[static_cast<std::size_t>(i)].parameter) : (i == 1 ? 0 : -1);
        if (at >= 0)
            m_axis[i]->setCurrentIndex(at);
        m_axisValues[i]->setText(used ? (i == 0 ? first : second).section(u'=', 1) : QString());
    }
    showTab(u"sweep"_s);
    return success();
}

void WorkbenchWidget::onBatch(const WhatIfBatch &batch)
{
    if (batch.id != m_compareBatch && batch.id != m_sweepBatch)
        return; // superseded
    setBusy(false);
    const QString how =
        batch.fromCache == static_cast<int>(batch.results.size())
            ? tr("all from cache")
            : tr("%1 ms, %2 from cache").arg(QLocale().toString(batch.wallMs, 'f', 0)).arg(batch.fromCache);
    if (batch.id == m_compareBatch) {
        m_compareBatch = 0;
        m_results->setResults(batch.results, batch.cancelled);
        std::vector<WhatIfTimelineRow> rows;
        WhatIfTimelineRow observed;
        observed.label = tr("Real breaker (observed)");
        observed.transitions = m_history->observedBreaker;
        observed.known = !m_history->observedBreaker.empty();
        if (observed.known)
            observed.initial = observed.transitions.front().from;
        rows.push_back(std::move(observed));
        for (const WhatIfResult &r : batch.results)
            rows.push_back({r.label, r.transitions, BreakerState::Closed, !batch.cancelled || !r.transitions.empty()});
        m_timeline->setRows(std::move(rows));
        setStatus(batch.cancelled
                      ? tr("Cancelled: the table shows what was done.")
                      : tr("Replayed %1 over %2 (%3).")
                            .arg(counted(static_cast<qint64>(batch.results.size()), tr("policy"), tr("policies")),
                                 counted(m_history->stream.size(), tr("call"), tr("calls")), how));
        Q_EMIT batchFinished();
        return;
    }
    m_sweepBatch = 0;
    if (batch.cancelled) {
        m_grid = {};
        setStatus(tr("Sweep cancelled."));
        Q_EMIT batchFinished();
        return;
    }
    const WhatIfMetrics reference = batch.results.front().metrics; // the chart keeps its own copy
    m_grid.points.assign(batch.results.begin() + 1, batch.results.end());
    std::vector<ParetoPoint> xy;
    for (const WhatIfResult &r : m_grid.points)
        xy.push_back({static_cast<double>(r.metrics.failedLetThrough), static_cast<double>(r.metrics.goodRejected)});
    m_grid.paretoOptimal = paretoOptimal(xy);
    m_heatMap->setGrid(&m_grid);
    m_tradeoff->setGrid(&m_grid, &reference);
    const auto optimal = std::count(m_grid.paretoOptimal.begin(), m_grid.paretoOptimal.end(), true);
    setStatus(tr("Swept %1 grid points over %2 calls (%3); %4 Pareto-optimal. Click one to make it a candidate.")
                  .arg(m_grid.points.size())
                  .arg(QLocale().toString(m_history->stream.size()), how)
                  .arg(optimal));
    Q_EMIT batchFinished();
}

void WorkbenchWidget::adoptSweepPoint(int index)
{
    if (index < 0 || index >= static_cast<int>(m_grid.points.size()))
        return;
    const WhatIfResult &point = m_grid.points[static_cast<std::size_t>(index)];
    const int row = index / m_grid.columns();
    const int column = index % m_grid.columns();
    QList<QPair<QString, QString>> all = m_sweepRequest.base;
    all.append({m_grid.rowParameter, m_grid.rowValues.value(row)});
    if (!m_grid.columnParameter.isEmpty())
        all.append({m_grid.columnParameter, m_grid.columnValues.value(column)});
    auto values = m_catalog.resolveText(m_sweepRequest.preset, all);
    if (!values) {
        setStatus(values.error(), true);
        return;
    }
    WorkbenchCandidate c;
    c.name = point.label;
    c.preset = m_sweepRequest.preset;
    c.values = *values;
    const int added = m_candidates->add(std::move(c));
    selectCandidate(added);
    setStatus(tr("Added \"%1\" as a candidate; Run compares it with the live policy.").arg(point.label));
}

Status WorkbenchWidget::applySelectedToLive()
{
    const int row = selectedCandidate();
    if (row <= 0 || !m_context.control || m_service < 0)
        return Error{tr("Select a candidate to apply.")};
    const WorkbenchCandidate &c = m_candidates->at(row);
    const QString service = m_context.monitor->status(m_ids.value(m_service)).name;
    const auto parameters = c.parameterText(m_catalog);
    auto policy = m_catalog.build(c.preset, c.values);
    if (!policy)
        return Error{policy.error()};
    if (!m_confirm(tr("Apply to the live breaker"),
                   tr("%1's simulated breaker will be reset and run \"%2\" (%3) from now on, until the configuration "
                      "is reloaded. This is written to the audit log.\n\nTo keep it, export it as Breakerwatch YAML "
                      "into your configuration.")
                       .arg(service, c.name, c.preset)))
        return Error{QString()};
    const Status applied = m_context.control->applyPolicy(m_ids.value(m_service), c.preset, parameters, *policy);
    if (!applied)
        return applied;
    const QString name = c.name;
    refreshCurrentPolicy();
    setStatus(tr("%1 now runs \"%2\" (audited).").arg(service, name));
    return success();
}

void WorkbenchWidget::exportSelected()
{
    const int row = selectedCandidate();
    if (row < 0)
        return;
    const WorkbenchCandidate &c = m_candidates->at(row);
    ExportPolicyDialog dialog(
        &m_catalog, PolicyDocument{c.preset, c.parameterText(m_catalog)},
        m_service >= 0 && m_context.monitor ? m_context.monitor->status(m_ids.value(m_service)).name : u"backend"_s,
        this);
    dialog.exec();
}

} // namespace bw
