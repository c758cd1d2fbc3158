// libFuzzer target for every health body reader (bw::readHealth: Spring, IETF health+json, Kubernetes, the
// circuit-breaker page, the Resilience4j health indicator, Plain, and Auto with the usual Content-Types).
// Checks: no crash, no sanitizer report; errors are not empty; a 4xx/5xx answer is never read as anything but Down;
// the reason line is one line of at most 200 characters; Auto, when it reads a body, agrees with the format
// detectHealthFormat() names for it.

#include "fuzzsupport.h"
#include "health/healthreader.h"

#include <array>

namespace {

constexpr std::array kFormats = {bw::HealthFormat::Spring,
                                 bw::HealthFormat::HealthJson,
                                 bw::HealthFormat::Kubernetes,
                                 bw::HealthFormat::CircuitBreakerPage,
                                 bw::HealthFormat::Resilience4jHealth,
                                 bw::HealthFormat::Plain};
constexpr std::array kContentTypes = {"", "application/json", "application/health+json; charset=utf-8",
                                      "application/vnd.spring-boot.actuator.v3+json", "text/plain; charset=utf-8"};
constexpr std::array kStatuses = {200, 503};

void checkVerdict(const bw::Result<bw::HealthVerdict> &verdict, int httpStatus)
{
    if (!verdict) {
        fuzz::require(!verdict.error().isEmpty(), "empty error");
        return;
    }
    if (httpStatus >= 400)
        fuzz::require(verdict->status == bw::HealthStatus::Down, "a 5xx answer read as not Down");
    const QString reason = bw::healthReason(*verdict);
    fuzz::require(fuzz::isOneLine(reason), "reason is not one line");
    fuzz::require(reason.size() <= 200, "reason longer than 200 characters");
    (void)bw::healthOutcome(*verdict);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArrayView body = fuzz::bytes(data, size);
    for (int status : kStatuses) {
        for (bw::HealthFormat format : kFormats)
            checkVerdict(bw::readHealth(format, status, {}, body), status);
        for (const char *contentType : kContentTypes) {
            const auto automatic = bw::readHealth(bw::HealthFormat::Auto, status, contentType, body);
            checkVerdict(automatic, status);
            if (!automatic)
                continue;
            const bw::HealthFormat detected = bw::detectHealthFormat(contentType, body);
            fuzz::require(detected != bw::HealthFormat::Auto, "detectHealthFormat() said Auto");
            const auto direct = bw::readHealth(detected, status, contentType, body);
            fuzz::require(direct.ok() && *direct == *automatic, "Auto disagrees with the format it detects");
        }
    }
    return 0;
}
