#include "app/application.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcApp, "breakerwatch.app")

using namespace Qt::StringLiterals;

namespace bw {

Application::Application(QNetworkAccessManager *network, Clock clock, const PresetCatalog &catalog, Options options,
                         QObject *parent)
    : QObject(parent), m_clock(std::move(clock)), m_loader(catalog), m_prober(network), m_monitor(&m_prober, m_clock),
      m_history(0, options.displayRetention)
{
    m_monitor.setObservedHistoryMs(options.observedHistoryMs);
    m_monitor.setConfig(options.config);
    if (options.store) {
        // Opening the store and reading back recent history happen on the store's thread while this one waits:
        // nothing else touches the display history before the views exist.
        m_store = std::make_unique<StoreThread>(*options.store, m_clock);
        const QList<BreakerId> breakers = m_monitor.breakers();
        const std::vector<BreakerId> ids(breakers.begin(), breakers.end());
        std::vector<StoredAuditEntry> entries;
        std::vector<Acknowledgement> acknowledgements;
        std::vector<Silence> silences;
        const std::int64_t now = m_clock();
        std::tie(m_storeProblem, m_storePath) = m_store->worker()->call([&](HistoryStore &s) {
            if (const Status opened = s.open(now); !opened)
                return std::pair{opened.error(), s.filePath()}; // polling goes on; the store retries
            if (options.restoreMs <= 0)
                return std::pair{QString(), s.filePath()};
            if (auto read = s.auditEntries(now - options.restoreMs, now))
                entries = std::move(*read);
            if (auto read = s.acknowledgements(now - options.restoreMs))
                acknowledgements = std::move(*read);
            if (auto read = s.silences(now))
                silences = std::move(*read);
            const auto restored = s.restore(m_history, ids, now - options.restoreMs, now);
            return std::pair{restored ? QString() : restored.error(), s.filePath()};
        });
        for (const StoredAuditEntry &e : entries)
            m_audit.append({e.atMs, e.who, e.service, e.target, e.action, e.outcome, e.detail});
        m_restoredAcknowledgements = QList<Acknowledgement>(acknowledgements.begin(), acknowledgements.end());
        m_restoredSilences = QList<Silence>(silences.begin(), silences.end());
    }
    m_recorder = std::make_unique<HistoryRecorder>(&m_monitor, &m_history);
    if (m_store && options.restoreMs > 0) {
        // A breaker found after start (or added by a reload) gets its recent history back too: its row is new and
        // empty when the recorder announces it, and its first update comes after (FleetMonitor::takeReadings).
        m_restoreMs = options.restoreMs;
        connect(&m_monitor, &FleetMonitor::breakerAdded, this, [this](const BreakerId &id) { m_toRestore << id; });
        connect(m_recorder.get(), &HistoryRecorder::servicesChanged, this, &Application::restoreAdded);
    }
    m_alerts = std::make_unique<AlertCenter>(&m_monitor, m_clock);
    m_alertmanager = std::make_unique<AlertmanagerClient>(&m_prober, m_clock, options.alertmanager);
    m_alertmanager->setAlertmanagers(options.config.alertmanagers);
    m_alertmanager->follow(m_alerts.get());
    m_silences = std::make_unique<AlertmanagerSilences>(&m_prober, m_clock, options.silences);
    m_silences->setAlertmanagers(options.config.alertmanagers);
    m_desk = std::make_unique<AlertDesk>(m_alerts.get(), &m_audit, m_clock);
    m_desk->setAlertmanager(m_silences.get());
    m_desk->restore(m_restoredAcknowledgements, m_restoredSilences, m_clock());
    // Alerts of breakers in one correlated incident are one group: the incidents are found again from the
    // monitor's statuses when something changed (at most once a grouping, at the latest within a second).
    connect(&m_monitor, &FleetMonitor::breakerUpdated, this, [this] { m_incidentsStale = true; });
    connect(&m_monitor, &FleetMonitor::breakersChanged, this, [this] { m_incidentsStale = true; });
    m_desk->setIncidentLookup([this](const BreakerId &id) {
        refreshIncidents();
        return m_incidents.incidentOf(id);
    });
    connect(&m_incidentTick, &QTimer::timeout, this, [this] {
        refreshIncidents();
        if (std::exchange(m_incidentsMoved, false))
            m_desk->regroup();
    });
    m_incidentTick.start(std::chrono::seconds(1));
    m_notifier = std::make_unique<AlertNotifier>(m_alerts.get(), m_desk.get(), m_clock, options.notifications);
    if (m_store)
        m_storeRecorder = std::make_unique<StoreRecorder>(m_store->worker(), &m_monitor, m_recorder.get(),
                                                          m_alerts.get(), &m_audit, m_clock);
    if (m_storeRecorder)
        m_storeRecorder->follow(m_desk.get());
    m_control = std::make_unique<BreakerControl>(&m_monitor, &m_prober, &m_audit, m_clock);
    m_exporter = std::make_unique<MetricsExporter>(&m_monitor);
    if (!options.watchedFile.isEmpty()) {
        m_watcher = std::make_unique<ConfigWatcher>(m_loader, options.config);
        connect(m_watcher.get(), &ConfigWatcher::reloaded, this, &Application::applyConfig);
        connect(m_watcher.get(), &ConfigWatcher::reloadFailed, this, &Application::configReloadFailed);
    }
}

// Members go in reverse order: views' sources (exporter, control, recorders) before the monitor; the store thread
// ends after the store recorder, writing everything queued.
Application::~Application() = default;

void Application::restoreAdded()
{
    if (m_toRestore.isEmpty())
        return;
    std::vector<std::pair<int, BreakerId>> rows;
    for (const BreakerId &id : std::as_const(m_toRestore)) {
        const int row = m_recorder->rowOf(id);
        if (row >= 0 && m_history.service(row).track(TrackKind::Simulated).empty() &&
            m_history.service(row).track(TrackKind::Observed).empty())
            rows.emplace_back(row, id);
    }
    m_toRestore.clear();
    if (rows.empty())
        return;
    const std::int64_t now = m_clock();
    const auto restored =
        m_store->worker()->call([&](HistoryStore &s) { return s.restore(m_history, rows, now - m_restoreMs, now); });
    for (const auto &[row, id] : rows)
        m_recorder->resumeAfterRestore(row);
    if (!restored)
        qCWarning(lcApp).noquote() << "restoring the history of breakers found after start:" << restored.error();
}

void Application::start()
{
    m_monitor.start();
}

void Application::stop()
{
    m_monitor.stop();
}

void Application::refreshIncidents()
{
    if (!std::exchange(m_incidentsStale, false))
        return;
    std::vector<BreakerStatus> statuses;
    for (const BreakerId &id : m_monitor.breakers())
        statuses.push_back(m_monitor.status(id));
    if (m_incidents.update(statuses, m_clock()))
        m_incidentsMoved = true;
}

void Application::applyConfig(const Config &config)
{
    m_monitor.setConfig(config);
    m_alertmanager->setAlertmanagers(config.alertmanagers);
    m_silences->setAlertmanagers(config.alertmanagers);
    Q_EMIT configApplied(config);
}

} // namespace bw
