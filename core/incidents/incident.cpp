#include "incidents/incident.h"

#include <QCoreApplication>
#include <QSet>
#include <QStringList>
#include <QUrl>

#include "fleet/rollup.h"

#include <algorithm>
#include <map>

using namespace Qt::StringLiterals;

namespace bw {

namespace {

// Words that say what kind of thing the breaker is, not what it guards.
bool genericWord(const QString &word)
{
    static const QStringList generic{u"client"_s,  u"service"_s, u"svc"_s,  u"api"_s,   u"breaker"_s,
                                     u"circuit"_s, u"cb"_s,      u"http"_s, u"https"_s, u"internal"_s,
                                     u"v1"_s,      u"v2"_s,      u"call"_s, u"calls"_s};
    return generic.contains(word);
}

// "paymentsGateway-Client" -> {"payments", "gateway", "client"}.
QStringList words(QStringView text)
{
    QStringList result;
    QString current;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (!c.isLetterOrNumber()) {
            if (!current.isEmpty())
                result << current;
            current.clear();
            continue;
        }
        // camelCase and acronyms: "paymentGateway", "HTTPInventory" -> a word starts at an upper-case letter after a
        // lower-case one, or at the last capital of a run that a lower-case letter follows.
        const bool wordStarts =
            c.isUpper() && !current.isEmpty() &&
            (text[i - 1].isLower() || (text[i - 1].isUpper() && i + 1 < text.size() && text[i + 1].isLower()));
        if (wordStarts) {
            result << current;
            current.clear();
        }
        current += c.toLower();
    }
    if (!current.isEmpty())
        result << current;
    return result;
}

// "payments" and "payment" name one thing.
QString singular(const QString &word)
{
    if (word.size() > 3 && word.endsWith(u's') && !word.endsWith(u"ss"))
        return word.chopped(1);
    return word;
}

} // namespace

std::optional<Downstream> downstreamOf(const BreakerId &id)
{
    if (id.isHealth())
        return std::nullopt;
    QString display = id.breaker;
    QStringView named = id.breaker;
    const QUrl url(id.breaker);
    if (url.isValid() && !url.host().isEmpty()) {
        // A status page keyed by URL: the host's first label names the downstream.
        display = url.host().section(u'.', 0, 0);
        named = display;
    }
    QStringList normalised;
    for (const QString &word : words(named))
        if (!genericWord(word))
            normalised << singular(word);
    if (normalised.isEmpty())
        return std::nullopt;
    return Downstream{normalised.join(u' '), display};
}

bool Incident::contains(const BreakerId &id) const
{
    return std::any_of(members.begin(), members.end(), [&id](const IncidentMember &m) { return m.id == id; });
}

QString Incident::title() const
{
    const auto tr = [](const char *text) { return QCoreApplication::translate("bw::Incident", text); };
    const std::int64_t spanSeconds = std::max<std::int64_t>(1, (lastOpenMs() - firstOpenMs() + 999) / 1000);
    return tr("%1: %2 breakers in %3 services opened within %4 s")
        .arg(downstream.display)
        .arg(members.size())
        .arg(services)
        .arg(spanSeconds);
}

std::vector<Incident> findIncidents(std::vector<IncidentMember> opened, const IncidentRule &rule)
{
    // By downstream, then by open time; ties by id, so the result does not depend on the input's order.
    std::map<QString, std::pair<QStringList, std::vector<IncidentMember>>> byDownstream;
    for (IncidentMember &member : opened) {
        const std::optional<Downstream> downstream = downstreamOf(member.id);
        if (!downstream)
            continue;
        auto &[spellings, members] = byDownstream[downstream->key];
        spellings << downstream->display;
        members.push_back(std::move(member));
    }
    std::vector<Incident> incidents;
    for (auto &[key, entry] : byDownstream) {
        auto &[spellings, members] = entry;
        std::sort(members.begin(), members.end(), [](const IncidentMember &a, const IncidentMember &b) {
            return a.openedAtMs != b.openedAtMs ? a.openedAtMs < b.openedAtMs : a.id < b.id;
        });
        // How hosts and people spell it (a URL's host, opossum's "payments-gateway") before a camelCase
        // identifier; among those, the most common.
        std::map<QString, int> counts;
        for (const QString &spelling : spellings)
            ++counts[spelling];
        const auto spokenForm = [](const QString &spelling) { return spelling == spelling.toLower(); };
        QString display;
        std::pair<bool, int> best{false, 0};
        for (const auto &[spelling, count] : counts)
            if (std::pair(spokenForm(spelling), count) > best) {
                display = spelling;
                best = {spokenForm(spelling), count};
            }
        // Clusters: each starts at the earliest open not yet taken and holds the opens within the window.
        for (std::size_t first = 0; first < members.size();) {
            std::size_t end = first;
            while (end < members.size() && members[end].openedAtMs - members[first].openedAtMs <= rule.windowMs)
                ++end;
            QSet<QString> services;
            for (std::size_t i = first; i < end; ++i)
                services.insert(members[i].id.service);
            if (services.size() >= rule.minServices) {
                Incident incident;
                incident.downstream = {key, display};
                incident.members.assign(members.begin() + static_cast<std::ptrdiff_t>(first),
                                        members.begin() + static_cast<std::ptrdiff_t>(end));
                incident.services = static_cast<int>(services.size());
                incident.key = key + u'@' + QString::number(incident.firstOpenMs());
                incidents.push_back(std::move(incident));
            }
            first = end;
        }
    }
    std::stable_sort(incidents.begin(), incidents.end(),
                     [](const Incident &a, const Incident &b) { return a.members.size() > b.members.size(); });
    return incidents;
}

std::vector<Incident> findIncidents(const std::vector<BreakerStatus> &statuses, const IncidentRule &rule)
{
    std::vector<IncidentMember> opened;
    for (const BreakerStatus &status : statuses)
        if (std::optional<IncidentMember> member = incidentMemberOf(status))
            opened.push_back(std::move(*member));
    return findIncidents(std::move(opened), rule);
}

std::optional<IncidentMember> incidentMemberOf(const BreakerStatus &status)
{
    const BreakerState state = worstState(status);
    if (status.stale || !(rejectsAll(state) || state == BreakerState::HalfOpen))
        return std::nullopt;
    const std::optional<std::int64_t> since = notClosedSince(status);
    return since ? std::optional(IncidentMember{status.id, *since}) : std::nullopt;
}

} // namespace bw
