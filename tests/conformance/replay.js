'use strict';
// Shared replay engine used by record.js and bench-node.js.
//
// Semantics (the C++ engine reproduces exactly this):
//  * fake timers are installed with now = 0 BEFORE the breaker is constructed
//    (so opossum's bucket-rotation setInterval is aligned to t = 0);
//  * for each event in order: advance the fake clock to ev.t, firing every
//    timer due at or before ev.t (timers due exactly at ev.t fire BEFORE the
//    call at ev.t), then make ONE call whose action resolves (ok) or rejects
//    (failure) immediately, and await its settlement before the next event;
//  * if timeout_ms is set, an event with latency_ms > timeout_ms is a failure;
//  * the libraries' own action timeouts are never used (opossum: timeout:false);
//  * after the last event time is NOT advanced further.

const FakeTimers = require('@sinonjs/fake-timers');
const CircuitBreaker = require('opossum');
const cockatiel = require('cockatiel');

// Only the timer functions and Date are faked: process.hrtime, performance,
// setImmediate and nextTick stay real (the harness measures wall time with
// process.hrtime and fake-timers' tickAsync yields through the real
// setImmediate).
const TO_FAKE = ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'];

const PRESETS = {
  opossum: ['errorThresholdPercentage', 'volumeThreshold', 'rollingCountTimeout',
    'rollingCountBuckets', 'resetTimeout', 'allowWarmUp'],
  'cockatiel-consecutive': ['threshold', 'halfOpenAfter'],
  'cockatiel-sampling': ['threshold', 'duration', 'minimumRps', 'halfOpenAfter'],
  'cockatiel-count': ['threshold', 'size', 'minimumNumberOfCalls', 'halfOpenAfter']
};

const COCKATIEL_STATE = ['closed', 'open', 'half-open']; // CircuitState 0,1,2

const failureError = new Error('scenario failure');

function checkSet (preset, set) {
  const keys = PRESETS[preset];
  if (!keys) throw new Error(`unknown preset ${preset}`);
  const got = Object.keys(set);
  if (got.length !== keys.length || keys.some(k => !(k in set))) {
    throw new Error(`preset ${preset}: set must have exactly the keys ${keys.join(',')}, got ${got.join(',')}`);
  }
}

/**
 * Build a breaker for the case. Must be called with fake timers installed.
 * Returns { call(ok) -> Promise<void>, isRejection(err) -> bool, shutdown() }.
 * Transitions are reported through onState(toName).
 * makePolicy (optional): returns a ready cockatiel CircuitBreakerPolicy to
 * replay instead of one built from `set` (replay-options.js: exported snippets).
 */
function makeBreaker (preset, set, onState, onReject, onRun, makePolicy) {
  if (makePolicy) return wrapCockatiel(makePolicy(), onState, onReject, onRun);
  checkSet(preset, set);
  if (preset === 'opossum') {
    const action = ok => { onRun(); return ok ? Promise.resolve(true) : Promise.reject(failureError); };
    const breaker = new CircuitBreaker(action, {
      timeout: false,
      errorThresholdPercentage: set.errorThresholdPercentage,
      volumeThreshold: set.volumeThreshold,
      rollingCountTimeout: set.rollingCountTimeout,
      rollingCountBuckets: set.rollingCountBuckets,
      resetTimeout: set.resetTimeout,
      allowWarmUp: set.allowWarmUp
    });
    breaker.on('open', () => onState('open'));
    breaker.on('halfOpen', () => onState('half-open'));
    breaker.on('close', () => onState('closed'));
    // 'reject' is emitted only when the call is refused without running the
    // action (breaker open, or half-open with the probe already taken).
    breaker.on('reject', () => onReject());
    return {
      call: ok => breaker.fire(ok).then(() => undefined, () => undefined),
      shutdown: () => breaker.shutdown()
    };
  }

  let breakerImpl;
  if (preset === 'cockatiel-consecutive') {
    breakerImpl = new cockatiel.ConsecutiveBreaker(set.threshold);
  } else if (preset === 'cockatiel-sampling') {
    const opts = { threshold: set.threshold, duration: set.duration };
    // null means "library default": do not pass minimumRps at all.
    if (set.minimumRps !== null) opts.minimumRps = set.minimumRps;
    breakerImpl = new cockatiel.SamplingBreaker(opts);
  } else if (preset === 'cockatiel-count') {
    breakerImpl = new cockatiel.CountBreaker({
      threshold: set.threshold, size: set.size, minimumNumberOfCalls: set.minimumNumberOfCalls
    });
  } else {
    throw new Error(`unknown preset ${preset}`);
  }
  const policy = cockatiel.circuitBreaker(cockatiel.handleAll, {
    halfOpenAfter: set.halfOpenAfter,
    breaker: breakerImpl
  });
  return wrapCockatiel(policy, onState, onReject, onRun);
}

