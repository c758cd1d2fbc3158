// libFuzzer target for the Resilience4j actuator readers: GET /actuator/circuitbreakers (2.x and the old list of
// names), the answer to a state change, the state-transition events, and the creation time and transition texts.
// Checks: no crash, no sanitizer report; errors are not empty; 2.x breakers come sorted by name; every transition
// read back from the events parses again from its own text to the same states.

#include "fuzzsupport.h"
#include "observed/resilience4jactuator.h"
#include "observed/resilience4jevents.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArrayView body = fuzz::bytes(data, size);

    const auto breakers = bw::Resilience4jActuator::parseCircuitBreakers(body);
    if (!breakers) {
        fuzz::require(!breakers.error().isEmpty(), "empty error");
    } else {
        bool allKnown = true;
        for (const bw::ObservedBreakerState &breaker : *breakers)
            allKnown = allKnown && breaker.stateKnown;
        for (qsizetype i = 1; allKnown && i < breakers->size(); ++i)
            fuzz::require((*breakers)[i - 1].name <= (*breakers)[i].name, "2.x breakers not sorted by name");
    }

    const auto change = bw::Resilience4jActuator::parseStateChange(body);
    fuzz::require(change.ok() || !change.error().isEmpty(), "empty error");

    const auto events = bw::Resilience4jEvents::parseStateTransitions(body);
    if (!events) {
        fuzz::require(!events.error().isEmpty(), "empty error");
    } else {
        for (const bw::Resilience4jTransitionEvent &event : *events) {
            const auto again = bw::Resilience4jEvents::parseStateTransition(event.transition);
            fuzz::require(again.ok() && again->first == event.from && again->second == event.to,
                          "a transition does not parse again");
        }
    }

    const QString text = QString::fromUtf8(body);
    const auto time = bw::Resilience4jEvents::parseCreationTime(text);
    fuzz::require(time.ok() || !time.error().isEmpty(), "empty error");
    const auto transition = bw::Resilience4jEvents::parseStateTransition(text);
    fuzz::require(transition.ok() || !transition.error().isEmpty(), "empty error");
    return 0;
}
