#include "health/healthreader.h"

#include "observed/jsonfields.h"
#include "observed/resilience4jactuator.h"

#include <QJsonArray>
#include <QStringList>

using namespace Qt::StringLiterals;

namespace bw {

namespace {

constexpr int kMaxComponentDepth = 8; // Spring nests components; deeper levels are summarised by their parent

using Status = HealthStatus;

bool isHttpFailure(int httpStatus)
{
    return httpStatus >= 400;
}

QString joined(const QStringList &parts)
{
    return parts.join(u", "_s);
}

// ---- Spring Boot Actuator -------------------------------------------------------------------------------

Status springStatus(QStringView code)
{
    if (code.compare(u"UP", Qt::CaseInsensitive) == 0)
        return Status::Up;
    if (code.compare(u"DOWN", Qt::CaseInsensitive) == 0 || code.compare(u"OUT_OF_SERVICE", Qt::CaseInsensitive) == 0)
        return Status::Down;
    return Status::Unknown; // UNKNOWN, and custom codes such as Resilience4j's CIRCUIT_OPEN
}

Result<QJsonObject> optionalObject(const QJsonObject &parent, QStringView key)
{
    const QJsonValue value = parent.value(key);
    if (value.isUndefined() || value.isNull())
        return QJsonObject();
    if (!value.isObject())
        return Error{u"\"%1\" must be an object, not %2"_s.arg(key, jsonfields::typeName(value))};
    return value.toObject();
}

// Spring Boot 2.2+ nests under "components"; 2.0 and 2.1 used "details".
Result<QJsonObject> springComponents(const QJsonObject &root)
{
    if (root.contains(u"components"))
        return optionalObject(root, u"components");
    const QJsonValue details = root.value(u"details");
    if (details.isObject()) {
        const QJsonObject object = details.toObject();
        // Only when it looks like components (objects with a status), not a leaf's own details.
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (!it.value().isObject() || !it.value().toObject().value(u"status").isString())
                return QJsonObject();
        }
        return object;
    }
    return QJsonObject();
}

Status collectComponents(const QJsonObject &components, const QString &prefix, int depth, QList<ComponentHealth> &out,
                         QStringList &notUp, QString &error, QStringView skip = {})
{
    Status worst = Status::Up;
    for (auto it = components.begin(); it != components.end() && error.isEmpty(); ++it) {
        if (depth == 0 && !skip.isEmpty() && it.key() == skip)
            continue;
        const QString name = prefix + it.key();
        if (!it.value().isObject()) {
            error = u"component \"%1\": expected an object, not %2"_s.arg(name, jsonfields::typeName(it.value()));
            break;
        }
        const QJsonObject component = it.value().toObject();
        const auto code = jsonfields::string(component, u"status");
        if (!code) {
            error = u"component \"%1\": %2"_s.arg(name, code.error());
            break;
        }
        const Status status = springStatus(*code);
        if (status == Status::Down)
            worst = Status::Down;
        const QJsonValue nested = component.value(u"components");
        if (nested.isObject() && depth + 1 < kMaxComponentDepth && !nested.toObject().isEmpty()) {
            const Status inner =
                collectComponents(nested.toObject(), name + u'.', depth + 1, out, notUp, error, QStringView());
            if (inner == Status::Down)
                worst = Status::Down;
            // A composite that is not UP but whose parts all are still needs naming.
            if (status != Status::Up && inner == Status::Up)
                notUp.append(u"%1 %2"_s.arg(name, *code));
            continue;
        }
        if (!nested.isUndefined() && !nested.isNull() && !nested.isObject()) {
            error =
                u"component \"%1\": \"components\" must be an object, not %2"_s.arg(name, jsonfields::typeName(nested));
            break;
        }
        out.append({name, status, *code});
        if (status != Status::Up)
            notUp.append(u"%1 %2"_s.arg(name, *code));
    }
    return worst;
}

// Where the Resilience4j health indicator puts its breakers: components.circuitBreakers (details.circuitBreakers
// before Spring Boot 2.2), or the root itself for /actuator/health/circuitBreakers.
std::optional<QJsonObject> resilience4jSection(const QJsonObject &root)
{
    for (const QStringView container : {u"components", u"details"}) {
        const QJsonValue section = root.value(container).toObject().value(u"circuitBreakers");
        if (section.isObject())
            return section.toObject();
    }
    const QJsonObject details = root.value(u"details").toObject();
    if (details.isEmpty())
        return std::nullopt;
    for (auto it = details.begin(); it != details.end(); ++it) {
        const QJsonObject entry = it.value().toObject();
        if (!entry.value(u"details").toObject().contains(u"state"))
            return std::nullopt;
    }
    return root;
}

Result<QList<ObservedBreakerState>> resilience4jBreakers(const QJsonObject &section)
{
    QJsonValue entries = section.value(u"details");
    if (entries.isUndefined())
        entries = section.value(u"components");
    if (!entries.isObject())
        return Error{u"circuitBreakers: \"details\" must be an object, not %1"_s.arg(jsonfields::typeName(entries))};
    QList<ObservedBreakerState> breakers;
    const QJsonObject map = entries.toObject();
    for (auto it = map.begin(); it != map.end(); ++it) {
        if (!it.value().isObject())
            return Error{
                u"breaker \"%1\": expected an object, not %2"_s.arg(it.key(), jsonfields::typeName(it.value()))};
        const QJsonObject entry = it.value().toObject();
        // Read state from the breaker's details; the entry's own status (CIRCUIT_OPEN, UNKNOWN) is not the state.
        QJsonObject details = entry;
        if (!entry.contains(u"state")) {
            const QJsonValue inner = entry.value(u"details");
            if (!inner.isObject())
                return Error{inner.isUndefined() ? u"breaker \"%1\": missing \"details\""_s.arg(it.key())
                                                 : u"breaker \"%1\": \"details\" must be an object, not %2"_s.arg(
                                                       it.key(), jsonfields::typeName(inner))};
            details = inner.toObject();
        }
        auto breaker = Resilience4jActuator::readBreakerDetails(it.key(), details);
        if (!breaker)
            return Error{breaker.error()};
        breakers.append(std::move(*breaker));
    }
    return breakers;
}

Result<HealthVerdict> readSpring(const QJsonObject &root)
{
    const auto code = jsonfields::string(root, u"status");
    if (!code)
        return Error{code.error()};
    HealthVerdict verdict;
    verdict.status = springStatus(*code);
    const auto components = springComponents(root);
    if (!components)
        return Error{components.error()};
    QStringList notUp;
    QString error;
    collectComponents(*components, QString(), 0, verdict.components, notUp, error);
    if (!error.isEmpty())
        return Error{error};
    if (verdict.status != Status::Up && notUp.isEmpty())
        notUp.append(u"status %1"_s.arg(*code));
    verdict.detail = joined(notUp);
    // Breakers are extra information here: the application's own status decides.
    if (const auto section = resilience4jSection(root)) {
        if (auto breakers = resilience4jBreakers(*section)) {
            verdict.breakers = std::move(*breakers);
            verdict.breakersFrom = BreakerSource::HealthIndicator;
        }
    }
    return verdict;
}

Result<HealthVerdict> readResilience4jHealth(const QJsonObject &root)
{
    const auto section = resilience4jSection(root);
    if (!section)
        return Error{u"no Resilience4j health indicator (components.circuitBreakers.details)"_s};
    auto breakers = resilience4jBreakers(*section);
    if (!breakers)
        return Error{breakers.error()};
    HealthVerdict verdict;
    verdict.breakers = std::move(*breakers);
    verdict.breakersFrom = BreakerSource::HealthIndicator;
    QStringList notUp;
    if (*section != root) {
        const auto components = springComponents(root);
        if (!components)
            return Error{components.error()};
        QString error;
        collectComponents(*components, QString(), 0, verdict.components, notUp, error, u"circuitBreakers");
        if (!error.isEmpty())
            return Error{error};
    }
    bool down = false;
    bool halfOpen = false;
    QStringList breakerNotes;
    for (const ObservedBreakerState &breaker : std::as_const(verdict.breakers)) {
        if (rejectsAll(breaker.state))
            down = true;
        halfOpen = halfOpen || breaker.state == BreakerState::HalfOpen;
        if (breaker.state != BreakerState::Closed)
            breakerNotes.append(u"%1 %2"_s.arg(breaker.name, stateName(breaker.state)));
    }
    for (const ComponentHealth &component : std::as_const(verdict.components))
        down = down || component.status == Status::Down;
    verdict.status = down ? Status::Down : halfOpen ? Status::Warn : Status::Up;
    verdict.detail = joined(breakerNotes + notUp);
    return verdict;
}

// ---- IETF health+json -------------------------------------------------------------------------------------

std::optional<Status> ietfStatus(QStringView text)
{
    const QString lower = text.toString().toLower();
    if (lower == u"pass" || lower == u"ok" || lower == u"up")
        return Status::Up;
    if (lower == u"warn")
        return Status::Warn;
    if (lower == u"fail" || lower == u"error" || lower == u"down")
        return Status::Down;
    return std::nullopt;
}

QString renderValue(const QJsonValue &value)
{
    if (value.isDouble())
        return QString::number(value.toDouble());
    if (value.isString())
        return value.toString();
    if (value.isBool())
        return value.toBool() ? u"true"_s : u"false"_s;
    return {};
}

Result<HealthVerdict> readHealthJson(const QJsonObject &root)
{
    const auto code = jsonfields::string(root, u"status");
    if (!code)
        return Error{code.error()};
    const auto status = ietfStatus(*code);
    if (!status)
        return Error{u"unknown status \"%1\" (expected pass, warn or fail)"_s.arg(code->left(40))};
    HealthVerdict verdict;
    verdict.status = *status;
    const auto checks = optionalObject(root, u"checks");
    if (!checks)
        return Error{checks.error()};
    QStringList notPassing;
    for (auto it = checks->begin(); it != checks->end(); ++it) {
        if (!it.value().isArray())
            return Error{u"check \"%1\": expected an array, not %2"_s.arg(it.key(), jsonfields::typeName(it.value()))};
        const QJsonArray entries = it.value().toArray();
        for (qsizetype i = 0; i < entries.size(); ++i) {
            if (!entries.at(i).isObject())
                return Error{u"check \"%1\"[%2]: expected an object, not %3"_s.arg(
                    it.key(), QString::number(i), jsonfields::typeName(entries.at(i)))};
            const QJsonObject entry = entries.at(i).toObject();
            ComponentHealth component;
            component.name = it.key();
            const QJsonValue entryStatus = entry.value(u"status");
            if (entryStatus.isString()) {
                const auto parsed = ietfStatus(entryStatus.toString());
                if (!parsed)
                    return Error{
                        u"check \"%1\": unknown status \"%2\""_s.arg(it.key(), entryStatus.toString().left(40))};
                component.status = *parsed;
            } else if (!entryStatus.isUndefined() && !entryStatus.isNull()) {
                return Error{u"check \"%1\": \"status\" must be a string, not %2"_s.arg(
                    it.key(), jsonfields::typeName(entryStatus))};
            }
            QStringList parts;
            const QString observed = renderValue(entry.value(u"observedValue"));
            if (!observed.isEmpty())
                parts.append(QString(observed + u' ' + renderValue(entry.value(u"observedUnit"))).trimmed());
            const QString output = renderValue(entry.value(u"output"));
            if (!output.isEmpty())
                parts.append(output);
            component.detail = parts.join(u"; "_s);
            if (component.status == Status::Warn || component.status == Status::Down)
                notPassing.append(component.detail.isEmpty()
                                      ? u"%1 %2"_s.arg(it.key(), entryStatus.toString())
                                      : u"%1 %2 (%3)"_s.arg(it.key(), entryStatus.toString(), component.detail));
            verdict.components.append(std::move(component));
        }
    }
    if (verdict.status != Status::Up && notPassing.isEmpty()) {
        const QString output = renderValue(root.value(u"output"));
        notPassing.append(output.isEmpty() ? u"status %1"_s.arg(*code) : output);
    }
    verdict.detail = joined(notPassing);
    return verdict;
}

// ---- The hand-rolled /health/circuit-breakers page ---------------------------------------------------------

Result<HealthVerdict> readCircuitBreakerPage(const QJsonObject &root)
{
    const QJsonValue list = root.value(u"circuit_breakers");
    if (!list.isObject())
        return Error{list.isUndefined()
                         ? u"missing \"circuit_breakers\""_s
                         : u"\"circuit_breakers\" must be an object, not %1"_s.arg(jsonfields::typeName(list))};
    HealthVerdict verdict;
    verdict.status = Status::Up;
    QStringList open;
    const QJsonObject entries = list.toObject();
    for (auto it = entries.begin(); it != entries.end(); ++it) {
        const auto fail = [&it](const QString &message) {
            return Error{u"breaker \"%1\": %2"_s.arg(it.key(), message)};
        };
        if (!it.value().isObject())
            return fail(u"expected an object, not %1"_s.arg(jsonfields::typeName(it.value())));
        const QJsonObject entry = it.value().toObject();
        const auto stateText = jsonfields::string(entry, u"state");
        if (!stateText)
            return fail(stateText.error());
        const auto state = stateFromName(*stateText);
        if (!state)
            return fail(u"unknown state \"%1\""_s.arg(stateText->left(40)));
        const auto failures = jsonfields::optionalCount(entry, u"failure_count");
        if (!failures)
            return fail(failures.error());
        ObservedBreakerState breaker;
        breaker.name = it.key();
        breaker.state = *state;
        breaker.failedCalls = *failures;
        for (const QStringView key : {u"failure_threshold", u"recovery_timeout", u"success_threshold"}) {
            const QJsonValue value = entry.value(key);
            if (value.isDouble() || value.isString())
                breaker.settings.append(
                    {key.toString(), value.isString() ? value.toString() : QString::number(value.toDouble())});
        }
        if (rejectsAll(*state)) {
            verdict.status = Status::Down;
            open.append(u"%1 %2"_s.arg(it.key(), stateName(*state)));
        }
        verdict.breakers.append(std::move(breaker));
        verdict.breakersFrom = BreakerSource::StatusPage;
    }
    verdict.detail = joined(open);
    return verdict;
}

// ---- Kubernetes -------------------------------------------------------------------------------------------

Result<HealthVerdict> readKubernetes(int httpStatus, QByteArrayView body)
{
    HealthVerdict verdict;
    const QString text = QString::fromUtf8(body);
    QStringList failed;
    QString firstLine;
    const auto lines = QStringView(text).split(u'\n');
    for (QStringView line : lines) {
        line = line.trimmed();
        if (firstLine.isEmpty())
            firstLine = line.left(100).toString();
        const bool passed = line.startsWith(u"[+]");
        if (!passed && !line.startsWith(u"[-]"))
            continue; // "ok", "livez check passed", "readyz check failed", ...
        const QStringView rest = line.sliced(3);
        const qsizetype space = rest.indexOf(u' ');
        ComponentHealth check;
        check.name = (space < 0 ? rest : rest.first(space)).toString();
        check.status = passed ? Status::Up : Status::Down;
        check.detail = space < 0 ? QString() : rest.sliced(space + 1).trimmed().toString();
        if (check.name.isEmpty())
            return Error{u"a check line without a name: \"%1\""_s.arg(line.left(60))};
        if (!passed)
            failed.append(u"%1 failed"_s.arg(check.name));
        verdict.components.append(std::move(check));
    }
    const bool httpOk = httpStatus == 0 || (httpStatus >= 200 && httpStatus < 300);
    if (!failed.isEmpty()) {
        verdict.status = Status::Down;
        verdict.detail = joined(failed);
    } else if (!httpOk) {
        verdict.status = Status::Down;
        verdict.detail =
            firstLine.isEmpty() ? u"HTTP %1"_s.arg(httpStatus) : u"HTTP %1: %2"_s.arg(httpStatus).arg(firstLine);
    } else if (text.trimmed().isEmpty()) {
        return Error{u"empty body"_s};
    } else if (text.trimmed().compare(u"ok", Qt::CaseInsensitive) == 0 || !verdict.components.isEmpty()) {
        verdict.status = Status::Up;
    } else {
        return Error{
            u"not a Kubernetes health body (expected \"ok\" or [+]/[-] lines): \"%1\""_s.arg(firstLine.left(60))};
    }
    return verdict;
}

// ---- Plain and Auto ---------------------------------------------------------------------------------------

HealthVerdict readPlain(int httpStatus)
{
    HealthVerdict verdict;
    if (httpStatus == 0) {
        verdict.status = Status::Unknown;
        verdict.detail = u"no HTTP status"_s;
    } else if (httpStatus >= 200 && httpStatus < 300) {
        verdict.status = Status::Up;
    } else {
        verdict.status = Status::Down;
        verdict.detail = u"HTTP %1"_s.arg(httpStatus);
    }
    return verdict;
}

QByteArray mediaType(QByteArrayView contentType)
{
    const qsizetype semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.first(semicolon)).trimmed().toByteArray().toLower();
}

