#include "config/configloader.h"

#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

const QByteArray kMinimal = "services:\n"
                            "  - name: api\n"
                            "    health: {url: 'http://127.0.0.1:1/health'}\n";

} // namespace

class TestConfigLoader final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void shippedExampleLoads();
    void shippedDemoConfigLoads();
    void defaults();
    void errorsNameFileLineAndColumn_data();
    void errorsNameFileLineAndColumn();
    void secretsFromFilesAndEnvironmentNeverPrint();
    void insecureTlsWarns();
    void tlsMinVersionIsCarried();
    void scrapeConfigsBecomeServices();
    void aTargetListedTwiceIsWatchedOnce();
    void brokenFileSdKeepsPreviousTargets();
    void byteSizes_data();
    void byteSizes();
    void alertmanagersInPrometheusSyntax();
    void alertmanagerDefaults();
    void alertRulesGloballyAndPerService();
    void prometheusBreakersAloneIsAConfiguration();
    void prometheusBreakersIntervalAndSelector();
    void prometheusBreakersErrorsNameFileLineAndColumn_data();
    void prometheusBreakersErrorsNameFileLineAndColumn();

private:
    bw::Result<bw::Config> load(const QByteArray &text, const bw::Config *previous = nullptr) const
    {
        return bw::ConfigLoader(m_catalog).loadText(text, u"bw.yml"_s, m_dir.path(), previous);
    }
    void write(const QString &name, const QByteArray &content) const
    {
        QFile file(m_dir.filePath(name));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(content);
    }

    bw::PresetCatalog m_catalog;
    QTemporaryDir m_dir;
};

void TestConfigLoader::initTestCase()
{
    QVERIFY(m_dir.isValid());
    write(u"token"_s, "s3cr3t-token\n");
}

