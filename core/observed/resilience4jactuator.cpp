#include "observed/resilience4jactuator.h"

#include "observed/jsonfields.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace bw {

namespace {

Result<BreakerState> breakerState(const QJsonObject &object, QStringView key)
{
    const auto text = jsonfields::string(object, key);
    if (!text)
        return Error{text.error()};
    const auto state = stateFromName(*text);
    if (!state)
        return Error{u"unknown state \"%1\""_s.arg(*text)};
    return *state;
}

} // namespace

Result<ObservedBreakerState> Resilience4jActuator::readBreakerDetails(const QString &name, const QJsonObject &details)
{
    const auto fail = [&name](const QString &message) { return Error{u"breaker \"%1\": %2"_s.arg(name, message)}; };
    ObservedBreakerState breaker;
    breaker.name = name;
    const auto state = breakerState(details, u"state");
    if (!state)
        return fail(state.error());
    breaker.state = *state;
    const auto rate = jsonfields::optionalPercent(details, u"failureRate");
    if (!rate)
        return fail(rate.error());
    breaker.failureRatePercent = *rate;
    const std::pair<QStringView, std::optional<int> *> counts[] = {{u"bufferedCalls", &breaker.bufferedCalls},
                                                                   {u"failedCalls", &breaker.failedCalls},
                                                                   {u"notPermittedCalls", &breaker.notPermittedCalls}};
    for (const auto &[key, target] : counts) {
        const auto count = jsonfields::optionalCount(details, key);
        if (!count)
            return fail(count.error());
        *target = *count;
    }
    for (const QStringView key : {u"failureRateThreshold", u"slowCallRateThreshold"}) {
        const QJsonValue value = details.value(key);
        if (value.isString() || value.isDouble())
            breaker.settings.append(
                {key.toString(), value.isString() ? value.toString() : QString::number(value.toDouble())});
    }
    return breaker;
}

Result<QList<ObservedBreakerState>> Resilience4jActuator::parseCircuitBreakers(QByteArrayView body)
{
    const auto root = jsonfields::parseObject(body);
    if (!root)
        return Error{root.error()};
    const QJsonValue list = root->value(u"circuitBreakers");
    QList<ObservedBreakerState> breakers;
    if (list.isArray()) {
        const QJsonArray names = list.toArray();
        for (qsizetype i = 0; i < names.size(); ++i) {
            if (!names.at(i).isString())
                return Error{
                    u"circuitBreakers[%1] must be a name, not %2"_s.arg(i).arg(jsonfields::typeName(names.at(i)))};
            ObservedBreakerState breaker;
            breaker.name = names.at(i).toString();
            breaker.stateKnown = false;
            breakers.append(breaker);
        }
        return breakers;
    }
    if (!list.isObject())
        return Error{list.isUndefined() ? u"missing \"circuitBreakers\""_s
                                        : u"\"circuitBreakers\" must be an object or an array, not %1"_s.arg(
                                              jsonfields::typeName(list))};
    const QJsonObject entries = list.toObject();
    for (auto it = entries.begin(); it != entries.end(); ++it) {
        if (!it.value().isObject())
            return Error{
                u"breaker \"%1\": expected an object, not %2"_s.arg(it.key(), jsonfields::typeName(it.value()))};
        auto breaker = readBreakerDetails(it.key(), it.value().toObject());
        if (!breaker)
            return Error{breaker.error()};
        breakers.append(std::move(*breaker));
    }
    return breakers;
}

Result<Resilience4jStateChange> Resilience4jActuator::parseStateChange(QByteArrayView body)
{
    const auto root = jsonfields::parseObject(body);
    if (!root)
        return Error{root.error()};
    Resilience4jStateChange change;
    const auto name = jsonfields::string(*root, u"circuitBreakerName");
    if (!name)
        return Error{name.error()};
    change.breakerName = *name;
    const auto state = breakerState(*root, u"currentState");
    if (!state)
        return Error{state.error()};
    change.currentState = *state;
    const QJsonValue message = root->value(u"message");
    if (!message.isUndefined() && !message.isNull() && !message.isString())
        return Error{u"\"message\" must be a string, not %1"_s.arg(jsonfields::typeName(message))};
    change.message = message.toString();
    return change;
}

QByteArray Resilience4jActuator::stateChangeBody(Resilience4jUpdate update)
{
    switch (update) {
    case Resilience4jUpdate::Close:
        return QByteArrayLiteral(R"({"updateState":"CLOSE"})");
    case Resilience4jUpdate::ForceOpen:
        return QByteArrayLiteral(R"({"updateState":"FORCE_OPEN"})");
    case Resilience4jUpdate::Disable:
        return QByteArrayLiteral(R"({"updateState":"DISABLE"})");
    }
    return {};
}

} // namespace bw
