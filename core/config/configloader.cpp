#include "config/configloader.h"

#include "common/durations.h"
#include "prometheus/seriesselector.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QSet>

#include <yaml-cpp/yaml.h>

using namespace Qt::StringLiterals;

namespace bw {

Q_LOGGING_CATEGORY(lcConfig, "breakerwatch.config")

Result<std::int64_t> parseByteSize(QStringView text)
{
    const QString trimmed = text.trimmed().toString();
    static const QRegularExpression pattern(u"^([0-9]+(?:\\.[0-9]+)?)\\s*([KMGT]?i?B)?$"_s,
                                            QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch match = pattern.match(trimmed);
    if (!match.hasMatch())
        return Error{u"invalid size \"%1\" (use e.g. 10MB, 512KiB or a number of bytes)"_s.arg(trimmed)};
    const double number = match.captured(1).toDouble();
    const QString unit = match.captured(2).toUpper();
    double factor = 1;
    if (unit.startsWith(u'K'))
        factor = 1024.0;
    else if (unit.startsWith(u'M'))
        factor = 1024.0 * 1024;
    else if (unit.startsWith(u'G'))
        factor = 1024.0 * 1024 * 1024;
    else if (unit.startsWith(u'T'))
        factor = 1024.0 * 1024 * 1024 * 1024;
    // At most 1 PiB: also keeps the conversion below std::int64_t's range, beyond which it is undefined behaviour
    // (found by fuzz_config).
    constexpr double kMaxBytes = 1024.0 * 1024 * 1024 * 1024 * 1024;
    const double bytes = number * factor;
    if (!(bytes <= kMaxBytes))
        return Error{u"size \"%1\" is too large (at most 1PiB)"_s.arg(trimmed)};
    return static_cast<std::int64_t>(bytes);
}

namespace {

// Walks the YAML tree; the first problem found stops the load with file:line:col.
class Reader
{
public:
    Reader(QString source, QString baseDir) : m_source(std::move(source)), m_baseDir(std::move(baseDir)) {}

    Error at(const YAML::Node &node, const QString &message) const
    {
        const YAML::Mark mark = node.Mark();
        if (mark.is_null())
            return Error{u"%1: %2"_s.arg(m_source, message)};
        return Error{u"%1:%2:%3: %4"_s.arg(m_source).arg(mark.line + 1).arg(mark.column + 1).arg(message)};
    }

    // Refuses keys we do not know, like Prometheus does: a typo must not silently do nothing.
    Status keys(const YAML::Node &map, const QString &where, const QSet<QString> &allowed) const
    {
        if (!map.IsMap())
            return at(map, u"%1 must be a mapping"_s.arg(where));
        for (const auto &entry : map) {
            const QString key = QString::fromStdString(entry.first.Scalar());
            if (!allowed.contains(key)) {
                QStringList sorted(allowed.begin(), allowed.end());
                sorted.sort();
                return at(entry.first,
                          u"unknown key \"%1\" in %2 (expected one of: %3)"_s.arg(key, where, sorted.join(u", ")));
            }
        }
        return success();
    }

    static QString scalar(const YAML::Node &node) { return QString::fromStdString(node.Scalar()); }

    Result<QString> string(const YAML::Node &node, const QString &what) const
    {
        if (!node.IsScalar())
            return at(node, u"%1 must be a single value"_s.arg(what));
        return scalar(node);
    }

    Result<std::int64_t> duration(const YAML::Node &node, const QString &what) const
    {
        if (!node.IsScalar())
            return at(node, u"%1 must be a duration like 5s or 1m"_s.arg(what));
        const auto ms = parseDurationMs(scalar(node));
        if (!ms)
            return at(node, u"%1: %2"_s.arg(what, ms.error()));
        return *ms;
    }

    // `prometheus.breakers: {interval, history, selector}`; `{}` (or nothing after the key) takes the defaults.
    Result<PrometheusBreakersConfig> prometheusBreakers(const YAML::Node &node, const PresetCatalog &catalog) const
    {
        PrometheusBreakersConfig out;
        auto policy = catalog.build(u"resilience4j");
        if (!policy)
            return at(node, policy.error());
        out.policy = *policy;
        if (node.IsNull())
            return out;
        if (Status s = keys(node, u"prometheus.breakers"_s, {u"interval"_s, u"history"_s, u"selector"_s}); !s)
            return Error{s.error()};
        if (const YAML::Node interval = node["interval"]) {
            auto v = duration(interval, u"prometheus.breakers.interval"_s);
            if (!v)
                return Error{v.error()};
            if (*v <= 0)
                return at(interval, u"prometheus.breakers.interval must be positive"_s);
            out.intervalMs = *v;
        }
        if (const YAML::Node history = node["history"]) {
            auto v = duration(history, u"prometheus.breakers.history"_s);
            if (!v)
                return Error{v.error()};
            if (*v < 0)
                return at(history, u"prometheus.breakers.history must be 0 (off) or positive"_s);
            out.historyMs = *v;
        }
        if (const YAML::Node selector = node["selector"]) {
            auto text = string(selector, u"prometheus.breakers.selector"_s);
            if (!text)
                return Error{text.error()};
            const QString trimmed = text->trimmed();
            // `{}` (no matchers) is a valid PromQL selector only after a metric name; here it means "none".
            if (QString(trimmed).remove(u' ') == u"{}"_s)
                return out;
            const auto parsed = SeriesSelector::parse(trimmed);
            if (!parsed)
                return at(selector, u"prometheus.breakers.selector: %1"_s.arg(parsed.error()));
            if (!parsed->metricName().isEmpty() || !trimmed.startsWith(u'{'))
                return at(selector, u"prometheus.breakers.selector holds matchers only, e.g. '{env=\"prod\"}' "
                                    u"(the metric names are Breakerwatch's)"_s);
            if (!parsed->matchers().isEmpty())
                out.selector = trimmed;
        }
        return out;
    }

    Result<bool> boolean(const YAML::Node &node, const QString &what) const
    {
        const QString text = node.IsScalar() ? scalar(node).toLower() : QString();
        if (text == u"true" || text == u"yes")
            return true;
        if (text == u"false" || text == u"no")
            return false;
        return at(node, u"%1 must be true or false"_s.arg(what));
    }

    Result<QMap<QString, QString>> stringMap(const YAML::Node &node, const QString &what) const
    {
        QMap<QString, QString> out;
        if (node.IsNull())
            return out;
        if (!node.IsMap())
            return at(node, u"%1 must be a mapping of name: value"_s.arg(what));
        for (const auto &entry : node) {
            if (!entry.second.IsScalar())
                return at(entry.second, u"%1.%2 must be a single value"_s.arg(what, scalar(entry.first)));
            out.insert(scalar(entry.first), scalar(entry.second));
        }
        return out;
    }

    QString resolvePath(const QString &path) const
    {
        return QDir::isAbsolutePath(path) ? path : QDir(m_baseDir).filePath(path);
    }

    // A secret from `<prefix>_file` or `<prefix>_env`; writing the secret itself in the file is refused.
    Result<Secret> secret(const YAML::Node &map, const QString &prefix, QString *source) const
    {
        if (map[prefix.toStdString()])
            return at(map[prefix.toStdString()],
                      u"write the secret in a file (%1_file) or an environment variable (%1_env), not in the "
                      u"configuration"_s.arg(prefix));
        const YAML::Node file = map[QString(prefix + u"_file"_s).toStdString()];
        const YAML::Node env = map[QString(prefix + u"_env"_s).toStdString()];
        if (file && env)
            return at(file, u"give either %1_file or %1_env, not both"_s.arg(prefix));
        if (file) {
            const QString path = resolvePath(scalar(file));
            QFile f(path);
            if (!f.open(QIODevice::ReadOnly))
                return at(file, u"cannot read %1_file %2: %3"_s.arg(prefix, path, f.errorString()));
            *source = path;
            return Secret(QString::fromUtf8(f.readAll()).trimmed());
        }
        if (env) {
            const QString name = scalar(env);
            if (!qEnvironmentVariableIsSet(name.toUtf8().constData()))
                return at(env, u"environment variable %1 (%2_env) is not set"_s.arg(name, prefix));
            *source = u"$"_s + name;
            return Secret(qEnvironmentVariable(name.toUtf8().constData()).trimmed());
        }
        return Secret{};
    }

    Result<AuthConfig> auth(const YAML::Node &parent) const
    {
        AuthConfig auth;
        const YAML::Node authorization = parent["authorization"];
        const YAML::Node basic = parent["basic_auth"];
        if (authorization && basic)
            return at(basic, u"give either authorization or basic_auth, not both"_s);
        if (authorization) {
            if (Status s = keys(authorization, u"authorization"_s,
                                {u"type"_s, u"credentials"_s, u"credentials_file"_s, u"credentials_env"_s});
                !s)
                return Error{s.error()};
            auth.kind = AuthConfig::Kind::Authorization;
            if (authorization["type"])
                auth.scheme = scalar(authorization["type"]);
            auto credentials = secret(authorization, u"credentials"_s, &auth.source);
            if (!credentials)
                return Error{credentials.error()};
            if (credentials->isEmpty())
                return at(authorization, u"authorization needs credentials_file or credentials_env"_s);
            auth.credentials = *credentials;
        } else if (basic) {
            if (Status s =
                    keys(basic, u"basic_auth"_s, {u"username"_s, u"password"_s, u"password_file"_s, u"password_env"_s});
                !s)
                return Error{s.error()};
            auth.kind = AuthConfig::Kind::Basic;
            if (!basic["username"])
                return at(basic, u"basic_auth needs a username"_s);
            auth.username = scalar(basic["username"]);
            auto password = secret(basic, u"password"_s, &auth.source);
            if (!password)
                return Error{password.error()};
            auth.password = *password;
        }
        return auth;
    }

    Result<TlsConfig> tls(const YAML::Node &parent, const QString &owner, QStringList &warnings) const
    {
        TlsConfig tls;
        const YAML::Node node = parent["tls_config"];
        if (!node)
            return tls;
        if (Status s = keys(node, u"tls_config"_s,
                            {u"ca_file"_s, u"cert_file"_s, u"key_file"_s, u"server_name"_s, u"insecure_skip_verify"_s,
                             u"min_version"_s});
            !s)
            return Error{s.error()};
        auto fileOf = [&](const char *key, QString &out) -> Status {
            if (!node[key])
                return success();
            out = resolvePath(scalar(node[key]));
            if (!QFileInfo::exists(out))
                return at(node[key], u"%1 %2 does not exist"_s.arg(QString::fromLatin1(key), out));
            return success();
        };
        for (const auto &[key, target] : {std::pair{"ca_file", &tls.caFile}, std::pair{"cert_file", &tls.certFile},
                                          std::pair{"key_file", &tls.keyFile}}) {
            if (Status s = fileOf(key, *target); !s)
                return Error{s.error()};
        }
        if (tls.certFile.isEmpty() != tls.keyFile.isEmpty())
            return at(node, u"cert_file and key_file go together"_s);
        if (node["server_name"])
            tls.serverName = scalar(node["server_name"]);
        if (node["insecure_skip_verify"]) {
            auto skip = boolean(node["insecure_skip_verify"], u"insecure_skip_verify"_s);
            if (!skip)
                return Error{skip.error()};
            tls.insecureSkipVerify = *skip;
            if (tls.insecureSkipVerify)
                warnings << u"%1: TLS certificate verification is OFF (insecure_skip_verify)"_s.arg(owner);
        }
        if (node["min_version"]) {
            const QString version = scalar(node["min_version"]);
            if (version == u"TLS13")
                tls.minVersion = TlsVersion::Tls13;
            else if (version != u"TLS12")
                return at(node["min_version"], u"min_version must be TLS12 or TLS13"_s);
        }
        return tls;
    }

    Result<HttpSource> http(const YAML::Node &node, const QString &owner, QStringList &warnings,
                            const QSet<QString> &extraKeys = {}) const
    {
        QSet<QString> allowed{
            u"url"_s,           u"interval"_s,      u"timeout"_s,    u"body_size_limit"_s,  u"headers"_s,
            u"authorization"_s, u"basic_auth"_s,    u"tls_config"_s, u"follow_redirects"_s, u"format"_s,
            u"expect"_s,        u"slow_threshold"_s};
        allowed.unite(extraKeys);
        if (Status s = keys(node, owner, allowed); !s)
            return Error{s.error()};
        HttpSource source;
        if (!node["url"])
            return at(node, u"%1 needs a url"_s.arg(owner));
        source.url = QUrl(scalar(node["url"]), QUrl::StrictMode);
        if (!source.url.isValid() || (source.url.scheme() != u"http" && source.url.scheme() != u"https") ||
            source.url.host().isEmpty())
            return at(node["url"],
                      u"%1 url \"%2\" must be an absolute http:// or https:// URL"_s.arg(owner, scalar(node["url"])));
        if (!source.url.userInfo().isEmpty())
            return at(node["url"],
                      u"%1 url must not carry credentials; use basic_auth with password_file"_s.arg(owner));
        if (node["interval"]) {
            auto v = duration(node["interval"], u"interval"_s);
            if (!v)
                return Error{v.error()};
            source.intervalMs = *v;
        }
        if (node["timeout"]) {
            auto v = duration(node["timeout"], u"timeout"_s);
            if (!v)
                return Error{v.error()};
            source.timeoutMs = *v;
        }
        if (node["slow_threshold"]) {
            auto v = duration(node["slow_threshold"], u"slow_threshold"_s);
            if (!v)
                return Error{v.error()};
            source.slowMs = *v;
        }
        if (node["body_size_limit"]) {
            auto v = parseByteSize(scalar(node["body_size_limit"]));
            if (!v)
                return at(node["body_size_limit"], v.error());
            source.bodySizeLimit = *v;
        }
        if (node["headers"]) {
            auto headers = stringMap(node["headers"], u"headers"_s);
            if (!headers)
                return Error{headers.error()};
            for (auto it = headers->cbegin(); it != headers->cend(); ++it) {
                if (it.key().compare(u"authorization"_s, Qt::CaseInsensitive) == 0)
                    return at(node["headers"], u"put credentials in authorization.credentials_file, not in headers"_s);
            }
            source.headers = *headers;
        }
        auto authConfig = auth(node);
        if (!authConfig)
            return Error{authConfig.error()};
        source.auth = *authConfig;
        auto tlsConfig = tls(node, owner, warnings);
        if (!tlsConfig)
            return Error{tlsConfig.error()};
        source.tls = *tlsConfig;
        if (node["follow_redirects"]) {
            auto v = boolean(node["follow_redirects"], u"follow_redirects"_s);
            if (!v)
                return Error{v.error()};
            source.followRedirects = *v;
        }
        if (node["format"]) {
            static const QMap<QString, HealthFormat> formats{{u"auto"_s, HealthFormat::Auto},
                                                             {u"spring"_s, HealthFormat::Spring},
                                                             {u"health+json"_s, HealthFormat::HealthJson},
                                                             {u"kubernetes"_s, HealthFormat::Kubernetes},
                                                             {u"circuit-breakers"_s, HealthFormat::CircuitBreakerPage},
                                                             {u"resilience4j"_s, HealthFormat::Resilience4jHealth},
                                                             {u"plain"_s, HealthFormat::Plain}};
            const QString name = scalar(node["format"]);
            if (!formats.contains(name))
                return at(node["format"], u"format must be one of: %1"_s.arg(formats.keys().join(u", ")));
            source.format = formats.value(name);
        }
        if (const YAML::Node expect = node["expect"]) {
            if (Status s = keys(expect, u"expect"_s, {u"status"_s, u"json_field"_s, u"body_regex"_s}); !s)
                return Error{s.error()};
            if (const YAML::Node status = expect["status"]) {
                const YAML::Node list = status.IsSequence() ? status : YAML::Node(std::vector<YAML::Node>{status});
                for (const auto &code : list) {
                    bool ok = false;
                    const int value = scalar(code).toInt(&ok);
                    if (!ok || value < 100 || value > 599)
                        return at(code, u"expect.status holds HTTP status codes (100-599)"_s);
                    source.validStatus << value;
                }
            }
            if (const YAML::Node field = expect["json_field"]) {
                if (Status s = keys(field, u"expect.json_field"_s, {u"path"_s, u"equals"_s}); !s)
                    return Error{s.error()};
                if (!field["path"] || !field["equals"])
                    return at(field, u"expect.json_field needs path and equals"_s);
                source.jsonField = JsonFieldCondition{scalar(field["path"]), scalar(field["equals"])};
            }
            if (const YAML::Node regex = expect["body_regex"]) {
                source.bodyRegex = scalar(regex);
                const QRegularExpression check(source.bodyRegex);
                if (!check.isValid())
                    return at(regex, u"body_regex: %1"_s.arg(check.errorString()));
            }
        }
        return source;
    }

    // `alert_rules:` of a service or scrape config, or `alerting.rules`: {open_after, open_long_after,
    // flapping: {opens, window}}; only what is given.
    Result<AlertRuleOverrides> alertRules(const YAML::Node &node, const QString &where) const
    {
        AlertRuleOverrides out;
        if (Status s = keys(node, where, {u"open_after"_s, u"open_long_after"_s, u"flapping"_s}); !s)
            return Error{s.error()};
        const auto positive = [&](const char *key, std::optional<std::int64_t> &target) -> Status {
            const YAML::Node value = node[key];
            if (!value)
                return success();
            const QString name = where + u'.' + QString::fromLatin1(key);
            auto ms = duration(value, name);
            if (!ms)
                return Error{ms.error()};
            if (*ms <= 0)
                return at(value, u"%1 must be a positive duration like 2m"_s.arg(name));
            target = *ms;
            return success();
        };
        if (Status s = positive("open_after", out.openLongMs); !s)
            return Error{s.error()};
        if (Status s = positive("open_long_after", out.openVeryLongMs); !s)
            return Error{s.error()};
        if (const YAML::Node flapping = node["flapping"]) {
            const QString name = where + u".flapping"_s;
            if (Status s = keys(flapping, name, {u"opens"_s, u"window"_s}); !s)
                return Error{s.error()};
            if (const YAML::Node opens = flapping["opens"]) {
                bool ok = false;
                const int value = opens.IsScalar() ? scalar(opens).toInt(&ok) : 0;
                if (!ok || value < 1)
                    return at(opens, u"%1.opens must be a whole number of opens, 1 or more (the alert fires on more "
                                     u"than this many opens in the window)"_s.arg(name));
                out.flappingOpens = value;
            }
            if (const YAML::Node window = flapping["window"]) {
                auto ms = duration(window, name + u".window"_s);
                if (!ms)
                    return Error{ms.error()};
                if (*ms <= 0)
                    return at(window, u"%1.window must be a positive duration like 10m"_s.arg(name));
                out.flappingWindowMs = *ms;
            }
        }
        return out;
    }

    // The rules a service ends up with must make sense together.
    Status checkRules(const AlertRules &rules, const YAML::Node &where, const QString &owner) const
    {
        if (rules.openVeryLongMs <= rules.openLongMs)
            return at(where, u"%1: open_long_after (%2) must be longer than open_after (%3)"_s.arg(
                                 owner, formatDurationMs(rules.openVeryLongMs), formatDurationMs(rules.openLongMs)));
        return success();
    }

    // `breakers: [a, b]` or `breakers: {names: [a, b], regex: "pay.*"}`.
    Result<BreakerFilter> breakerFilter(const YAML::Node &node) const
    {
        BreakerFilter filter;
        std::optional<YAML::Node> names; // not a YAML::Node assigned later: that would write into the node
        if (node.IsMap()) {
            if (Status s = keys(node, u"breakers"_s, {u"names"_s, u"regex"_s}); !s)
                return Error{s.error()};
            if (node["names"])
                names.emplace(node["names"]);
            if (node["regex"]) {
                filter.pattern = QRegularExpression(u"^(?:"_s + scalar(node["regex"]) + u")$"_s);
                if (!filter.pattern.isValid())
                    return at(node["regex"], u"breakers.regex: "_s + filter.pattern.errorString());
            }
        } else {
            names.emplace(node);
        }
        if (names) {
            if (!names->IsSequence())
                return at(*names, u"breakers must be a list of names or {names: [...], regex: ...}"_s);
            for (const YAML::Node &name : *names)
                filter.names << scalar(name);
        }
        return filter;
    }

    Result<ServiceConfig> service(const YAML::Node &node, const PresetCatalog &catalog, QStringList &warnings) const
    {
        if (Status s = keys(node, u"a service"_s,
                            {u"name"_s, u"instance"_s, u"labels"_s, u"health"_s, u"metrics"_s, u"breaker"_s,
                             u"remote_breaker"_s, u"hystrix_stream"_s, u"actuator"_s, u"breakers"_s, u"alert_rules"_s});
            !s)
            return Error{s.error()};
        ServiceConfig service;
        if (!node["name"] || scalar(node["name"]).trimmed().isEmpty())
            return at(node, u"every service needs a name"_s);
        service.name = scalar(node["name"]).trimmed();
        const QString owner = u"service %1"_s.arg(service.name);
        if (node["instance"])
            service.instance = scalar(node["instance"]).trimmed();
        if (node["labels"]) {
            auto labels = stringMap(node["labels"], u"labels"_s);
            if (!labels)
                return Error{labels.error()};
            service.labels = *labels;
        }
        if (node["health"]) {
            auto health = http(node["health"], owner + u" health"_s, warnings);
            if (!health)
                return Error{health.error()};
            service.health = *health;
        }
        if (const YAML::Node metrics = node["metrics"]) {
            auto source = http(metrics, owner + u" metrics"_s, warnings,
                               {u"requests"_s, u"failure_codes"_s, u"duration_histogram"_s, u"observed_breaker"_s});
            if (!source)
                return Error{source.error()};
            MetricsSource m;
            m.http = *source;
            if (metrics["requests"]) {
                m.requestsSelector = scalar(metrics["requests"]);
                if (const auto selector = SeriesSelector::parse(m.requestsSelector); !selector)
                    return at(metrics["requests"], u"requests: "_s + selector.error());
            }
            if (metrics["failure_codes"]) {
                m.failureCodes = scalar(metrics["failure_codes"]);
                if (!QRegularExpression(u"^(?:"_s + m.failureCodes + u")$"_s).isValid())
                    return at(metrics["failure_codes"], u"failure_codes must be a regular expression like 5.."_s);
            }
            if (metrics["duration_histogram"])
                m.durationHistogram = scalar(metrics["duration_histogram"]);
            if (const YAML::Node observed = metrics["observed_breaker"]) {
                if (Status s = keys(observed, u"observed_breaker"_s, {u"kind"_s, u"name"_s}); !s)
                    return Error{s.error()};
                m.observedKind = observed["kind"] ? scalar(observed["kind"]) : QString();
                if (!m.observedKind.isEmpty() && m.observedKind != u"resilience4j" && m.observedKind != u"gauge" &&
                    m.observedKind != u"opossum")
                    return at(observed, u"observed_breaker.kind must be resilience4j, gauge or opossum"_s);
                if (observed["name"])
                    m.observedName = scalar(observed["name"]);
            }
            service.metrics = m;
        }
        if (const YAML::Node stream = node["hystrix_stream"]) {
            auto source = http(stream, owner + u" hystrix_stream"_s, warnings, {u"command"_s});
            if (!source)
                return Error{source.error()};
            service.hystrixStream = *source;
            if (stream["command"])
                service.hystrixCommand = scalar(stream["command"]);
        }
        if (const YAML::Node actuator = node["actuator"]) {
            auto source = http(actuator, owner + u" actuator"_s, warnings);
            if (!source)
                return Error{source.error()};
            service.actuator = *source;
        }
        if (const YAML::Node breakers = node["breakers"]) {
            auto filter = breakerFilter(breakers);
            if (!filter)
                return Error{filter.error()};
            service.breakers = *filter;
        }
        if (const YAML::Node rules = node["alert_rules"]) {
            auto overrides = alertRules(rules, owner + u" alert_rules"_s);
            if (!overrides)
                return Error{overrides.error()};
            service.alertRules = *overrides;
        }
        // Old spellings of "follow this breaker" join the filter.
        for (const QString &name :
             {service.metrics ? service.metrics->observedName : QString(), service.hystrixCommand})
            if (!name.isEmpty() && !service.breakers.names.contains(name))
                service.breakers.names << name;
        if (!service.health && !service.metrics && !service.actuator && !service.hystrixStream)
            return at(node, u"%1 needs a health, metrics, actuator or hystrix_stream source"_s.arg(owner));
        if (const YAML::Node breaker = node["breaker"]) {
            if (Status s = keys(breaker, u"breaker"_s, {u"preset"_s, u"parameters"_s}); !s)
                return Error{s.error()};
            if (breaker["preset"])
                service.preset = scalar(breaker["preset"]);
            if (const YAML::Node parameters = breaker["parameters"]) {
                if (!parameters.IsMap())
                    return at(parameters, u"breaker.parameters must be a mapping of name: value"_s);
                for (const auto &entry : parameters)
                    service.parameters.append(
                        {scalar(entry.first), entry.second.IsNull() ? u"null"_s : scalar(entry.second)});
            }
        }
        auto policy = catalog.buildText(service.preset, service.parameters);
        if (!policy)
            return at(node["breaker"] ? node["breaker"] : node, u"%1 breaker: %2"_s.arg(owner, policy.error()));
        service.policy = *policy;
        if (const YAML::Node remote = node["remote_breaker"]) {
            if (Status s = keys(remote, u"remote_breaker"_s,
                                {u"kind"_s, u"url"_s, u"events_url"_s, u"method"_s, u"body"_s, u"authorization"_s,
                                 u"basic_auth"_s, u"tls_config"_s});
                !s)
                return Error{s.error()};
            RemoteBreakerBinding binding;
            if (remote["kind"])
                binding.kind = scalar(remote["kind"]);
            if (binding.kind != u"resilience4j" && binding.kind != u"request")
                return at(remote["kind"], u"remote_breaker.kind must be resilience4j or request"_s);
            if (!remote["url"])
                return at(remote, u"remote_breaker needs a url"_s);
            binding.url = QUrl(scalar(remote["url"]));
            if (!binding.url.isValid() || binding.url.host().isEmpty())
                return at(remote["url"], u"remote_breaker.url must be an absolute URL"_s);
            if (remote["events_url"])
                binding.eventsUrl = QUrl(scalar(remote["events_url"]));
            if (remote["method"])
                binding.method = scalar(remote["method"]).toUpper();
            if (remote["body"])
                binding.bodyTemplate = scalar(remote["body"]).toUtf8();
            auto authConfig = auth(remote);
            if (!authConfig)
                return Error{authConfig.error()};
            binding.auth = *authConfig;
            auto tlsConfig = tls(remote, owner + u" remote_breaker"_s, warnings);
            if (!tlsConfig)
                return Error{tlsConfig.error()};
            binding.tls = *tlsConfig;
            service.remote = binding;
        }
        return service;
    }

    const QString &source() const { return m_source; }

private:
    QString m_source;
    QString m_baseDir;
};

// Services from Prometheus' scrape_configs: one per target, named job/target, scraping /metrics.
Status importScrapeConfigs(const Reader &reader, const YAML::Node &list, const QString &baseDir,
                           const PresetCatalog &catalog, const Config *previous, Config &config)
{
    if (!list.IsSequence())
        return reader.at(list, u"scrape_configs must be a list"_s);
    for (const YAML::Node &job : list) {
        if (Status s =
                reader.keys(job, u"a scrape config"_s,
                            {u"job_name"_s, u"metrics_path"_s, u"scheme"_s, u"static_configs"_s, u"file_sd_configs"_s,
                             u"scrape_interval"_s, u"scrape_timeout"_s, u"breaker"_s, u"breakers"_s, u"alert_rules"_s});
            !s)
            return s;
        if (!job["job_name"])
            return reader.at(job, u"a scrape config needs job_name"_s);
        const QString jobName = Reader::scalar(job["job_name"]);
        const QString path = job["metrics_path"] ? Reader::scalar(job["metrics_path"]) : u"/metrics"_s;
        const QString scheme = job["scheme"] ? Reader::scalar(job["scheme"]) : u"http"_s;
        std::int64_t intervalMs = 0;
        if (job["scrape_interval"]) {
            auto v = reader.duration(job["scrape_interval"], u"scrape_interval"_s);
            if (!v)
                return Error{v.error()};
            intervalMs = *v;
        }
        QString preset = u"resilience4j"_s;
        if (job["breaker"] && job["breaker"]["preset"])
            preset = Reader::scalar(job["breaker"]["preset"]);
        auto policy = catalog.build(preset);
        if (!policy)
            return reader.at(job, policy.error());
        BreakerFilter filter;
        if (job["breakers"]) {
            auto read = reader.breakerFilter(job["breakers"]);
            if (!read)
                return Error{read.error()};
            filter = *read;
        }

        AlertRuleOverrides rules;
        if (const YAML::Node node = job["alert_rules"]) {
            auto read = reader.alertRules(node, u"job %1 alert_rules"_s.arg(jobName));
            if (!read)
                return Error{read.error()};
            rules = *read;
            if (Status s = reader.checkRules(rules.applyTo(config.alertRules), node, u"job %1"_s.arg(jobName)); !s)
                return s;
        }

        // Target groups: (targets, labels, origin file or "")
        struct Group
        {
            QStringList targets;
            QMap<QString, QString> labels;
        };
        std::vector<Group> groups;
        // sdFile: the file_sd file the groups come from (tagged so a later broken reload can keep them).
        auto readGroups = [&](const YAML::Node &node, const QString &origin, const QString &sdFile) -> Status {
            if (!node.IsSequence())
                return Error{u"%1: expected a list of {targets: [...], labels: {...}}"_s.arg(origin)};
            std::vector<Group> parsed; // all or nothing: a half-read file adds no targets
            for (const YAML::Node &group : node) {
                if (!group.IsMap() || !group["targets"] || !group["targets"].IsSequence())
                    return Error{u"%1: every entry needs a targets list"_s.arg(origin)};
                Group g;
                for (const YAML::Node &target : group["targets"])
                    g.targets << Reader::scalar(target);
                if (group["labels"]) {
                    auto labels = reader.stringMap(group["labels"], u"labels"_s);
                    if (!labels)
                        return Error{labels.error()};
                    g.labels = *labels;
                }
                if (!sdFile.isEmpty())
                    g.labels.insert(u"__file_sd"_s, sdFile);
                parsed.push_back(g);
            }
            groups.insert(groups.end(), parsed.begin(), parsed.end());
            return success();
        };
        if (job["static_configs"]) {
            if (Status s = readGroups(job["static_configs"], reader.source(), {}); !s)
                return reader.at(job["static_configs"], s.error());
        }
        if (const YAML::Node sd = job["file_sd_configs"]) {
            for (const YAML::Node &entry : sd) {
                for (const YAML::Node &file : entry["files"]) {
                    const QString pattern = Reader::scalar(file);
                    const QFileInfo info(QDir::isAbsolutePath(pattern) ? pattern : QDir(baseDir).filePath(pattern));
                    const QStringList matches =
                        QDir(info.absolutePath()).entryList({info.fileName()}, QDir::Files, QDir::Name);
                    config.watchPaths << info.absolutePath(); // a new file matching the pattern counts too
                    for (const QString &name : matches) {
                        const QString sdPath = QDir(info.absolutePath()).filePath(name);
                        config.watchPaths << sdPath;
                        Status status = success();
                        try {
                            const YAML::Node groupsNode = YAML::LoadFile(sdPath.toStdString());
                            status = readGroups(groupsNode, sdPath, sdPath);
                        } catch (const YAML::Exception &e) {
                            status = Error{u"%1:%2:%3: %4"_s.arg(sdPath)
                                               .arg(e.mark.line + 1)
                                               .arg(e.mark.column + 1)
                                               .arg(QString::fromStdString(e.msg))};
                        }
                        if (!status) {
                            // A broken target file keeps what it gave last time, as Prometheus does.
                            config.warnings << u"%1 (keeping the previous targets)"_s.arg(status.error());
                            if (previous) {
                                for (const ServiceConfig &old : previous->services) {
                                    if (old.labels.value(u"__file_sd"_s) == sdPath)
                                        config.services.push_back(old);
                                }
                            }
                        }
                    }
                }
            }
        }
        for (const Group &group : groups) {
            for (const QString &target : group.targets) {
                ServiceConfig service;
                service.name = jobName; // as Prometheus names them: job -> service, target -> instance
                service.instance = target;
                service.breakers = filter;
                service.labels = group.labels;
                service.labels.insert(u"job"_s, jobName);
                service.labels.insert(u"instance"_s, target);
                MetricsSource metrics;
                metrics.http.url = QUrl(scheme + u"://"_s + target + path);
                metrics.http.intervalMs = intervalMs;
                if (!metrics.http.url.isValid() || metrics.http.url.host().isEmpty())
                    return reader.at(job, u"target \"%1\" of job %2 is not host:port"_s.arg(target, jobName));
                service.metrics = metrics;
                service.preset = preset;
                service.policy = *policy;
                service.alertRules = rules;
                config.services.push_back(service);
            }
        }
    }
    return success();
}

// Prometheus' `alerting:` block: where alerts are pushed. Only what Breakerwatch uses is allowed; anything else
// is an error rather than silently ignored.
Status importAlerting(const Reader &reader, const YAML::Node &alerting, Config &config)
{
    if (Status s = reader.keys(alerting, u"alerting"_s, {u"alertmanagers"_s, u"rules"_s}); !s)
        return s;
    const YAML::Node list = alerting["alertmanagers"];
    if (!list)
        return success();
    if (!list.IsSequence())
        return reader.at(list, u"alerting.alertmanagers must be a list"_s);
    for (const YAML::Node &entry : list) {
        const QString where = u"an alertmanagers entry"_s;
        if (Status s = reader.keys(entry, where,
                                   {u"static_configs"_s, u"scheme"_s, u"path_prefix"_s, u"timeout"_s, u"api_version"_s,
                                    u"basic_auth"_s, u"authorization"_s, u"tls_config"_s});
            !s)
            return s;
        AlertmanagerConfig am;
        if (const YAML::Node scheme = entry["scheme"]) {
            auto v = reader.string(scheme, u"scheme"_s);
            if (!v)
                return Error{v.error()};
            if (*v != u"http" && *v != u"https")
                return reader.at(scheme, u"scheme must be http or https"_s);
            am.scheme = *v;
        }
        if (const YAML::Node prefix = entry["path_prefix"]) {
            auto v = reader.string(prefix, u"path_prefix"_s);
            if (!v)
                return Error{v.error()};
            QString path = v->trimmed();
            while (path.endsWith(u'/'))
                path.chop(1);
            if (!path.isEmpty() && !path.startsWith(u'/'))
                path.prepend(u'/');
            if (path.contains(u'?') || path.contains(u'#') || path.contains(u' '))
                return reader.at(prefix, u"path_prefix \"%1\" must be a plain URL path"_s.arg(*v));
            am.pathPrefix = path;
        }
        if (const YAML::Node timeout = entry["timeout"]) {
            auto v = reader.duration(timeout, u"timeout"_s);
            if (!v)
                return Error{v.error()};
            if (*v <= 0)
                return reader.at(timeout, u"timeout must be positive"_s);
            am.timeoutMs = *v;
        }
        if (const YAML::Node version = entry["api_version"]) {
            if (!version.IsScalar() || Reader::scalar(version) != u"v2")
                return reader.at(version, u"api_version must be v2 (Alertmanager's v1 API is gone)"_s);
        }
        auto authConfig = reader.auth(entry);
        if (!authConfig)
            return Error{authConfig.error()};
        am.auth = *authConfig;
        auto tlsConfig = reader.tls(entry, u"alertmanager"_s, config.warnings);
        if (!tlsConfig)
            return Error{tlsConfig.error()};
        am.tls = *tlsConfig;
        const YAML::Node groups = entry["static_configs"];
        if (!groups)
            return reader.at(entry, u"an alertmanagers entry needs static_configs: [{targets: [host:port]}]"_s);
        if (!groups.IsSequence())
            return reader.at(groups, u"static_configs must be a list of {targets: [...]}"_s);
        for (const YAML::Node &group : groups) {
            if (Status s = reader.keys(group, u"a static config"_s, {u"targets"_s}); !s)
                return s;
            const YAML::Node targets = group["targets"];
            if (!targets || !targets.IsSequence())
                return reader.at(group, u"a static config needs a targets list"_s);
            for (const YAML::Node &target : targets) {
                auto t = reader.string(target, u"a target"_s);
                if (!t)
                    return Error{t.error()};
                const QUrl url(am.scheme + u"://"_s + *t, QUrl::StrictMode);
                if (t->isEmpty() || !url.isValid() || url.host().isEmpty() || !url.path().isEmpty() ||
                    !url.userInfo().isEmpty() || url.hasQuery() || url.hasFragment())
                    return reader.at(target, u"Alertmanager target \"%1\" must be host:port"_s.arg(*t));
                am.targets << *t;
            }
        }
        if (am.targets.isEmpty())
            return reader.at(groups, u"an alertmanagers entry needs at least one target"_s);
        config.alertmanagers.push_back(am);
    }
    return success();
}

} // namespace

Result<Config> ConfigLoader::loadFile(const QString &path, const Config *previous) const
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error{u"%1: cannot open: %2"_s.arg(path, file.errorString())};
    Result<Config> config = loadText(file.readAll(), path, QFileInfo(path).absolutePath(), previous);
    if (config)
        config->watchPaths.prepend(QFileInfo(path).absoluteFilePath());
    return config;
}

Result<Config> ConfigLoader::loadText(const QByteArray &text, const QString &sourceName, const QString &baseDir,
                                      const Config *previous) const
{
    const Reader reader(sourceName, baseDir);
    YAML::Node root;
    try {
        root = YAML::Load(text.toStdString());
    } catch (const YAML::Exception &e) {
        return Error{u"%1:%2:%3: %4"_s.arg(sourceName)
                         .arg(e.mark.line + 1)
                         .arg(e.mark.column + 1)
                         .arg(QString::fromStdString(e.msg))};
    }
    Config config;
    config.sourceFile = sourceName;
    if (root.IsNull())
        return Error{u"%1: the configuration is empty; it needs at least one service"_s.arg(sourceName)};
    try {
        if (Status s = reader.keys(root, u"the configuration"_s,
                                   {u"global"_s, u"services"_s, u"prometheus"_s, u"scrape_configs"_s, u"alerting"_s});
            !s)
            return Error{s.error()};
        if (const YAML::Node global = root["global"]) {
            if (Status s = reader.keys(global, u"global"_s,
                                       {u"interval"_s, u"timeout"_s, u"body_size_limit"_s, u"slow_threshold"_s,
                                        u"max_in_flight"_s, u"stale_breakers_leave_after"_s});
                !s)
                return Error{s.error()};
            if (global["interval"]) {
                auto v = reader.duration(global["interval"], u"global.interval"_s);
                if (!v)
                    return Error{v.error()};
                config.global.intervalMs = *v;
            }
            if (global["timeout"]) {
                auto v = reader.duration(global["timeout"], u"global.timeout"_s);
                if (!v)
                    return Error{v.error()};
                config.global.timeoutMs = *v;
            }
            if (global["stale_breakers_leave_after"]) {
                auto v = reader.duration(global["stale_breakers_leave_after"], u"global.stale_breakers_leave_after"_s);
                if (!v)
                    return Error{v.error()};
                config.global.staleBreakerRetentionMs = *v;
            }
            if (global["slow_threshold"]) {
                auto v = reader.duration(global["slow_threshold"], u"global.slow_threshold"_s);
                if (!v)
                    return Error{v.error()};
                config.global.slowMs = *v;
            }
            if (global["body_size_limit"]) {
                auto v = parseByteSize(Reader::scalar(global["body_size_limit"]));
                if (!v)
                    return reader.at(global["body_size_limit"], v.error());
                config.global.bodySizeLimit = *v;
            }
            if (global["max_in_flight"]) {
                bool ok = false;
                config.global.maxInFlight = Reader::scalar(global["max_in_flight"]).toInt(&ok);
                if (!ok || config.global.maxInFlight < 1)
                    return reader.at(global["max_in_flight"], u"max_in_flight must be a positive integer"_s);
            }
            if (config.global.intervalMs <= 0)
                return reader.at(global, u"global.interval must be positive"_s);
            // As Prometheus does: an unset timeout never exceeds the interval.
            if (!global["timeout"])
                config.global.timeoutMs = std::min(config.global.timeoutMs, config.global.intervalMs);
            if (config.global.timeoutMs > config.global.intervalMs)
                return reader.at(global, u"global.timeout (%1 ms) must not exceed global.interval (%2 ms)"_s
                                             .arg(config.global.timeoutMs)
                                             .arg(config.global.intervalMs));
        }
        // The global alert rules first: services and jobs override them, and are checked with them.
        if (const YAML::Node alerting = root["alerting"]; alerting && alerting.IsMap()) {
            if (const YAML::Node rules = alerting["rules"]) {
                auto read = reader.alertRules(rules, u"alerting.rules"_s);
                if (!read)
                    return Error{read.error()};
                config.alertRules = read->applyTo(config.alertRules);
                if (Status s = reader.checkRules(config.alertRules, rules, u"alerting.rules"_s); !s)
                    return Error{s.error()};
            }
        }
        if (const YAML::Node services = root["services"]) {
            if (!services.IsSequence())
                return reader.at(services, u"services must be a list"_s);
            QSet<QString> names; // name and instance: several entries of one name are its instances
            for (const YAML::Node &node : services) {
                auto service = reader.service(node, m_catalog, config.warnings);
                if (!service)
                    return Error{service.error()};
                if (Status s = reader.checkRules(config.alertRulesFor(*service),
                                                 node["alert_rules"] ? node["alert_rules"] : node,
                                                 u"service %1 alert_rules"_s.arg(service->name));
                    !s)
                    return Error{s.error()};
                const QString key = service->name + u'@' + service->instanceName();
                if (names.contains(key))
                    return reader.at(node, u"duplicate service \"%1\" (instance %2): give each instance its own "
                                           u"instance: or URL"_s.arg(service->name, service->instanceName()));
                names.insert(key);
                config.services.push_back(*service);
            }
        }
        if (const YAML::Node scrape = root["scrape_configs"]) {
            if (Status s = importScrapeConfigs(reader, scrape, baseDir, m_catalog, previous, config); !s)
                return Error{s.error()};
        }
        if (const YAML::Node alerting = root["alerting"]) {
            if (Status s = importAlerting(reader, alerting, config); !s)
                return Error{s.error()};
        }
        if (const YAML::Node prometheus = root["prometheus"]) {
            if (Status s = reader.keys(
                    prometheus, u"prometheus"_s,
                    {u"url"_s, u"timeout"_s, u"authorization"_s, u"basic_auth"_s, u"tls_config"_s, u"breakers"_s});
                !s)
                return Error{s.error()};
            PrometheusServerConfig server;
            if (!prometheus["url"])
                return reader.at(prometheus, u"prometheus needs a url"_s);
            server.url = QUrl(Reader::scalar(prometheus["url"]));
            if (!server.url.isValid() || server.url.host().isEmpty())
                return reader.at(prometheus["url"], u"prometheus.url must be an absolute URL"_s);
            if (prometheus["timeout"]) {
                auto v = reader.duration(prometheus["timeout"], u"prometheus.timeout"_s);
                if (!v)
                    return Error{v.error()};
                server.timeoutMs = *v;
            }
            auto authConfig = reader.auth(prometheus);
            if (!authConfig)
                return Error{authConfig.error()};
            server.auth = *authConfig;
            auto tlsConfig = reader.tls(prometheus, u"prometheus"_s, config.warnings);
            if (!tlsConfig)
                return Error{tlsConfig.error()};
            server.tls = *tlsConfig;
            if (const YAML::Node breakers = prometheus["breakers"]) {
                auto read = reader.prometheusBreakers(breakers, m_catalog);
                if (!read)
                    return Error{read.error()};
                server.breakers = *read;
            }
            config.prometheus = server;
        }
    } catch (const YAML::Exception &e) {
        return Error{u"%1:%2:%3: %4"_s.arg(sourceName)
                         .arg(e.mark.line + 1)
                         .arg(e.mark.column + 1)
                         .arg(QString::fromStdString(e.msg))};
    }
    // One instance once: a target listed twice (static and file_sd, or a services: entry and a job) is watched
    // once, as Prometheus dedupes identical targets; the first one wins.
    QSet<QString> instances;
    std::erase_if(config.services, [&](const ServiceConfig &service) {
        const QString key = service.name + u'@' + service.instanceName();
        if (!instances.contains(key)) {
            instances.insert(key);
            return false;
        }
        config.warnings << u"%1: instance %2 of %3 is listed twice; watched once"_s.arg(
            sourceName, service.instanceName(), service.name);
        return true;
    });
    // A Prometheus server that is a source of breakers is a fleet on its own.
    if (config.services.empty() && !(config.prometheus && config.prometheus->breakers))
        return Error{u"%1: no services: add a services list, scrape_configs or prometheus.breakers"_s.arg(sourceName)};
    for (const QString &warning : std::as_const(config.warnings))
        qCWarning(lcConfig).noquote() << warning;
    return config;
}

} // namespace bw
