#pragma once

#include <QHashFunctions>
#include <QMetaType>
#include <QString>

#include <compare>

namespace bw {

// Names one breaker of one instance of a service: the unit the monitor, the history, alerts, exports and views
// key by. A value type, stable across reloads and restarts (rows in views are derived from it, never the reverse).
// - service: the job (scrape_configs) or the `services:` entry's name;
// - instance: the target, as Prometheus names it (host:port); a plain `services:` entry is one instance named by
//   its first URL's host:port;
// - breaker: the breaker's own name as its library reports it; empty for the instance's health breaker, the one
//   Breakerwatch simulates from health polls and request counters.
struct BreakerId
{
    QString service;
    QString instance;
    QString breaker;

    bool isHealth() const { return breaker.isEmpty(); }
    // The same breaker on another instance of the service: (service, breaker) is what an operator names.
    bool sameBreaker(const BreakerId &other) const { return service == other.service && breaker == other.breaker; }
    BreakerId withInstance(const QString &other) const { return {service, other, breaker}; }

    // "checkout/paymentGateway@10.0.0.7:8080"; the health breaker "checkout@10.0.0.7:8080". One line for people
    // and the key the history store files a breaker under (parse() reads it back).
    QString key() const;
    static BreakerId parse(QStringView key);
    // "paymentGateway" or "health": the breaker part alone, for labels and columns.
    QString breakerLabel() const;

    bool operator==(const BreakerId &) const = default;
    std::strong_ordering operator<=>(const BreakerId &other) const;
};

inline size_t qHash(const BreakerId &id, size_t seed = 0)
{
    return qHashMulti(seed, id.service, id.instance, id.breaker);
}

} // namespace bw

Q_DECLARE_METATYPE(bw::BreakerId)
