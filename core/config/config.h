#pragma once

#include "alerts/alertrules.h"
#include "breaker/breakerpolicy.h"
#include "config/secret.h"
#include "fleet/breakerfilter.h"

#include <QMap>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <cstdint>
#include <optional>
#include <vector>

namespace bw {

// Everything here is a plain value produced by ConfigLoader; durations in ms, sizes in bytes.

// The oldest TLS version a target may negotiate (`tls_config.min_version`: TLS12 or TLS13).
enum class TlsVersion : std::uint8_t
{
    Tls12,
    Tls13
};

struct TlsConfig
{
    QString caFile;
    QString certFile;
    QString keyFile;
    QString serverName;
    bool insecureSkipVerify = false;
    TlsVersion minVersion = TlsVersion::Tls12;
    bool operator==(const TlsConfig &) const = default;
};

// Prometheus' spelling: `authorization: {type: Bearer, credentials_file: ...}` or
// `basic_auth: {username: ..., password_file: ...}`; `*_env` reads an environment variable instead.
struct AuthConfig
{
    enum class Kind : std::uint8_t
    {
        None,
        Authorization,
        Basic
    };
    Kind kind = Kind::None;
    QString scheme = QStringLiteral("Bearer"); // Authorization type
    Secret credentials;                        // Authorization credentials
    QString username;                          // Basic
    Secret password;                           // Basic
    QString source;                            // where the secret came from, for messages: a file or $VAR
    bool operator==(const AuthConfig &) const = default;
};

enum class HealthFormat : std::uint8_t
{
    Auto,
    Spring,
    HealthJson,
    Kubernetes,
    CircuitBreakerPage,
    Resilience4jHealth,
    Plain
};

struct JsonFieldCondition
{
    QString path; // dotted: components.db.status
    QString equals;
    bool operator==(const JsonFieldCondition &) const = default;
};

struct HttpSource
{
    QUrl url;
    std::int64_t intervalMs = 0;     // 0 = global
    std::int64_t timeoutMs = 0;      // 0 = global
    std::int64_t bodySizeLimit = -1; // -1 = global
    QMap<QString, QString> headers;
    AuthConfig auth;
    TlsConfig tls;
    bool followRedirects = true;
    HealthFormat format = HealthFormat::Auto;
    QList<int> validStatus; // empty = 2xx
    std::optional<JsonFieldCondition> jsonField;
    QString bodyRegex;
    std::int64_t slowMs = 0; // a success slower than this is `slow`; 0 = global
    bool operator==(const HttpSource &) const = default;
};

struct MetricsSource
{
    HttpSource http;
    QString requestsSelector; // e.g. http_requests_total{job="api"}; failures by failureCodes on `code`
    QString failureCodes = QStringLiteral("5..");
    QString durationHistogram; // e.g. http_request_duration_seconds (slow calls from buckets)
    // observed_breaker: kept for old configurations. Every breaker family on the page is read whatever the kind;
    // the name, if given, joins the service's breaker filter.
    QString observedKind; // resilience4j | gauge | opossum | ""
    QString observedName;
    bool operator==(const MetricsSource &) const = default;
};

struct RemoteBreakerBinding
{
    QString kind = QStringLiteral("resilience4j"); // resilience4j actuator, or "request" (custom)
    QUrl url;                                      // e.g. http://host/actuator/circuitbreakers/backendA
    QUrl eventsUrl; // e.g. http://host/actuator/circuitbreakerevents/backendA/state_transition
    QString method = QStringLiteral("POST");
    QByteArray bodyTemplate; // "request" kind: body with {action}
    AuthConfig auth;
    TlsConfig tls;
    bool operator==(const RemoteBreakerBinding &) const = default;
};

// One instance of a service: a `services:` entry, or one target of a scrape_configs job (several entries with the
// same name are the instances of one service).
struct ServiceConfig
{
    QString name;
    QString instance; // the target (host:port); empty: the host:port of the first URL (see instanceName())
    QMap<QString, QString> labels;
    std::optional<HttpSource> health;
    std::optional<MetricsSource> metrics;
    QString preset = QStringLiteral("resilience4j");
    QList<QPair<QString, QString>> parameters;
    BreakerPolicy policy; // built and validated from preset + parameters
    std::optional<RemoteBreakerBinding> remote;
    std::optional<HttpSource> hystrixStream; // hystrix.stream (server-sent events): every command on it
    QString hystrixCommand;                  // old configurations: joins the breaker filter
    std::optional<HttpSource> actuator;      // GET /actuator/circuitbreakers: every Resilience4j breaker, settings
    BreakerFilter breakers;                  // which named breakers to follow; empty: all that the sources show
    AlertRuleOverrides alertRules;           // `alert_rules:`; what it leaves out comes from Config::alertRules