bool looksLikeKubernetes(QByteArrayView body)
{
    const QByteArrayView trimmed = body.trimmed();
    if (trimmed.compare("ok", Qt::CaseInsensitive) == 0)
        return true;
    return trimmed.startsWith("[+]") || trimmed.startsWith("[-]") || body.contains("\n[+]") || body.contains("\n[-]");
}

// A JSON content type decides; otherwise the shape, after ruling out Kubernetes' "[+]" lines.
bool looksLikeJson(QByteArrayView contentType, QByteArrayView body)
{
    if (mediaType(contentType).contains("json"))
        return true;
    const QByteArrayView trimmed = body.trimmed();
    return !trimmed.isEmpty() && (trimmed.front() == '{' || trimmed.front() == '[') && !looksLikeKubernetes(body);
}

std::optional<HealthFormat> detectJsonFormat(const QJsonObject &root)
{
    if (root.contains(u"circuit_breakers"))
        return HealthFormat::CircuitBreakerPage;
    if (root.contains(u"checks"))
        return HealthFormat::HealthJson;
    const QJsonValue status = root.value(u"status");
    if (status.isString()) {
        const QString lower = status.toString().toLower();
        if (lower == u"pass" || lower == u"warn" || lower == u"fail" || lower == u"ok" || lower == u"error")
            return HealthFormat::HealthJson;
        return HealthFormat::Spring;
    }
    if (root.contains(u"components"))
        return HealthFormat::Spring;
    return std::nullopt;
}

