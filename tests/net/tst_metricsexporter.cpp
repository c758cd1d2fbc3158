// Breakerwatch's own /metrics against the real tools: promtool lints the page and the shipped alert rules, and a
// real Prometheus scraping it fires the "open" alert when a demo service goes down.
#include "../support/externalprocess.h"
#include "config/configloader.h"
#include "demo/demofleet.h"
#include "export/metricsexporter.h"
#include "monitor/fleetmonitor.h"
#include "probe/httpprober.h"
#include "prometheus/expositionparser.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

QByteArray fetch(QNetworkAccessManager &network, const QUrl &url, int *status = nullptr)
{
    QNetworkReply *reply = network.get(QNetworkRequest(url));
    QElapsedTimer clock;
    clock.start();
    while (!reply->isFinished() && clock.elapsed() < 5000)
        QTest::qWait(10);
    if (status)
        *status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->readAll();
    reply->deleteLater();
    return body;
}

QByteArray promtool(const QStringList &arguments, const QByteArray &input, int *exitCode)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(u"promtool"_s, arguments);
    process.write(input);
    process.closeWriteChannel();
    process.waitForFinished(15'000);
    *exitCode = process.exitCode();
    return process.readAll();
}

// value of `name{labels...}` on the page (labels in page order), or NaN.
double sampleValue(const QByteArray &page, const QByteArray &name, const QList<QPair<QByteArray, QByteArray>> &labels)
{
    const auto parsed = bw::ExpositionParser::parse(page);
    if (!parsed)
        return std::nan("");
    for (const bw::MetricSample &s : parsed->samples) {
        if (s.name != name)
            continue;
        bool all = true;
        for (const auto &[key, value] : labels)
            all &= s.hasLabel(key) && s.label(key) == value;
        if (all)
            return s.value;
    }
    return std::nan("");
}

} // namespace

class TestMetricsExporter final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void pageCountsAndLints();
    void shippedRulesAndDashboard();
    void prometheusFiresTheOpenAlert();

private:
    QElapsedTimer m_clock;
    QNetworkAccessManager m_network;
    std::unique_ptr<bw::HttpProber> m_prober;
    std::unique_ptr<bw::DemoFleet> m_fleet;
    std::unique_ptr<bw::FleetMonitor> m_monitor;
    std::unique_ptr<bw::MetricsExporter> m_exporter;
    quint16 m_port = 0;
    bw::BreakerId m_checkout;
    bw::BreakerId m_search;
    bw::BreakerId m_checkoutReal;
};

void TestMetricsExporter::initTestCase()
{
    m_clock.start();
    m_prober = std::make_unique<bw::HttpProber>(&m_network);
    m_fleet = std::make_unique<bw::DemoFleet>([this] { return m_clock.elapsed(); }, 0);
    QVERIFY(
        m_fleet->start({QHostAddress::LocalHost, 0, 3, u"healthy"_s, 5, bw::FleetLayout::OneBreakerPerService}).ok());
    const bw::PresetCatalog catalog;
    const auto config = bw::ConfigLoader(catalog).loadText(m_fleet->configYaml(250), u"demo"_s, {});
    QVERIFY(config.ok());
    m_monitor = std::make_unique<bw::FleetMonitor>(m_prober.get(), [this] { return m_clock.elapsed(); });
    m_monitor->setConfig(*config);
    m_exporter = std::make_unique<bw::MetricsExporter>(m_monitor.get());
    const auto port = m_exporter->listen(QHostAddress::LocalHost, 0);
    QVERIFY2(port.ok(), qPrintable(port.ok() ? QString() : port.error()));
    m_port = *port;
    m_monitor->start();
    m_checkout = {u"checkout"_s, config->services[0].instanceName(), {}};
    m_search = {u"search"_s, config->services[1].instanceName(), {}};
    m_checkoutReal = {u"checkout"_s, m_checkout.instance, u"downstream"_s};
    const bw::BreakerId third{config->services[2].name, config->services[2].instanceName(), {}};
    // Every health breaker polled once (the page then has its probe series) and the real breaker seen.
    QTRY_VERIFY(m_monitor->status(m_checkoutReal).observedState.has_value() &&
                m_monitor->status(m_checkout).polls > 0 && m_monitor->status(m_search).polls > 0 &&
                m_monitor->status(third).polls > 0);
}

void TestMetricsExporter::pageCountsAndLints()
{
    QVERIFY(m_monitor->forceOpen(m_search).ok());
    QVERIFY(m_monitor->reset(m_search).ok());
    QVERIFY(m_monitor->forceOpen(m_search).ok());
    int status = 0;
    const QByteArray page = fetch(m_network, QUrl(u"http://127.0.0.1:%1/metrics"_s.arg(m_port)), &status);
    QCOMPARE(status, 200);
    // Every series names its breaker four ways: service, instance, breaker (its name; "health") and origin.
    const QByteArray searchInstance = m_search.instance.toUtf8();
    const QByteArray checkoutInstance = m_checkout.instance.toUtf8();
    const auto search = [&](const char *origin) {
        return QList<QPair<QByteArray, QByteArray>>{
            {"service", "search"}, {"instance", searchInstance}, {"breaker", "health"}, {"origin", origin}};
    };
    QCOMPARE(sampleValue(page, "breakerwatch_breaker_state", search("simulated")), 1.0);
    QCOMPARE(sampleValue(page, "breakerwatch_breaker_opens_total", search("simulated")), 2.0);
    QCOMPARE(sampleValue(page, "breakerwatch_breaker_recoveries_total", search("simulated")), 1.0);
    QCOMPARE(
        sampleValue(
            page, "breakerwatch_breaker_state",
            {{"service", "checkout"}, {"instance", checkoutInstance}, {"breaker", "downstream"}, {"origin", "real"}}),
        0.0);
    QCOMPARE(sampleValue(page, "breakerwatch_breaker_stale",
                         {{"service", "checkout"}, {"instance", checkoutInstance}, {"breaker", "downstream"}}),
             0.0);
    const QList<QPair<QByteArray, QByteArray>> checkout{
        {"service", "checkout"}, {"instance", checkoutInstance}, {"breaker", "health"}};
    QCOMPARE(sampleValue(page, "breakerwatch_probe_success", checkout), 1.0);
    QVERIFY(sampleValue(page, "breakerwatch_probe_duration_seconds", checkout) > 0);
    QVERIFY(sampleValue(page, "breakerwatch_breaker_calls_total", checkout) > 0);
    QVERIFY(m_monitor->reset(m_search).ok());

    if (!ExternalServer::available(u"promtool"_s))
        QSKIP("promtool is not installed (scripts/test installs it)");
    int exitCode = -1;
    const QByteArray lint = promtool({u"check"_s, u"metrics"_s}, page, &exitCode);
    QVERIFY2(exitCode == 0 && lint.trimmed().isEmpty(), lint.constData());
}