    // The instance's name: `instance`, else host:port of the first URL among health, metrics, actuator, stream.
    QString instanceName() const;
    bool operator==(const ServiceConfig &) const = default;
};

// `prometheus.breakers`: watch every breaker the server knows of, with a few instant queries per interval.
struct PrometheusBreakersConfig
{
    std::int64_t intervalMs = 0; // 0 = global.interval
    // How far back the real breakers' states are read when the source starts (PrometheusHistory); 0 = not at all.
    std::int64_t historyMs = 6 * 3600 * 1000;
    // Extra matchers for every query, as written: `{env="prod"}`; empty: none. Validated by the loader.
    QString selector;
    // The simulation every breaker found this way starts from (then the real breaker's settings, where its source
    // reports them); built and validated by the loader from the resilience4j preset, as for a scrape_configs job.
    BreakerPolicy policy;
    bool operator==(const PrometheusBreakersConfig &) const = default;
};

struct PrometheusServerConfig
{
    QUrl url;
    AuthConfig auth;
    TlsConfig tls;
    std::int64_t timeoutMs = 30'000;
    std::optional<PrometheusBreakersConfig> breakers; // present: the server is a live source of breakers
    bool operator==(const PrometheusServerConfig &) const = default;
};

// One `alerting.alertmanagers[]` entry, in Prometheus' spelling: every target of its static_configs is one
// Alertmanager, reached at scheme://target/path_prefix/api/v2/alerts with the entry's auth, TLS and timeout.
struct AlertmanagerConfig
{
    QString scheme = QStringLiteral("http");
    QString pathPrefix;  // "" or "/alertmanager" (no trailing slash)
    QStringList targets; // host:port
    AuthConfig auth;
    TlsConfig tls;
    std::int64_t timeoutMs = 10'000;

    // The alerts endpoint of each target, in target order.
    QList<QUrl> alertsUrls() const;
    // The API endpoint `path` ("/api/v2/silences") of each target, in target order.
    QList<QUrl> apiUrls(const QString &path) const;
    bool operator==(const AlertmanagerConfig &) const = default;
};

struct GlobalConfig
{
    std::int64_t intervalMs = 15'000;
    std::int64_t timeoutMs = 10'000;
    std::int64_t bodySizeLimit = 10 * 1024 * 1024;
    std::int64_t slowMs = 2'000;
    int maxInFlight = 64;
    // A breaker its source no longer shows is stale at once (greyed) and leaves after this long.
    std::int64_t staleBreakerRetentionMs = 10 * 60'000;
    bool operator==(const GlobalConfig &) const = default;
};

struct Config
{
    QString sourceFile;
    GlobalConfig global;
    std::vector<ServiceConfig> services;
    std::optional<PrometheusServerConfig> prometheus;
    std::vector<AlertmanagerConfig> alertmanagers; // alerting.alertmanagers; empty: alerts stay in Breakerwatch
    AlertRules alertRules;                         // alerting.rules: every service's, unless it overrides them
    QStringList warnings;                          // e.g. TLS verification switched off for a target
    QStringList watchPaths; // the files and directories it was read from: a change there means reload
    // The rules one service's alerts fire by: the global ones with the service's overrides.
    AlertRules alertRulesFor(const ServiceConfig &service) const { return service.alertRules.applyTo(alertRules); }
    bool operator==(const Config &) const = default;
};

} // namespace bw

Q_DECLARE_METATYPE(bw::Config)