HealthVerdict applyHttpStatus(HealthVerdict verdict, int httpStatus)
{
    if (isHttpFailure(httpStatus) && verdict.status != Status::Down) {
        const QString said =
            u"HTTP %1 while the body says %2"_s.arg(QString::number(httpStatus), healthStatusName(verdict.status));
        verdict.detail = verdict.detail.isEmpty() ? said : said + u"; "_s + verdict.detail;
        verdict.status = Status::Down;
    }
    return verdict;
}

Result<HealthVerdict> readJsonFormat(HealthFormat format, int httpStatus, const QJsonObject &root)
{
    Result<HealthVerdict> verdict = Error{};
    switch (format) {
    case HealthFormat::Spring:
        verdict = readSpring(root);
        break;
    case HealthFormat::HealthJson:
        verdict = readHealthJson(root);
        break;
    case HealthFormat::CircuitBreakerPage:
        verdict = readCircuitBreakerPage(root);
        break;
    case HealthFormat::Resilience4jHealth:
        verdict = readResilience4jHealth(root);
        break;
    default:
        return Error{u"not a JSON health format"_s};
    }
    if (!verdict)
        return verdict;
    return applyHttpStatus(std::move(*verdict), httpStatus);
}

} // namespace

HealthFormat detectHealthFormat(QByteArrayView contentType, QByteArrayView body)
{
    if (body.trimmed().isEmpty())
        return HealthFormat::Plain; // only the status code says anything
    if (mediaType(contentType) == "application/health+json")
        return HealthFormat::HealthJson;
    if (looksLikeJson(contentType, body)) {
        const auto root = jsonfields::parseObject(body);
        if (!root)
            return HealthFormat::Spring; // the reader will say what is wrong with it
        return detectJsonFormat(*root).value_or(HealthFormat::Spring);
    }
    if (looksLikeKubernetes(body))
        return HealthFormat::Kubernetes;
    return HealthFormat::Plain;
}