void TestMetricsExporter::shippedRulesAndDashboard()
{
    const QString rules = QStringLiteral(BW_SOURCE_DIR "/resources/prometheus/breakerwatch-alerts.yml");
    QFile dashboard(QStringLiteral(BW_SOURCE_DIR "/resources/grafana/breakerwatch-dashboard.json"));
    QVERIFY(dashboard.open(QIODevice::ReadOnly));
    const QByteArray json = dashboard.readAll();
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
    QCOMPARE(document[u"uid"_s].toString(), u"breakerwatch"_s);
    // Every metric the dashboard queries is one we export.
    const QByteArray page = m_exporter->render();
    for (const char *metric :
         {"breakerwatch_breaker_state", "breakerwatch_breaker_opens_total", "breakerwatch_breaker_failures_total",
          "breakerwatch_breaker_calls_total", "breakerwatch_probe_duration_seconds", "breakerwatch_probe_success"}) {
        QVERIFY2(json.contains(metric), metric);
        QVERIFY2(page.contains(QByteArray(QByteArray("# TYPE ") + metric)), metric);
    }
    if (!ExternalServer::available(u"promtool"_s))
        QSKIP("promtool is not installed (scripts/test installs it)");
    int exitCode = -1;
    const QByteArray out = promtool({u"check"_s, u"rules"_s, rules}, {}, &exitCode);
    QVERIFY2(exitCode == 0 && out.contains("SUCCESS: 3 rules found"), out.constData());
}

void TestMetricsExporter::prometheusFiresTheOpenAlert()
{
    if (!ExternalServer::available(u"prometheus"_s))
        QSKIP("prometheus is not installed (scripts/test installs it)");
    QTemporaryDir dir;
    // The shipped rules, with "for: 2m" shortened so the test does not wait two minutes; the expressions are
    // the shipped ones.
    QFile shipped(QStringLiteral(BW_SOURCE_DIR "/resources/prometheus/breakerwatch-alerts.yml"));
    QVERIFY(shipped.open(QIODevice::ReadOnly));
    QByteArray rules = shipped.readAll();
    QVERIFY(rules.contains("for: 2m"));
    rules.replace("for: 2m", "for: 3s");
    QFile rulesFile(dir.filePath(u"rules.yml"_s));
    QVERIFY(rulesFile.open(QIODevice::WriteOnly));
    rulesFile.write(rules);
    rulesFile.close();
    QFile config(dir.filePath(u"prometheus.yml"_s));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write(u"global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
                 u"rule_files: ['%1']\n"
                 u"scrape_configs:\n  - job_name: breakerwatch\n    honor_labels: true\n"
                 u"    static_configs: [{targets: ['127.0.0.1:%2']}]\n"_s.arg(rulesFile.fileName())
                     .arg(m_port)
                     .toUtf8());
    config.close();
    ExternalServer prometheus;
    const quint16 port = freeLoopbackPort();
    QVERIFY(
        prometheus.start(u"prometheus"_s,
                         {u"--config.file="_s + config.fileName(), u"--storage.tsdb.path="_s + dir.filePath(u"data"_s),
                          u"--web.listen-address=127.0.0.1:%1"_s.arg(port)},
                         port, u"/-/ready"_s));

    // The demo's "payments" goes down: its breakers open, the state gauge leaves 0, the alert fires.
    m_fleet->services()[2]->injectFault(bw::BehaviourMode::Down, 120'000);
    const QString service = m_fleet->services()[2]->name();
    QString seen;
    bool firing = false;
    for (int attempt = 0; attempt < 60 && !firing; ++attempt) {
        QTest::qWait(500);
        const QByteArray answer = fetch(m_network, QUrl(prometheus.base() + u"/api/v1/alerts"_s));
        seen = QString::fromUtf8(answer);
        for (const auto &alert : QJsonDocument::fromJson(answer)[u"data"_s][u"alerts"_s].toArray()) {
            const QJsonObject labels = alert[u"labels"_s].toObject();
            firing |= labels[u"alertname"_s].toString() == u"BreakerOpen" &&
                      labels[u"service"_s].toString() == service && alert[u"state"_s].toString() == u"firing";
        }
    }
    QVERIFY2(firing, qPrintable(seen.left(2000)));
}

QTEST_MAIN(TestMetricsExporter)
#include "tst_metricsexporter.moc"
