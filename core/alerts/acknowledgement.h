#pragma once

#include "alerts/alerttracker.h"

#include <QString>

#include <cstdint>
#include <optional>

namespace bw {

// Names an alert independently of its episode: the breaker (BreakerId::key()), its origin and the kind.
struct AlertKey
{
    QString breaker;
    AlertSource source = AlertSource::Simulated;
    AlertKind kind = AlertKind::OpenLong;

    static AlertKey of(const Alert &alert) { return {alert.service, alert.source, alert.kind}; }
    bool operator==(const AlertKey &) const = default;
    auto operator<=>(const AlertKey &) const = default;
};

// "Seen, I'm on it": an operator acknowledged one firing alert episode. The alert stays listed (dimmed, showing who
// and when) until it resolves; the acknowledgement ends with the episode (endedAtMs), so the next episode of the
// same alert is news again. Pure value.
//
// Across a restart alerts fire afresh (new firedAtMs); an acknowledgement restored from the store that had not
// ended (`carried`) covers the first episode of the same alert that fires, then ends with it as usual.
struct Acknowledgement
{
    QString id; // "ack-<atMs>-<n>": stable, the store's key
    AlertKey alert;
    std::int64_t firedAtMs = 0; // the episode acknowledged
    std::int64_t atMs = 0;
    QString who;
    QString comment;
    std::optional<std::int64_t> endedAtMs;
    bool carried = false; // restored from the store, waiting for its alert's next episode

    bool covers(const Alert &episode) const
    {
        return !endedAtMs && AlertKey::of(episode) == alert && (carried || episode.firedAtMs == firedAtMs);
    }
    bool operator==(const Acknowledgement &) const = default;
};

} // namespace bw