void TestConfigLoader::shippedExampleLoads()
{
    qputenv("CHECKOUT_ACTUATOR_PASSWORD", "pw");
    qputenv("SEARCH_TOKEN", "tok");
    const auto config =
        bw::ConfigLoader(m_catalog).loadFile(QStringLiteral(BW_SOURCE_DIR "/resources/examples/breakerwatch.yml"));
    QVERIFY2(config.ok(), qPrintable(config.ok() ? QString() : config.error()));
    QCOMPARE(config->services.size(), std::size_t{3});
    const bw::ServiceConfig &checkout = config->services[0];
    QCOMPARE(checkout.name, u"checkout"_s);
    QCOMPARE(checkout.labels.value(u"team"_s), u"payments"_s);
    QCOMPARE(checkout.health->intervalMs, 5000);
    QCOMPARE(checkout.health->format, bw::HealthFormat::Spring);
    QCOMPARE(checkout.health->jsonField->equals, u"UP"_s);
    QCOMPARE(checkout.metrics->observedKind, u"resilience4j"_s);
    QCOMPARE(checkout.policy.failureRateThreshold, 30.0);
    QCOMPARE(checkout.policy.openDurationMs, 30'000);
    QCOMPARE(checkout.remote->auth.password.reveal(), u"pw"_s);
    QCOMPARE(config->services[1].policy.preset, u"opossum"_s);
    QCOMPARE(config->services[2].name, u"node"_s); // job -> service, target -> instance
    QCOMPARE(config->services[2].instanceName(), u"127.0.0.1:9100"_s);
    QCOMPARE(config->services[2].metrics->http.intervalMs, 30'000);
    QCOMPARE(config->global.bodySizeLimit, 10 * 1024 * 1024);
    QCOMPARE(config->prometheus->url, QUrl(u"http://127.0.0.1:9090"_s));
    QCOMPARE(config->alertRules, bw::AlertRules{}); // the defaults, written out
    QCOMPARE(config->alertRulesFor(checkout).openLongMs, 60'000);
    QCOMPARE(config->alertRulesFor(checkout).openVeryLongMs, 10 * 60'000);
    QCOMPARE(config->alertRulesFor(config->services[1]), bw::AlertRules{});
    QVERIFY(config->alertmanagers.empty());
}

void TestConfigLoader::shippedDemoConfigLoads()
{
    const auto config =
        bw::ConfigLoader(m_catalog).loadFile(QStringLiteral(BW_SOURCE_DIR "/resources/examples/demo-fleet.yml"));
    QVERIFY2(config.ok(), qPrintable(config.ok() ? QString() : config.error()));
    QCOMPARE(config->services.size(), std::size_t{8});
    QCOMPARE(config->services[6].labels.value(u"behaviour"_s), u"dead"_s);
    QVERIFY(config->services[0].remote.has_value());
}

void TestConfigLoader::defaults()
{
    const auto config = load(kMinimal);
    QVERIFY(config.ok());
    QCOMPARE(config->global.intervalMs, 15'000);
    QCOMPARE(config->global.timeoutMs, 10'000);
    QCOMPARE(config->global.bodySizeLimit, 10 * 1024 * 1024);
    QCOMPARE(config->services[0].preset, u"resilience4j"_s);
    QVERIFY(config->services[0].health->validStatus.isEmpty()); // 2xx
    QVERIFY(config->warnings.isEmpty());
}

void TestConfigLoader::errorsNameFileLineAndColumn_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("message");
    QTest::newRow("yaml syntax") << QByteArray("services:\n  - name: [a\n") << u"bw.yml:3:1:"_s;
    QTest::newRow("unknown top-level key")
        << QByteArray("servics: []\n") << u"bw.yml:1:1: unknown key \"servics\" in the configuration"_s;
    QTest::newRow("unknown service key") << kMinimal + "    helth: {}\n" << u"bw.yml:4:5: unknown key \"helth\""_s;
    QTest::newRow("bad duration") << QByteArray("global: {interval: 5 minutes}\n") + kMinimal
                                  << u"bw.yml:1:20: global.interval:"_s;
    QTest::newRow("timeout over interval")
        << QByteArray("global: {interval: 5s, timeout: 10s}\n") + kMinimal << u"must not exceed global.interval"_s;
    QTest::newRow("inline password refused")
        << QByteArray("services:\n  - name: a\n    health:\n      url: http://h/\n      basic_auth: {username: u, "
                      "password: hunter2}\n")
        << u"bw.yml:5:43: write the secret in a file (password_file)"_s;
    QTest::newRow("missing credentials file")
        << QByteArray("services:\n  - name: a\n    health:\n      url: http://h/\n      authorization: "
                      "{credentials_file: nope.txt}\n")
        << u"cannot read credentials_file"_s;
    QTest::newRow("unset environment variable")
        << QByteArray("services:\n  - name: a\n    health:\n      url: http://h/\n      authorization: "
                      "{credentials_env: BW_TEST_DOES_NOT_EXIST}\n")
        << u"environment variable BW_TEST_DOES_NOT_EXIST (credentials_env) is not set"_s;
    QTest::newRow("url without scheme") << QByteArray("services:\n  - name: a\n    health: {url: 'localhost:80'}\n")
                                        << u"bw.yml:3:19: service a health url"_s;
    QTest::newRow("url with credentials") << QByteArray("services:\n  - name: a\n    health: {url: 'http://u:p@h/'}\n")
                                          << u"must not carry credentials"_s;
    QTest::newRow("duplicate names") << kMinimal + kMinimal.mid(10) << u"duplicate service \"api\" (instance"_s;
    QTest::newRow("no source") << QByteArray("services:\n  - name: a\n")
                               << u"needs a health, metrics, actuator or hystrix_stream source"_s;
    QTest::newRow("bad preset parameter")
        << kMinimal + "    breaker: {preset: opossum, parameters: {resetTimout: 5s}}\n"
        << u"bw.yml:4:14: service api breaker: preset opossum has no parameter \"resetTimout\"; valid parameters"_s;
    QTest::newRow("bad body regex") << kMinimal.chopped(1) + "\n" +
                                           "    metrics: {url: 'http://h/m', failure_codes: '5(('}\n"
                                    << u"failure_codes must be a regular expression"_s;
    QTest::newRow("bad requests selector")
        << kMinimal.chopped(1) + "\n" +
               "    metrics: {url: 'http://h/m', requests: 'http_requests_total{code=~\"5(\"}'}\n"
        << u"bw.yml:4:44: requests: selector"_s;
    QTest::newRow("no services") << QByteArray("global: {interval: 5s}\n") << u"no services"_s;
    QTest::newRow("empty") << QByteArray("") << u"the configuration is empty"_s;
    QTest::newRow("unknown alerting key") << kMinimal + "alerting: {alert_relabel_configs: []}\n"
                                          << u"bw.yml:4:12: unknown key \"alert_relabel_configs\" in alerting"_s;
    QTest::newRow("unknown alertmanager key")
        << kMinimal + "alerting:\n  alertmanagers:\n    - static_configs: [{targets: ['h:9093']}]\n      scheme: http\n"
                      "      resend: 1m\n"
        << u"bw.yml:8:7: unknown key \"resend\" in an alertmanagers entry"_s;
    QTest::newRow("alertmanager bad scheme")
        << kMinimal + "alerting: {alertmanagers: [{scheme: ftp, static_configs: [{targets: ['h:9093']}]}]}\n"
        << u"bw.yml:4:37: scheme must be http or https"_s;
    QTest::newRow("alertmanager target with a path")
        << kMinimal + "alerting: {alertmanagers: [{static_configs: [{targets: ['h:9093/x']}]}]}\n"
        << u"bw.yml:4:57: Alertmanager target \"h:9093/x\" must be host:port"_s;
    QTest::newRow("alertmanager without targets") << kMinimal + "alerting: {alertmanagers: [{scheme: https}]}\n"
                                                  << u"bw.yml:4:28: an alertmanagers entry needs "
                                                     u"static_configs"_s;
    QTest::newRow("alertmanager empty targets")
        << kMinimal + "alerting: {alertmanagers: [{static_configs: [{targets: []}]}]}\n"
        << u"needs at least one target"_s;
    QTest::newRow("alertmanager unknown static key")
        << kMinimal + "alerting: {alertmanagers: [{static_configs: [{targets: ['h:1'], labels: {a: b}}]}]}\n"
        << u"unknown key \"labels\" in a static config"_s;
    QTest::newRow("alertmanager bad timeout")
        << kMinimal + "alerting: {alertmanagers: [{timeout: soon, static_configs: [{targets: ['h:1']}]}]}\n"
        << u"bw.yml:4:38: timeout:"_s;
    QTest::newRow("alertmanager api v1")
        << kMinimal + "alerting: {alertmanagers: [{api_version: v1, static_configs: [{targets: ['h:1']}]}]}\n"
        << u"api_version must be v2"_s;
    QTest::newRow("alertmanager inline password")
        << kMinimal + "alerting: {alertmanagers: [{basic_auth: {username: u, password: hunter2}, static_configs: "
                      "[{targets: ['h:1']}]}]}\n"
        << u"write the secret in a file (password_file)"_s;
    QTest::newRow("alertmanagers not a list") << kMinimal + "alerting: {alertmanagers: {a: b}}\n"
                                              << u"bw.yml:4:27: alerting.alertmanagers must be a list"_s;
    QTest::newRow("alert rules: unknown key") << kMinimal + "alerting: {rules: {open_afterr: 1m}}\n"
                                              << u"bw.yml:4:20: unknown key \"open_afterr\" in alerting.rules"_s;
    QTest::newRow("alert rules: bad duration") << kMinimal + "alerting: {rules: {open_after: soon}}\n"
                                               << u"bw.yml:4:32: alerting.rules.open_after:"_s;
    QTest::newRow("alert rules: zero duration") << kMinimal + "alerting: {rules: {open_after: 0s}}\n"
                                                << u"alerting.rules.open_after must be a positive duration"_s;
    QTest::newRow("alert rules: opens not a number")
        << kMinimal + "alerting: {rules: {flapping: {opens: many}}}\n"
        << u"bw.yml:4:38: alerting.rules.flapping.opens must be a whole number"_s;
    QTest::newRow("alert rules: unknown flapping key") << kMinimal + "alerting: {rules: {flapping: {open: 3}}}\n"
                                                       << u"unknown key \"open\" in alerting.rules.flapping"_s;
    QTest::newRow("alert rules: long not longer")
        << kMinimal + "alerting: {rules: {open_after: 10m, open_long_after: 5m}}\n"
        << u"alerting.rules: open_long_after (5m) must be longer than open_after (10m)"_s;
    QTest::newRow("service alert rules: against the global ones")
        << kMinimal + "    alert_rules: {open_after: 15m}\n"
        << u"bw.yml:4:18: service api alert_rules: open_long_after (10m) must be longer than open_after (15m)"_s;
    QTest::newRow("service alert rules: unknown key") << kMinimal + "    alert_rules: {open_for: 1m}\n"
                                                      << u"unknown key \"open_for\" in service api alert_rules"_s;
    QTest::newRow("job alert rules: bad window")
        << QByteArray("scrape_configs:\n  - job_name: j\n    static_configs: [{targets: ['h:1']}]\n"
                      "    alert_rules: {flapping: {window: -1m}}\n")
        << u"job j alert_rules.flapping.window"_s;
    QTest::newRow("authorization header") << kMinimal.chopped(2) + ", headers: {Authorization: x}}\n"
                                          << u"not in headers"_s;
}

void TestConfigLoader::errorsNameFileLineAndColumn()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, message);
    const auto config = load(text);
    QVERIFY(!config.ok());
    QVERIFY2(config.error().contains(message), qPrintable(config.error()));
    QVERIFY2(!config.error().contains(u"hunter2"_s), "a secret leaked into an error message");
}

void TestConfigLoader::secretsFromFilesAndEnvironmentNeverPrint()
{
    qputenv("BW_TEST_PASSWORD", "env-password");
    const auto config = load("services:\n"
                             "  - name: a\n"
                             "    health:\n"
                             "      url: http://h/\n"
                             "      authorization: {credentials_file: token}\n"
                             "  - name: b\n"
                             "    health:\n"
                             "      url: http://h/\n"
                             "      basic_auth: {username: ops, password_env: BW_TEST_PASSWORD}\n");
    QVERIFY2(config.ok(), qPrintable(config.ok() ? QString() : config.error()));
    const bw::AuthConfig &a = config->services[0].health->auth;
    QCOMPARE(a.kind, bw::AuthConfig::Kind::Authorization);
    QCOMPARE(a.scheme, u"Bearer"_s);
    QCOMPARE(a.credentials.reveal(), u"s3cr3t-token"_s);
    QCOMPARE(a.credentials.text(), u"<secret>"_s);
    QCOMPARE(a.source, m_dir.filePath(u"token"_s));
    const bw::AuthConfig &b = config->services[1].health->auth;
    QCOMPARE(b.password.reveal(), u"env-password"_s);
    QCOMPARE(b.source, u"$BW_TEST_PASSWORD"_s);
}

void TestConfigLoader::insecureTlsWarns()
{
    const auto config = load("services:\n  - name: a\n    health:\n      url: https://h/\n"
                             "      tls_config: {insecure_skip_verify: true}\n");
    QVERIFY(config.ok());
    QVERIFY(config->services[0].health->tls.insecureSkipVerify);
    QCOMPARE(config->warnings.size(), 1);
    QVERIFY(config->warnings[0].contains(u"verification is OFF"_s));
    const auto clamped = load("global: {interval: 5s}\n" + kMinimal);
    QVERIFY(clamped.ok());
    QCOMPARE(clamped->global.timeoutMs, 5000);
}

void TestConfigLoader::tlsMinVersionIsCarried()
{
    const auto config = load("services:\n"
                             "  - name: a\n"
                             "    health: {url: 'https://h/', tls_config: {min_version: TLS13}}\n"
                             "    remote_breaker: {url: 'https://h/actuator/circuitbreakers/a',\n"
                             "                     tls_config: {min_version: TLS12}}\n"
                             "  - name: b\n"
                             "    health: {url: 'https://h/'}\n"
                             "prometheus: {url: 'https://p/', tls_config: {min_version: TLS13}}\n");
    QVERIFY2(config.ok(), qPrintable(config.ok() ? QString() : config.error()));
    QCOMPARE(config->services[0].health->tls.minVersion, bw::TlsVersion::Tls13);
    QCOMPARE(config->services[0].remote->tls.minVersion, bw::TlsVersion::Tls12);
    QCOMPARE(config->services[1].health->tls.minVersion, bw::TlsVersion::Tls12); // the default
    QCOMPARE(config->prometheus->tls.minVersion, bw::TlsVersion::Tls13);
    QVERIFY(config->services[0].health->tls != config->services[1].health->tls);

    const auto refused =
        load("services:\n  - name: a\n    health: {url: 'https://h/', tls_config: {min_version: TLS11}}\n");
    QVERIFY(!refused.ok());
    QVERIFY2(refused.error().contains(u"min_version must be TLS12 or TLS13"_s), qPrintable(refused.error()));
}

void TestConfigLoader::scrapeConfigsBecomeServices()
{
    write(u"targets.json"_s, R"([{"targets":["10.1.0.1:9100","10.1.0.2:9100"],"labels":{"rack":"r1"}}])");
    const auto config = load("scrape_configs:\n"
                             "  - job_name: node\n"
                             "    static_configs: [{targets: ['127.0.0.1:9100'], labels: {env: dev}}]\n"
                             "    file_sd_configs: [{files: ['targets*.json']}]\n");
    QVERIFY2(config.ok(), qPrintable(config.ok() ? QString() : config.error()));
    QCOMPARE(config->services.size(), std::size_t{3});
    QCOMPARE(config->services[0].name, u"node"_s);
    QCOMPARE(config->services[0].instance, u"127.0.0.1:9100"_s);
    QCOMPARE(config->services[1].instance, u"10.1.0.1:9100"_s);
    QCOMPARE(config->services[0].metrics->http.url, QUrl(u"http://127.0.0.1:9100/metrics"_s));
    QCOMPARE(config->services[0].labels.value(u"env"_s), u"dev"_s);
    QCOMPARE(config->services[2].labels.value(u"rack"_s), u"r1"_s);
    QCOMPARE(config->services[2].labels.value(u"instance"_s), u"10.1.0.2:9100"_s);
}

// Found by fuzz_config: a target both in static_configs and a file_sd file was two instances of one name.
void TestConfigLoader::aTargetListedTwiceIsWatchedOnce()
{
    write(u"twice.json"_s, R"([{"targets":["127.0.0.1:9100","10.1.0.1:9100"]}])");
    const auto config = load("scrape_configs:\n"
                             "  - job_name: node\n"
                             "    static_configs: [{targets: ['127.0.0.1:9100']}]\n"
                             "    file_sd_configs: [{files: ['twice.json']}]\n");
    QVERIFY2(config.ok(), qPrintable(config.ok() ? QString() : config.error()));
    QCOMPARE(config->services.size(), std::size_t{2});
    QCOMPARE(config->services[0].instanceName(), u"127.0.0.1:9100"_s);
    QCOMPARE(config->services[1].instanceName(), u"10.1.0.1:9100"_s);
    QVERIFY(std::any_of(config->warnings.cbegin(), config->warnings.cend(), [](const QString &w) {
        return w.contains(u"instance 127.0.0.1:9100 of node is listed twice"_s);
    }));
}

void TestConfigLoader::brokenFileSdKeepsPreviousTargets()
{
    write(u"sd.json"_s, R"([{"targets":["10.2.0.1:80"]}])");
    const QByteArray text =
        "scrape_configs:\n  - job_name: web\n    file_sd_configs: [{files: [sd.json]}]\n" + kMinimal;
    const auto first = load(text);
    QVERIFY(first.ok());
    QCOMPARE(first->services.size(), std::size_t{2});

    write(u"sd.json"_s, R"([{"targets":["10.2.0.1:80"]})"); // truncated
    const auto second = load(text, &*first);
    QVERIFY2(second.ok(), qPrintable(second.ok() ? QString() : second.error()));
    QCOMPARE(second->services.size(), std::size_t{2});
    QCOMPARE(second->services[1].name, u"web"_s);
    QCOMPARE(second->services[1].instance, u"10.2.0.1:80"_s);
    QCOMPARE(second->warnings.size(), 1);
    QVERIFY(second->warnings[0].contains(u"sd.json"_s));
    QVERIFY(second->warnings[0].contains(u"keeping the previous targets"_s));
}

void TestConfigLoader::byteSizes_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("bytes");
    QTest::newRow("bytes") << u"512"_s << 512LL;
    QTest::newRow("KiB") << u"512KiB"_s << 512LL * 1024;
    QTest::newRow("MB") << u"10MB"_s << 10LL * 1024 * 1024;
    QTest::newRow("GB") << u"1GB"_s << 1024LL * 1024 * 1024;
    QTest::newRow("bad") << u"ten megs"_s << -1LL;
    // Found by fuzz_config: beyond std::int64_t, the conversion was undefined behaviour.
    QTest::newRow("huge") << u"1444444444444444444444444444444444444444444444444444"_s << -1LL;
    QTest::newRow("huge with a unit") << u"99999999TB"_s << -1LL;
    QTest::newRow("1 PiB") << u"1024TB"_s << 1024LL * 1024 * 1024 * 1024 * 1024;
}

void TestConfigLoader::byteSizes()
{
    QFETCH(QString, text);
    QFETCH(qint64, bytes);
    const auto size = bw::parseByteSize(text);
    if (bytes < 0) {
        QVERIFY(!size.ok());
        return;
    }
    QVERIFY(size.ok());
    QCOMPARE(qint64{*size}, bytes);
}

void TestConfigLoader::alertmanagersInPrometheusSyntax()
{
    const auto config = load(kMinimal + "alerting:\n"
                                        "  alertmanagers:\n"
                                        "    - static_configs: [{targets: ['127.0.0.1:9093']}, {targets: ['am2:80']}]\n"
                                        "    - scheme: https\n"
                                        "      path_prefix: alertmanager/\n"
                                        "      timeout: 3s\n"
                                        "      api_version: v2\n"
                                        "      authorization: {credentials_file: token}\n"
                                        "      tls_config: {server_name: am.example, min_version: TLS13}\n"
                                        "      static_configs: [{targets: ['am.example:9443']}]\n");
    QVERIFY2(config.ok(), qPrintable(config.ok() ? QString() : config.error()));
    QCOMPARE(config->alertmanagers.size(), std::size_t{2});
    const bw::AlertmanagerConfig &plain = config->alertmanagers[0];
    QCOMPARE(plain.targets, (QStringList{u"127.0.0.1:9093"_s, u"am2:80"_s}));
    QCOMPARE(plain.alertsUrls(),
             (QList<QUrl>{QUrl(u"http://127.0.0.1:9093/api/v2/alerts"_s), QUrl(u"http://am2:80/api/v2/alerts"_s)}));
    const bw::AlertmanagerConfig &secure = config->alertmanagers[1];
    QCOMPARE(secure.scheme, u"https"_s);
    QCOMPARE(secure.pathPrefix, u"/alertmanager"_s);
    QCOMPARE(secure.timeoutMs, 3000);
    QCOMPARE(secure.auth.kind, bw::AuthConfig::Kind::Authorization);
    QCOMPARE(secure.auth.credentials.reveal(), u"s3cr3t-token"_s);
    QCOMPARE(secure.tls.serverName, u"am.example"_s);
    QCOMPARE(secure.tls.minVersion, bw::TlsVersion::Tls13);
    QCOMPARE(secure.alertsUrls(), QList<QUrl>{QUrl(u"https://am.example:9443/alertmanager/api/v2/alerts"_s)});
}

void TestConfigLoader::alertmanagerDefaults()
{
    const auto none = load(kMinimal);
    QVERIFY(none.ok());
    QVERIFY(none->alertmanagers.empty());
    const auto config = load(kMinimal + "alerting: {alertmanagers: [{static_configs: [{targets: ['h:9093']}]}]}\n");
    QVERIFY2(config.ok(), qPrintable(config.ok() ? QString() : config.error()));
    QCOMPARE(config->alertmanagers.size(), std::size_t{1});
    QCOMPARE(config->alertmanagers[0].scheme, u"http"_s);
    QCOMPARE(config->alertmanagers[0].pathPrefix, QString());
    QCOMPARE(config->alertmanagers[0].timeoutMs, 10'000);
    QCOMPARE(config->alertmanagers[0].auth.kind, bw::AuthConfig::Kind::None);
}

void TestConfigLoader::alertRulesGloballyAndPerService()
{
    // Defaults: the product's rules.
    const auto plain = load(kMinimal);
    QVERIFY(plain.ok());
    QCOMPARE(plain->alertRules, bw::AlertRules{});
    QCOMPARE(plain->alertRulesFor(plain->services[0]), bw::AlertRules{});

    const auto config = load("alerting:\n"
                             "  rules: {open_after: 90s, open_long_after: 15m, flapping: {opens: 5, window: 20m}}\n"
                             "services:\n"
                             "  - name: payments\n"
                             "    health: {url: 'http://p/health'}\n"
                             "    alert_rules: {open_after: 30s, flapping: {opens: 2}}\n"
                             "  - name: search\n"
                             "    health: {url: 'http://s/health'}\n"
                             "scrape_configs:\n"
                             "  - job_name: batch\n"
                             "    static_configs: [{targets: ['b:9100']}]\n"
                             "    alert_rules: {open_after: 30m, open_long_after: 2h}\n");
    QVERIFY2(config.ok(), qPrintable(config.ok() ? QString() : config.error()));
    QCOMPARE(config->alertRules.openLongMs, 90'000);
    QCOMPARE(config->alertRules.openVeryLongMs, 15 * 60'000);
    QCOMPARE(config->alertRules.flapping, (bw::FlappingRule{5, 20 * 60'000}));
    QCOMPARE(config->services.size(), std::size_t{3});
    // A service overrides what it names; the rest is the global rules'.
    const bw::AlertRules payments = config->alertRulesFor(config->services[0]);
    QCOMPARE(payments.openLongMs, 30'000);
    QCOMPARE(payments.openVeryLongMs, 15 * 60'000);
    QCOMPARE(payments.flapping, (bw::FlappingRule{2, 20 * 60'000}));
    QCOMPARE(config->alertRulesFor(config->services[1]), config->alertRules);
    const bw::AlertRules batch = config->alertRulesFor(config->services[2]);
    QCOMPARE(config->services[2].name, u"batch"_s);
    QCOMPARE(batch.openLongMs, 30 * 60'000);
    QCOMPARE(batch.openVeryLongMs, 2 * 3600'000);
    QCOMPARE(batch.flapping, config->alertRules.flapping);
}

void TestConfigLoader::prometheusBreakersAloneIsAConfiguration()
{
    const auto config = load("prometheus:\n  url: http://127.0.0.1:9090\n  breakers: {}\n");
    QVERIFY2(config.ok(), qPrintable(config.ok() ? QString() : config.error()));
    QVERIFY(config->services.empty());
    QVERIFY(config->prometheus->breakers.has_value());
    QCOMPARE(config->prometheus->breakers->intervalMs, 0); // global.interval
    QVERIFY(config->prometheus->breakers->selector.isEmpty());

    // `breakers:` with nothing after it is the same.
    const auto bare = load("prometheus:\n  url: http://127.0.0.1:9090\n  breakers:\n");
    QVERIFY2(bare.ok(), qPrintable(bare.ok() ? QString() : bare.error()));
    QCOMPARE(bare->prometheus->breakers, config->prometheus->breakers);

    // Without breakers the server is for backfills only, and services are still needed.
    const auto backfillOnly = load("prometheus: {url: http://127.0.0.1:9090}\n");
    QVERIFY(!backfillOnly.ok());
    QVERIFY2(backfillOnly.error().contains(u"prometheus.breakers"_s), qPrintable(backfillOnly.error()));
}

void TestConfigLoader::prometheusBreakersIntervalAndSelector()
{
    const auto config = load(kMinimal + "prometheus:\n"
                                        "  url: http://prometheus:9090\n"
                                        "  breakers:\n"
                                        "    interval: 20s\n"
                                        "    history: 2h\n"
                                        "    selector: '{env=\"prod\", team=~\"pay.*\"}'\n");
    QVERIFY2(config.ok(), qPrintable(config.ok() ? QString() : config.error()));
    QCOMPARE(config->services.size(), std::size_t{1});
    QCOMPARE(config->prometheus->breakers->intervalMs, 20'000);
    QCOMPARE(config->prometheus->breakers->historyMs, 2 * 3600 * 1000);
    QCOMPARE(config->prometheus->breakers->selector, u"{env=\"prod\", team=~\"pay.*\"}"_s);
    // An empty selector is no selector.
    const auto empty = load("prometheus: {url: 'http://p:9090', breakers: {selector: '{}'}}\n");
    QVERIFY2(empty.ok(), qPrintable(empty.ok() ? QString() : empty.error()));
    QVERIFY(empty->prometheus->breakers->selector.isEmpty());
    QCOMPARE(empty->prometheus->breakers->historyMs, 6 * 3600 * 1000); // the default: the last six hours
    const auto noHistory = load("prometheus: {url: 'http://p:9090', breakers: {history: 0s}}\n");
    QVERIFY2(noHistory.ok(), qPrintable(noHistory.ok() ? QString() : noHistory.error()));
    QCOMPARE(noHistory->prometheus->breakers->historyMs, 0);
}

void TestConfigLoader::prometheusBreakersErrorsNameFileLineAndColumn_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("message");
    QTest::newRow("unknown key") << QByteArray("prometheus:\n  url: http://p:9090\n  breakers: {intervall: 5s}\n")
                                 << u"bw.yml:3:14: unknown key \"intervall\" in prometheus.breakers"_s;
    QTest::newRow("bad interval") << QByteArray("prometheus:\n  url: http://p:9090\n  breakers: {interval: soon}\n")
                                  << u"bw.yml:3:24: prometheus.breakers.interval:"_s;
    QTest::newRow("zero interval") << QByteArray("prometheus:\n  url: http://p:9090\n  breakers: {interval: 0s}\n")
                                   << u"bw.yml:3:24: prometheus.breakers.interval must be positive"_s;
    QTest::newRow("broken selector")
        << QByteArray("prometheus:\n  url: http://p:9090\n  breakers:\n    selector: '{env=prod}'\n")
        << u"bw.yml:4:15: prometheus.breakers.selector: selector \"{env=prod}\": label values are quoted"_s;
    QTest::newRow("selector with a metric name")
        << QByteArray("prometheus:\n  url: http://p:9090\n  breakers:\n    selector: 'up{env=\"prod\"}'\n")
        << u"bw.yml:4:15: prometheus.breakers.selector holds matchers only"_s;
    QTest::newRow("not a mapping") << QByteArray("prometheus:\n  url: http://p:9090\n  breakers: [a]\n")
                                   << u"bw.yml:3:13: prometheus.breakers must be a mapping"_s;
}

void TestConfigLoader::prometheusBreakersErrorsNameFileLineAndColumn()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, message);
    const auto config = load(text);
    QVERIFY(!config.ok());
    QVERIFY2(config.error().contains(message), qPrintable(config.error()));
}

QTEST_GUILESS_MAIN(TestConfigLoader)
#include "tst_configloader.moc"