Result<HealthVerdict> readHealth(HealthFormat format, int httpStatus, QByteArrayView contentType, QByteArrayView body)
{
    switch (format) {
    case HealthFormat::Plain:
        return readPlain(httpStatus);
    case HealthFormat::Kubernetes:
        return readKubernetes(httpStatus, body);
    case HealthFormat::Spring:
    case HealthFormat::HealthJson:
    case HealthFormat::CircuitBreakerPage:
    case HealthFormat::Resilience4jHealth: {
        const auto root = jsonfields::parseObject(body);
        if (!root)
            return Error{root.error()};
        return readJsonFormat(format, httpStatus, *root);
    }
    case HealthFormat::Auto:
        break;
    }

    if (body.trimmed().isEmpty())
        return readPlain(httpStatus); // an empty answer: only the status code says anything
    if (mediaType(contentType) == "application/health+json" || looksLikeJson(contentType, body)) {
        const auto root = jsonfields::parseObject(body);
        if (!root)
            return Error{root.error()};
        const auto detected =
            mediaType(contentType) == "application/health+json" ? HealthFormat::HealthJson : detectJsonFormat(*root);
        if (!detected)
            return Error{u"unrecognised JSON health body: no \"status\", \"checks\" or \"circuit_breakers\""_s};
        return readJsonFormat(*detected, httpStatus, *root);
    }
    if (looksLikeKubernetes(body))
        return readKubernetes(httpStatus, body);
    return readPlain(httpStatus);
}

ProbeOutcomeKind healthOutcome(const HealthVerdict &verdict)
{
    return verdict.status == HealthStatus::Down ? ProbeOutcomeKind::BodyMismatch : ProbeOutcomeKind::Success;
}

QString healthReason(const HealthVerdict &verdict)
{
    constexpr qsizetype kMaxLength = 200;
    const QString status = verdict.status == HealthStatus::Down ? u"DOWN"_s : healthStatusName(verdict.status);
    QString reason =
        verdict.detail.isEmpty() ? u"health %1"_s.arg(status) : u"health %1: %2"_s.arg(status, verdict.detail);
    reason = reason.simplified(); // one line
    if (reason.size() > kMaxLength)
        reason = reason.left(kMaxLength - 1) + QChar(0x2026);
    return reason;
}

} // namespace bw
