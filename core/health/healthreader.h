#pragma once

#include "common/result.h"
#include "config/config.h"
#include "health/healthverdict.h"
#include "probe/probeoutcome.h"

#include <QByteArrayView>
#include <QString>

namespace bw {

// Reads a health endpoint's answer in the given format (see docs/formats.md, "Health endpoints"):
// - Spring: {"status":"UP","components":{"db":{"status":"UP"}}}; UP -> Up, DOWN/OUT_OF_SERVICE -> Down,
//   UNKNOWN and custom codes -> Unknown. Components are collected (nested ones flattened as "db.primary");
//   the detail names those not UP. Resilience4j breakers under components.circuitBreakers are read too.
// - HealthJson (application/health+json): status pass|ok|up, warn, fail|error|down; checks become components.
// - Kubernetes (/livez, /readyz): "ok", or ?verbose lines "[+]etcd ok" / "[-]etcd failed"; any [-] is Down.
// - CircuitBreakerPage: {"circuit_breakers":{"<name>":{"state":"closed",...}}}; Up unless a breaker is open.
// - Resilience4jHealth: a Spring body whose components.circuitBreakers.details.<name>.details.state decide
//   (the parent status says UNKNOWN); Down if a breaker is open or another component is down.
// - Plain: any 2xx is Up, anything else Down; the body is not read.
// - Auto: picks one of the above from the content type and the body's shape.
// httpStatus 0 means "not known". For the body formats, a 4xx/5xx status turns a body that says up into Down.
// Pure: no I/O, any thread. A body that cannot be read in the format is an Error saying why (never a crash,
// whatever the input: truncated, wrong types, missing fields, empty, deeply nested).
Result<HealthVerdict> readHealth(HealthFormat format, int httpStatus, QByteArrayView contentType, QByteArrayView body);

// The format Auto would use for this answer.
HealthFormat detectHealthFormat(QByteArrayView contentType, QByteArrayView body);

// Down is a BodyMismatch (a failed call for a breaker); Up, Warn and Unknown are a Success.
ProbeOutcomeKind healthOutcome(const HealthVerdict &verdict);

// One line for people: "health DOWN: db DOWN, redis OUT_OF_SERVICE", "health up". No line breaks, at most
// about 200 characters.
QString healthReason(const HealthVerdict &verdict);

} // namespace bw
