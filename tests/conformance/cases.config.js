'use strict';
// Case list for record.js: every config x every scenario, plus extra
// timeout_ms cases on the `slow` scenario.
//
// `set` spells out ALL options of the preset explicitly (library option names),
// including values equal to the library defaults. For cockatiel-sampling,
// minimumRps: null means "not passed -> library default".
// opossum is always constructed with `timeout: false` in addition (no action
// timeout; timeouts are modelled by the case's timeout_ms instead).

const SCENARIOS = ['steady', 'flaky', 'outage', 'flapping', 'slow', 'bursty'];

const CONFIGS = [
  // ---- opossum 9.0.0
  {
    id: 'opossum-default',
    preset: 'opossum',
    // library defaults
    set: { errorThresholdPercentage: 50, volumeThreshold: 0, rollingCountTimeout: 10000, rollingCountBuckets: 10, resetTimeout: 30000, allowWarmUp: false }
  },
  {
    id: 'opossum-tight',
    preset: 'opossum',
    set: { errorThresholdPercentage: 30, volumeThreshold: 10, rollingCountTimeout: 5000, rollingCountBuckets: 5, resetTimeout: 8000, allowWarmUp: false }
  },
  {
    id: 'opossum-warmup',
    preset: 'opossum',
    set: { errorThresholdPercentage: 50, volumeThreshold: 5, rollingCountTimeout: 10000, rollingCountBuckets: 10, resetTimeout: 30000, allowWarmUp: true }
  },
  {
    id: 'opossum-uneven',
    preset: 'opossum',
    // 10000 / 3 is not an integer: bucket interval = Math.floor(10000/3) = 3333
    set: { errorThresholdPercentage: 40, volumeThreshold: 5, rollingCountTimeout: 10000, rollingCountBuckets: 3, resetTimeout: 15000, allowWarmUp: false }
  },
  // ---- cockatiel 3.2.1
  {
    id: 'cockatiel-consecutive-5',
    preset: 'cockatiel-consecutive',
    set: { threshold: 5, halfOpenAfter: 10000 }
  },
  {
    id: 'cockatiel-consecutive-3',
    preset: 'cockatiel-consecutive',
    set: { threshold: 3, halfOpenAfter: 30000 }
  },
  {
    id: 'cockatiel-sampling-default',
    preset: 'cockatiel-sampling',
    // minimumRps null -> library default 5 / (threshold * 1000) per ms (= 25 rps here)
    set: { threshold: 0.2, duration: 10000, minimumRps: null, halfOpenAfter: 10000 }
  },
  {
    id: 'cockatiel-sampling-fast',
    preset: 'cockatiel-sampling',
    set: { threshold: 0.5, duration: 5000, minimumRps: 2, halfOpenAfter: 15000 }
  },
  {
    id: 'cockatiel-sampling-7300',
    preset: 'cockatiel-sampling',
    // 7300 ms -> 8 windows of Math.round(912.5) = 913 ms, effective duration 7304
    set: { threshold: 0.3, duration: 7300, minimumRps: 3, halfOpenAfter: 12000 }
  },
  {
    id: 'cockatiel-count-20',
    preset: 'cockatiel-count',
    set: { threshold: 0.5, size: 20, minimumNumberOfCalls: 20, halfOpenAfter: 10000 }
  },
  {
    id: 'cockatiel-count-50',
    preset: 'cockatiel-count',
    set: { threshold: 0.3, size: 50, minimumNumberOfCalls: 10, halfOpenAfter: 20000 }
  }
];

const cases = [];
for (const cfg of CONFIGS) {
  for (const sc of SCENARIOS) {
    cases.push({ name: `${cfg.id}-${sc}`, scenario: sc, preset: cfg.preset, set: cfg.set, timeout_ms: null });
  }
}
// latency above timeout_ms counts as a failure
for (const id of ['opossum-default', 'cockatiel-consecutive-5']) {
  const cfg = CONFIGS.find(c => c.id === id);
  cases.push({ name: `${cfg.id}-slow-timeout1000`, scenario: 'slow', preset: cfg.preset, set: cfg.set, timeout_ms: 1000 });
}

module.exports = { cases, SCENARIOS, CONFIGS };