function wrapCockatiel (policy, onState, onReject, onRun) {
  policy.onStateChange(s => onState(COCKATIEL_STATE[s]));
  const okFn = () => { onRun(); return Promise.resolve(true); };
  const failFn = () => { onRun(); return Promise.reject(failureError); };
  return {
    call: ok => policy.execute(ok ? okFn : failFn).then(() => undefined, err => {
      if (err instanceof cockatiel.BrokenCircuitError) onReject();
      else if (err !== failureError) throw err; // anything else is a harness bug
    }),
    shutdown: () => {}
  };
}

/**
 * Replay one case.
 * events: columnar { length, t: ArrayLike<number>, ok: ArrayLike<0|1|bool>, latency: ArrayLike<number> }
 * onTransition(t, from, to) is called for every state transition (optional).
 * Returns summary { transitions, opens, rejected, events, final_state }.
 */
async function replay ({ preset, set, timeout_ms: timeoutMs }, events, onTransition, opts = {}) {
  // opts.syncTick: advance with the synchronous clock.tick() instead of
  // clock.tickAsync(). Both fire the same timers in the same order; tickAsync
  // additionally yields to the real event loop after every timer (and once per
  // call), which costs ~4 us per event. The transcripts are identical for these
  // libraries (their timer callbacks are synchronous); record.js always uses
  // tickAsync, `record.js --check --sync-tick` verifies the equivalence.
  // opts.makePolicy: see makeBreaker (a cockatiel policy built elsewhere).
  const syncTick = !!opts.syncTick;
  const clock = FakeTimers.install({ now: 0, toFake: TO_FAKE });
  let state = 'closed';
  let transitions = 0;
  let opens = 0;
  let rejected = 0;
  let ran = 0; // calls whose action actually ran (self-check: ran + rejected === events)
  let breaker;
  try {
    breaker = makeBreaker(preset, set,
      to => {
        const from = state;
        state = to;
        transitions++;
        if (to === 'open') opens++;
        if (onTransition) onTransition(clock.now, from, to);
      },
      () => { rejected++; },
      () => { ran++; },
      opts.makePolicy);

    const n = events.length;
    const T = events.t;
    const OK = events.ok;
    const LAT = events.latency;
    const useTimeout = timeoutMs !== null && timeoutMs !== undefined;
    for (let i = 0; i < n; i++) {
      const t = T[i];
      if (t < clock.now) throw new Error(`event ${i}: t=${t} goes backwards (clock ${clock.now})`);
      if (t > clock.now) {
        if (syncTick) clock.tick(t - clock.now);
        else await clock.tickAsync(t - clock.now);
      }
      else clock.tick(0); // fires a timer scheduled for exactly `now` (delay 0), if any; cheap no-op otherwise
      let ok = !!OK[i];
      if (useTimeout && LAT[i] > timeoutMs) ok = false;
      await breaker.call(ok);
    }
    breaker.shutdown();
    if (ran + rejected !== n) {
      throw new Error(`self-check failed: ${ran} calls ran + ${rejected} rejected != ${n} events`);
    }
  } finally {
    clock.uninstall();
  }
  return { transitions, opens, rejected, events: events.length, final_state: state };
}

/** Parse JSONL text (already a string) into columnar arrays. */
function parseJsonl (text) {
  const lines = text.split('\n');
  const t = [];
  const ok = [];
  const latency = [];
  for (const line of lines) {
    if (line === '') continue;
    const ev = JSON.parse(line);
    t.push(ev.t);
    ok.push(ev.ok ? 1 : 0);
    latency.push(ev.latency_ms);
  }
  return { length: t.length, t, ok, latency };
}

module.exports = { replay, parseJsonl, PRESETS, TO_FAKE };
