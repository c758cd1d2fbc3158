#!/usr/bin/env node
'use strict';
// Deterministic generator of call-outcome scenarios.
//
//   node generate-scenarios.js            -> ../data/conformance/scenarios/<name>.jsonl
//   node generate-scenarios.js --out DIR  -> DIR/<name>.jsonl
//
// One event per line, exactly: {"t":65000,"ok":false,"latency_ms":12.5}
// t: integer ms from 0, non-decreasing. No Math.random: every scenario has its
// own mulberry32 stream seeded from a fixed constant.

const fs = require('fs');
const path = require('path');

const MIN_EVENTS = 1500;
const MAX_EVENTS = 3000;
const MIN_DURATION = 5 * 60 * 1000;
const MAX_DURATION = 15 * 60 * 1000;

function mulberry32 (seed) {
  let a = seed >>> 0;
  return function () {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function makeCtx (seed) {
  const rng = mulberry32(seed);
  const ctx = {
    rng,
    t: 0,
    events: [],
    uniform: (a, b) => a + (b - a) * rng(),
    int: (a, b) => a + Math.floor((b - a + 1) * rng()), // inclusive
    chance: p => rng() < p,
    // exponential inter-arrival, rounded to integer ms (0 happens at high rates)
    gap: meanMs => Math.round(-meanMs * Math.log(1 - rng())),
    idle: (a, b) => { ctx.t += ctx.int(a, b); }
  };
  ctx.latNormal = () => {
    let l = 4 + 30 * rng() * rng();
    if (rng() < 0.03) l += 60 + 300 * rng(); // occasional slow-ish call
    return Math.round(l * 10) / 10;
  };
  ctx.push = (ok, latency) => {
    ctx.events.push({ t: ctx.t, ok, latency_ms: latency });
  };
  // A phase of Poisson-ish traffic: `dur` ms at `rate` calls/s.
  ctx.phase = (dur, rate, pFail, latFn) => {
    const end = ctx.t + dur;
    const mean = 1000 / rate;
    for (;;) {
      const g = ctx.gap(mean);
      if (ctx.t + g > end) break;
      ctx.t += g;
      ctx.push(!ctx.chance(pFail), (latFn || ctx.latNormal)());
    }
    ctx.t = end;
  };
  return ctx;
}

// ---------------------------------------------------------------- scenarios

// 1% failures, mostly light traffic with a few rushes and idle gaps.
function steady (ctx) {
  ctx.push(true, ctx.latNormal());
  const rushes = ctx.int(2, 3);
  const idles = ctx.int(2, 3);
  const slots = ctx.int(14, 18);
  const kinds = [];
  for (let i = 0; i < slots; i++) kinds.push(ctx.chance(0.3) ? 'sparse' : 'normal');
  for (let i = 0; i < rushes; i++) kinds[ctx.int(1, slots - 1)] = 'rush';
  for (let i = 0; i < idles; i++) kinds[ctx.int(1, slots - 1)] = 'idle';
  for (const k of kinds) {
    if (k === 'rush') ctx.phase(ctx.int(10000, 18000), ctx.uniform(30, 40), 0.01);
    else if (k === 'idle') {
      ctx.idle(31000, 52000);
      // "cold start" after a quiet spell: the first call often fails, into an
      // empty rolling window
      ctx.push(!ctx.chance(0.6), ctx.latNormal());
    }
    // low traffic: a lone failure can dominate a nearly empty rolling window
    // (failures are a bit denser there, ~1% overall)
    else if (k === 'sparse') ctx.phase(ctx.int(40000, 90000), ctx.uniform(0.05, 0.2), 0.06);
    else ctx.phase(ctx.int(20000, 45000), ctx.uniform(1.5, 4), 0.008);
  }
}

// 20-35% random failures, varying rates, a couple of rushes and idle gaps.
function flaky (ctx) {
  ctx.push(true, ctx.latNormal());
  const slots = ctx.int(14, 18);
  const kinds = [];
  for (let i = 0; i < slots; i++) kinds.push('normal');
  for (let i = 0; i < 2; i++) kinds[ctx.int(1, slots - 1)] = 'rush';
  for (let i = 0; i < 3; i++) kinds[ctx.int(1, slots - 1)] = 'idle';
  for (const k of kinds) {
    const pFail = ctx.uniform(0.20, 0.35);
    if (k === 'rush') ctx.phase(ctx.int(9000, 15000), ctx.uniform(32, 42), pFail);
    else if (k === 'idle') ctx.idle(31000, 48000);
    else ctx.phase(ctx.int(20000, 50000), ctx.uniform(0.8, 3.5), pFail);
  }
}

// healthy, then a 60-90 s total outage (with a retry storm at its start), then healthy.
function outage (ctx) {
  ctx.push(true, ctx.latNormal());
  const healthy = totalMs => {
    const end = ctx.t + totalMs;
    while (ctx.t < end) {
      const left = end - ctx.t;
      if (left > 60000 && ctx.chance(0.2)) { ctx.idle(31000, 45000); continue; }
      ctx.phase(Math.min(left, ctx.int(15000, 40000)), ctx.uniform(1.5, 5), 0.01);
    }
  };
  healthy(ctx.int(150000, 220000));
  const outageMs = ctx.int(60000, 90000);
  const storm = ctx.int(12000, 18000);
  ctx.phase(storm, ctx.uniform(30, 38), 1.0);
  ctx.phase(outageMs - storm, ctx.uniform(3, 8), 1.0);
  ctx.idle(31000, 40000); // nothing while the outage fades: timers fire without traffic
  healthy(ctx.int(200000, 300000));
}

// alternating healthy / failing periods of 10-40 s.
function flapping (ctx) {
  // starts with a failing period: exercises opossum's allowWarmUp window
  ctx.push(false, ctx.latNormal());
  let failing = true;
  let period = 0;
  while (ctx.t < 560000) {
    const dur = ctx.int(10000, 40000);
    if (period > 2 && ctx.chance(0.12)) ctx.idle(31000, 42000);
    if (failing) {
      // the 3rd failing period is always a rush (high rate), others sometimes
      const rush = period === 4 || ctx.chance(0.3);
      const rate = rush ? ctx.uniform(28, 36) : ctx.uniform(2, 6);
      ctx.phase(dur, rate, ctx.uniform(0.7, 1.0));
    } else {
      ctx.phase(dur, ctx.uniform(1.5, 5), ctx.uniform(0.0, 0.03));
    }
    failing = !failing;
    period++;
  }
}

// latency spikes: during spike periods most calls take > 1000 ms; failures rare.
function slow (ctx) {
  ctx.push(true, ctx.latNormal());
  const latSpike = () => {
    const u = ctx.rng();
    if (u < 0.05) return 1000; // exactly at the 1000 ms boundary (not > 1000)
    if (u < 0.75) return Math.round((1000.1 + 3500 * ctx.rng()) * 10) / 10;
    return Math.round((150 + 800 * ctx.rng()) * 10) / 10;
  };
  const slots = ctx.int(14, 17);
  const kinds = [];
  for (let i = 0; i < slots; i++) {
    const r = ctx.rng();
    kinds.push(r < 0.35 ? 'spike' : r < 0.55 ? 'sparse' : 'normal');
  }
  kinds[ctx.int(2, 5)] = 'spike';
  kinds[ctx.int(6, slots - 1)] = 'spike-rush';
  kinds[ctx.int(1, slots - 1)] = 'idle';
  kinds[ctx.int(1, slots - 1)] = 'idle';
  for (const k of kinds) {
    if (k === 'idle') {
      ctx.idle(31000, 50000);
      ctx.push(!ctx.chance(0.6), ctx.latNormal()); // cold start, as in steady
    }
    else if (k === 'spike') ctx.phase(ctx.int(20000, 60000), ctx.uniform(2, 6), 0.005, latSpike);
    else if (k === 'spike-rush') ctx.phase(ctx.int(10000, 15000), ctx.uniform(30, 38), 0.005, latSpike);
    else if (k === 'sparse') ctx.phase(ctx.int(40000, 80000), ctx.uniform(0.05, 0.2), 0.06);
    else ctx.phase(ctx.int(20000, 45000), ctx.uniform(1.5, 4), 0.005);
  }
}

// bursts of many calls sharing the SAME t, gaps of several seconds without
// traffic (sometimes > 30 s), some failure bursts.
function bursty (ctx) {
  // resetTimeout / halfOpenAfter values used by cases.config.js
  const DEADLINES = [8000, 10000, 12000, 15000, 20000, 30000];
  let first = true;
  let burstStart = 0;
  let lastWasFailBurst = false;
  while (ctx.t < 420000) {
    if (!first) {
      if (lastWasFailBurst && ctx.chance(0.7)) {
        // next burst exactly one reset deadline after the failing burst: the
        // breaker that opened at burstStart becomes eligible for half-open at
        // exactly this t (timer due at t / `now - openedAt < halfOpenAfter`)
        ctx.t = burstStart + DEADLINES[ctx.int(0, DEADLINES.length - 1)];
      } else {
        if (ctx.chance(0.1)) ctx.idle(31000, 60000);
        else ctx.idle(2000, 15000);
        // many bursts start on a whole second (or on a multiple of 3333 ms):
        // they land exactly on timer deadlines (bucket rotation) and test
        // "timers due at t fire before the call at t"
        const align = ctx.rng();
        if (align < 0.4) ctx.t = Math.ceil(ctx.t / 1000) * 1000;
        else if (align < 0.55) ctx.t = Math.ceil(ctx.t / 3333) * 3333;
      }
    }
    first = false;
    burstStart = ctx.t;
    const r = ctx.rng();
    let size;
    if (r < 0.15) size = ctx.int(250, 320); // huge burst
    else if (r < 0.5) size = ctx.int(20, 80);
    else size = ctx.int(3, 15);
    const failBurst = ctx.t === 0 || ctx.chance(0.35);
    lastWasFailBurst = failBurst;
    const pFail = failBurst ? ctx.uniform(0.6, 1.0) : ctx.uniform(0.0, 0.05);
    // most bursts are all at one instant; some are split over 2-3 instants
    const parts = ctx.chance(0.7) ? 1 : ctx.int(2, 3);
    for (let p = 0; p < parts; p++) {
      if (p > 0) ctx.t += ctx.int(1, 400);
      const n = Math.ceil(size / parts);
      for (let i = 0; i < n; i++) ctx.push(!ctx.chance(pFail), ctx.latNormal());
    }
    // a sprinkle of lone calls between bursts
    if (ctx.chance(0.4)) {
      ctx.t += ctx.int(300, 1500);
      ctx.push(!ctx.chance(0.05), ctx.latNormal());
    }
  }
}

const SCENARIOS = [
  ['steady', steady, 0x5eed0001],
  ['flaky', flaky, 0x5eed0002],
  ['outage', outage, 0x5eed0003],
  ['flapping', flapping, 0x5eed0004],
  ['slow', slow, 0x5eed0005],
  ['bursty', bursty, 0x5eed0006]
];

function validate (events) {
  if (events.length < MIN_EVENTS || events.length > MAX_EVENTS) return false;
  const dur = events[events.length - 1].t;
  if (dur < MIN_DURATION || dur > MAX_DURATION) return false;
  let prev = 0;
  let zero = 0;
  let long = 0;
  for (const ev of events) {
    if (!Number.isInteger(ev.t) || ev.t < prev) throw new Error('bad t');
    if (ev.t === prev) zero++;
    if (ev.t - prev > 30000) long++;
    prev = ev.t;
  }
  return zero > 0 && long > 0;
}

function generate (name) {
  const entry = SCENARIOS.find(s => s[0] === name);
  if (!entry) throw new Error(`unknown scenario ${name}`);
  const [, fn, seed] = entry;
  // Deterministic retries: attempt k uses seed + k until all constraints hold.
  for (let attempt = 0; attempt < 1000; attempt++) {
    const ctx = makeCtx((seed + attempt) >>> 0);
    fn(ctx);
    if (validate(ctx.events)) return ctx.events;
  }
  throw new Error(`scenario ${name}: constraints not met`);
}

function serialize (events) {
  let s = '';
  for (const ev of events) {
    s += `{"t":${ev.t},"ok":${ev.ok ? 'true' : 'false'},"latency_ms":${JSON.stringify(ev.latency_ms)}}\n`;
  }
  return s;
}

function generateAll (outDir) {
  fs.mkdirSync(outDir, { recursive: true });
  const info = [];
  for (const [name] of SCENARIOS) {
    const events = generate(name);
    fs.writeFileSync(path.join(outDir, `${name}.jsonl`), serialize(events));
    const fails = events.filter(e => !e.ok).length;
    info.push({ name, events: events.length, duration_s: events[events.length - 1].t / 1000, failures: fails });
  }
  return info;
}

module.exports = { generateAll, SCENARIOS: SCENARIOS.map(s => s[0]), mulberry32 };

if (require.main === module) {
  const args = process.argv.slice(2);
  const i = args.indexOf('--out');
  const outDir = i >= 0 ? path.resolve(args[i + 1])
    : path.join(__dirname, '..', 'data', 'conformance', 'scenarios');
  const info = generateAll(outDir);
  for (const s of info) {
    console.log(`${s.name}: ${s.events} events, ${s.duration_s} s, ${s.failures} failures`);
  }
}
