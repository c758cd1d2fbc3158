#pragma once

#include "fleet/breakerid.h"

#include "breaker/presetcatalog.h"
#include "common/result.h"
#include "whatif/prometheusbackfill.h"
#include "whatif/replayhistory.h"
#include "whatif/sweep.h"
#include "whatif/whatifrunner.h"
#include "workbench/sweepgrid.h"

#include <QWidget>

#include <functional>
#include <memory>
#include <thread>

class QComboBox;
class QLabel;
class QLineEdit;
class QListView;
class QNetworkAccessManager;
class QProgressBar;
class QPushButton;
class QTableView;
class QTabWidget;

namespace bw {

class BreakerControl;
class CandidateListModel;
class PolicyParameterModel;
class PrometheusBackfill;
class FleetMonitor;
class SweepHeatMap;
class TradeoffChart;
class WhatIfResultModel;
class WhatIfTimeline;

// What the workbench needs from the application. Nothing is owned.
struct WorkbenchContext
{
    FleetMonitor *monitor = nullptr;
    BreakerControl *control = nullptr;
    QNetworkAccessManager *network = nullptr; // for Prometheus backfills
    // A service's recorded history over [from, to) epoch ms; empty when there is no history store.
    std::function<Result<ReplayHistory>(const QString &service, std::int64_t fromMs, std::int64_t toMs)> recorded;
    std::function<std::int64_t()> clock; // epoch ms
};

// The what-if workbench: take a service's history (recorded, a JSONL file, a Prometheus range or the built-in
// sample), replay it through the live policy and through candidates, and compare — stacked timelines and a summary
// table with deltas — or sweep one or two parameters (heat map and trade-off chart with the Pareto front; a click
// makes a point a candidate). Replays run off the GUI thread with progress and cancel, and are cached. A candidate
// can be applied to the live simulated breaker (confirmed, audited) or exported in its library's own format.
class WorkbenchWidget final : public QWidget
{
    Q_OBJECT
public:
    explicit WorkbenchWidget(WorkbenchContext context, QWidget *parent = nullptr);
    ~WorkbenchWidget() override;

    // The service whose policy is "current" and whose history "Recorded" loads; follows the dashboard.
    // The breaker whose live policy is "current" and whose history is loaded; ignored when unknown.
    void setService(const BreakerId &id);
    std::optional<BreakerId> service() const;
    void setHistory(ReplayHistory history);
    bool hasHistory() const { return m_history != nullptr; }
    // Asks before applying to the live breaker; a dialog by default (tests answer themselves).
    void setConfirmer(std::function<bool(const QString &title, const QString &text)> confirmer);

    // Replays the checked policies (Compare). No-op without a history.
    void run();
    // Sweeps the selected policy over `first` (and `second`): "parameter=values" as the CLI's --grid takes them.
    Status sweep(const QString &first, const QString &second = {});
    void cancel();
    bool isBusy() const;
    // Adds the grid point as a candidate and selects it.
    void adoptSweepPoint(int index);
    Status applySelectedToLive();
    void selectCandidate(int row);
    int selectedCandidate() const;
    void showTab(const QString &name); // "compare" or "sweep"
    void loadSample();
    // The selected service's recorded history over the chosen span, read off the GUI thread (busy meanwhile).
    void loadRecorded();
    const ReplayHistory *history() const { return m_history.get(); }
    // The same as the History choices without their dialogs (tests, scripts).
    void loadEventsFile(const QString &path);
    void startBackfill(const BackfillRequest &request);

    CandidateListModel *candidateModel() const { return m_candidates; }
    PolicyParameterModel *parameterModel() const { return m_parameters; }
    WhatIfResultModel *resultModel() const { return m_results; }
    WhatIfTimeline *timeline() const { return m_timeline; }
    SweepHeatMap *heatMap() const { return m_heatMap; }
    TradeoffChart *tradeoffChart() const { return m_tradeoff; }
    const SweepGrid &sweepGrid() const { return m_grid; }
    QString statusText() const;

Q_SIGNALS:
    void busyChanged(bool busy);
    void batchFinished();
    void historyLoaded();
    void problem(const QString &message);

private:
    void buildUi();
    QWidget *buildPolicyPane();
    QWidget *buildComparePane();
    QWidget *buildSweepPane();
    void loadHistory();
    void loadJsonl();
    void loadPrometheus();
    void fillServiceBox();
    void refreshCurrentPolicy();
    void showCandidate(int row);
    void refreshSweepAxes();
    void onBatch(const WhatIfBatch &batch);
    void setBusy(bool busy, const QString &what = {});
    void setStatus(const QString &text, bool error = false);
    void exportSelected();
    void addCandidate();
    void updateActions();
    std::shared_ptr<const WhatIfHistory> whatIfHistory() const;
    Result<WhatIfJobCandidate> jobCandidate(const QString &label, const QString &preset,
                                            const QList<QPair<QString, QString>> &parameters) const;

    WorkbenchContext m_context;
    PresetCatalog m_catalog;
    int m_service = -1;     // row of m_serviceBox
    QList<BreakerId> m_ids; // m_serviceBox's items
    std::shared_ptr<ReplayHistory> m_history;
    std::vector<Outage> m_outages; // the history's plus those marked by hand
    std::function<bool(const QString &, const QString &)> m_confirm;
    WhatIfRunner *m_runner;
    PrometheusBackfill *m_backfill = nullptr;
    std::uint64_t m_compareBatch = 0;
    std::uint64_t m_sweepBatch = 0;
    bool m_backfilling = false;
    SweepGrid m_grid;
    SweepRequest m_sweepRequest; // of the grid shown: its base values make a clicked point a candidate

    CandidateListModel *m_candidates;
    PolicyParameterModel *m_parameters;
    WhatIfResultModel *m_results;

    QComboBox *m_source = nullptr;
    QComboBox *m_serviceBox = nullptr;
    QComboBox *m_range = nullptr;
    QPushButton *m_load = nullptr;
    QLabel *m_historyLabel = nullptr;
    QListView *m_candidateView = nullptr;
    QComboBox *m_presetBox = nullptr;
    QTableView *m_parameterView = nullptr;
    QLabel *m_parameterHelp = nullptr;
    QLabel *m_rejected = nullptr;
    QPushButton *m_apply = nullptr;
    QPushButton *m_export = nullptr;
    QPushButton *m_duplicate = nullptr;
    QPushButton *m_delete = nullptr;
    QTabWidget *m_tabs = nullptr;
    WhatIfTimeline *m_timeline = nullptr;
    QTableView *m_resultView = nullptr;
    QComboBox *m_axis[2] = {nullptr, nullptr};
    QLineEdit *m_axisValues[2] = {nullptr, nullptr};
    QComboBox *m_metric = nullptr;
    QPushButton *m_sweepButton = nullptr;
    SweepHeatMap *m_heatMap = nullptr;
    TradeoffChart *m_tradeoff = nullptr;
    QProgressBar *m_progress = nullptr;
    QPushButton *m_cancel = nullptr;
    QPushButton *m_run = nullptr;
    QLabel *m_status = nullptr;
    // Reads recorded history off the GUI thread; last, so it is joined before anything it reports to goes.
    std::uint64_t m_readId = 0;
    bool m_reading = false;
    std::jthread m_reader;
};

// A sensible range to sweep a parameter over, in the CLI's --grid syntax ("10..90:10"), about ten values around
// its default; empty for parameters that cannot be swept (choices, booleans, lists).
QString suggestedSweepValues(const ParameterSpec &spec);

} // namespace bw
