#!/usr/bin/env node
'use strict';
// Captures what a monitoring client really receives from a Node process that
// runs several REAL opossum breakers, exposed through the REAL
// opossum-prometheus (scrape pages) and opossum-hystrix (SSE stream) modules.
// Time is simulated with @sinonjs/fake-timers, so the capture is deterministic.
//
//   node capture-fleet.js          -> writes ../data/fleet/opossum/* and ../data/fleet/hystrix/*
//   node capture-fleet.js --check  -> regenerates into a temp dir and diffs against the
//                                     committed files; exit 1 on any difference.
//                                     The prom-client default process metrics (families
//                                     named opossum_*) are excluded from the page diff:
//                                     they measure the real process (CPU, memory, GC,
//                                     event loop lag, node version) and vary run to run.
//
// See ../data/fleet/README.md for what the files are and what they show.

const fs = require('fs');
const os = require('os');
const path = require('path');
const http = require('http'); // loaded before the fake clock is installed: its internals keep real timers

const realSetImmediate = setImmediate;
const FakeTimers = require('@sinonjs/fake-timers');
const CircuitBreaker = require('opossum');
const PrometheusMetrics = require('opossum-prometheus');
const promClient = require('prom-client');
const HystrixStats = require('opossum-hystrix');

const DATA_DIR = path.join(__dirname, '..', 'data', 'fleet');

// As in replay.js: only timers and Date are faked. setImmediate, nextTick,
// process.hrtime and performance stay real (tickAsync yields through the real
// setImmediate; the HTTP sockets of part b need the real event loop).
const TO_FAKE = ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'];

// Simulated wall clock at t = 0 (2026-05-05T07:00:00Z): Date.now() (and so
// opossum-hystrix's currentTime) reads T0 + t.
const T0 = Date.UTC(2026, 4, 5, 7, 0, 0);

const VERSIONS = {};
for (const p of ['opossum', 'opossum-prometheus', 'prom-client', 'opossum-hystrix', '@sinonjs/fake-timers']) {
  VERSIONS[p] = require(`${p}/package.json`).version;
}
VERSIONS.node = process.version;

const flush = () => new Promise(resolve => realSetImmediate(resolve));

// The downstream dependency every breaker wraps: an async function that
// resolves or rejects after `latency` simulated ms.
async function dependency (b) {
  await new Promise(resolve => setTimeout(resolve, b.latency));
  if (!b.ok) throw new Error('HTTP 503 from dependency');
  return 'ok';
}
const OK = { ok: true, latency: 20 };
const ERR = { ok: false, latency: 30 };
const HANG = { ok: true, latency: 3000 }; // slower than options.timeout: a timeout

function inWindows (t, windows) {
  for (const [from, to, what] of windows) if (t >= from && t < to) return what;
  return null;
}

// Attaches the capture's own listeners (truth). Called only AFTER the
// monitoring module was wired, so opossum-prometheus never sees them.
function watchStates (breaker, clock, timeline, counts) {
  counts.open = 0; counts.halfOpen = 0; counts.close = 0;
  timeline.push({ t: clock.now - T0, state: 'closed' });
  breaker.on('open', () => { counts.open++; timeline.push({ t: clock.now - T0, state: 'open' }); });
  breaker.on('halfOpen', () => { counts.halfOpen++; timeline.push({ t: clock.now - T0, state: 'half-open' }); });
  breaker.on('close', () => { counts.close++; timeline.push({ t: clock.now - T0, state: 'closed' }); });
}

function stateOf (b) {
  if (b.halfOpen) return 'half-open';
  if (b.opened) return 'open';
  if (b.closed) return 'closed';
  throw new Error(`${b.name}: no state`);
}

function assert (cond, msg) {
  if (!cond) throw new Error('capture self-check failed: ' + msg);
}

// ---------------------------------------------------------------------------
// a. opossum-prometheus scrape pages
// ---------------------------------------------------------------------------

const BREAKER_OPTIONS = {
  timeout: 1000,
  resetTimeout: 5000,
  errorThresholdPercentage: 50,
  volumeThreshold: 5,
  rollingCountTimeout: 10000,
  rollingCountBuckets: 10
};

// Per breaker: the dependency's behaviour for a call made at t (ms).
const PAYMENTS_OUTAGES = [
  [31000, 37000, ERR], // short: opens and closes between the scrapes at 30 s and 45 s
  [62000, 80000, 'mixed'], // long: opens, re-opens from half-open (two opens between 60 s and 75 s)
  [121000, 128000, HANG], // timeouts only
  [170000, 190000, ERR],
  [231000, 237000, 'mixed'],
  [258000, 264000, ERR]
];
const FLEET_A = [
  { name: 'inventory', behaviour: t => (Math.floor(t / 1000) % 29 === 17 ? ERR : OK) }, // healthy, a rare failure
  {
    name: 'payments',
    behaviour: t => {
      const w = inWindows(t, PAYMENTS_OUTAGES);
      if (w === 'mixed') return Math.floor(t / 1000) % 2 ? HANG : ERR;
      return w || OK;
    }
  },
  { name: 'fraud-check', behaviour: t => (t >= 100000 ? HANG : OK) }, // hangs from 100 s on: opens and never closes
  { name: 'https://api.example.com/rates', behaviour: t => (t < 5000 ? ERR : OK) } // opens and recovers before the first scrape
];
const SCRAPE_INTERVAL = 15000;
const SCRAPES = 20;
const CALL_PERIOD = 1000;
const CALL_OFFSET = 500; // calls at k*1000 + 500: never at a scrape instant

async function capturePrometheus (outDir) {
  const dir = path.join(outDir, 'opossum');
  fs.mkdirSync(dir, { recursive: true });
  const clock = FakeTimers.install({ now: T0, toFake: TO_FAKE });
  const report = {};
  try {
    // Wired exactly as the opossum-prometheus 0.3.0 README shows: create the
    // breakers, hand them to the constructor (global prom-client registry, so
    // default metrics prefixed opossum_), add a later one with add([...]).
    const breakers = FLEET_A.map(f => new CircuitBreaker(dependency, { name: f.name, ...BREAKER_OPTIONS }));
    const prometheus = new PrometheusMetrics({ circuits: breakers.slice(0, 3) });
    prometheus.add([breakers[3]]);
    const eventsAtAdd = breakers[0].eventNames().filter(e => typeof e === 'string');
    assert(!eventsAtAdd.includes('halfOpen'), 'opossum listens to halfOpen itself');
    report.eventsAtAdd = eventsAtAdd;

    // Our own listeners, attached only now.
    const timelines = {};
    const counts = {};
    breakers.forEach(b => { timelines[b.name] = []; counts[b.name] = {}; watchStates(b, clock, timelines[b.name], counts[b.name]); });

    const inFlight = {};
    breakers.forEach(b => { inFlight[b.name] = 0; });
    const scrapes = [];
    const end = SCRAPE_INTERVAL * SCRAPES;
    const times = [];
    for (let t = CALL_OFFSET; t < end; t += CALL_PERIOD) times.push({ t, kind: 'call' });
    for (let k = 1; k <= SCRAPES; k++) times.push({ t: k * SCRAPE_INTERVAL, kind: 'scrape' });
    times.sort((a, b) => a.t - b.t);

    for (const step of times) {
      await clock.tickAsync(T0 + step.t - clock.now);
      await flush();
      if (step.kind === 'call') {
        breakers.forEach((b, i) => {
          inFlight[b.name]++;
          b.fire(FLEET_A[i].behaviour(step.t))
            .catch(() => {})
            .finally(() => { inFlight[b.name]--; });
        });
      } else {
        const n = scrapes.length + 1;
        const file = `page-${String(n).padStart(2, '0')}.prom`;
        const text = prometheus.metrics; // = prom-client register.metrics()
        fs.writeFileSync(path.join(dir, file), text);
        const per = {};
        for (const b of breakers) {
          per[b.name] = { state: stateOf(b), ...counts[b.name], in_flight: inFlight[b.name] };
        }
        scrapes.push({ page: file, t_ms: step.t, breakers: per, text });
      }
    }
    breakers.forEach(b => b.shutdown());
    prometheus.clear();

    // Self-checks: the pages against the truth.
    for (const s of scrapes) {
      assert(!s.text.includes('event="halfOpen"'), `${s.page} has a halfOpen series`);
      assert(!/^circuit_total/m.test(s.text), `${s.page} has circuit_total`);
      const c = parseCircuitCounter(s.text);
      for (const b of breakers) {
        const got = c[b.name] || {};
        const want = s.breakers[b.name];
        assert((got.open || 0) === want.open, `${s.page} ${b.name}: open ${got.open} != ${want.open}`);
        assert((got.close || 0) === want.close, `${s.page} ${b.name}: close ${got.close} != ${want.close}`);
        // every fire either settled (success or failure) or was rejected, or is still running
        assert((got.fire || 0) === (got.success || 0) + (got.failure || 0) + (got.reject || 0) + want.in_flight,
          `${s.page} ${b.name}: fire != success + failure + reject + in flight`);
        assert((got.timeout || 0) <= (got.failure || 0), `${s.page} ${b.name}: timeout > failure`);
      }
    }
    const last = scrapes[scrapes.length - 1].breakers;
    assert(Object.values(last).some(b => b.halfOpen > 0), 'no halfOpen event happened at all');
    checkScenarioShape(scrapes, timelines);

    const truth = {
      generator: 'tests/conformance/capture-fleet.js',
      versions: VERSIONS,
      start_epoch_ms: T0,
      scrape_interval_ms: SCRAPE_INTERVAL,
      wiring: "new PrometheusMetrics({ circuits: [inventory, payments, fraud-check] }); prometheus.add([https://api.example.com/rates]) -- global prom-client registry, before any call",
      breaker_options: BREAKER_OPTIONS,
      events_listened_at_add: eventsAtAdd,
      calls: `every breaker is fired once at every t = k*${CALL_PERIOD} + ${CALL_OFFSET} ms`,
      breakers: FLEET_A.map(f => f.name),
      timelines,
      scrapes: scrapes.map(({ text, ...rest }) => rest)
    };
    fs.writeFileSync(path.join(dir, 'truth.json'), serializeTruth(truth));
    report.scrapes = scrapes;
    report.timelines = timelines;
  } finally {
    clock.uninstall();
  }
  return report;
}

// { name: { event: value } } from the `circuit` counter of a page
function parseCircuitCounter (text) {
  const out = {};
  for (const line of text.split('\n')) {
    const m = /^circuit\{name="((?:[^"\\]|\\.)*)",event="([A-Za-z]+)"\} (\S+)$/.exec(line);
    if (!m) continue;
    (out[m[1]] = out[m[1]] || {})[m[2]] = Number(m[3]);
  }
  return out;
}

// The scenario must show what the brief asks for; fail loudly if a library
// change makes it drift.
function checkScenarioShape (scrapes, timelines) {
  const at = (name, i) => (i < 0 ? { open: 0, close: 0, halfOpen: 0 } : scrapes[i].breakers[name]);
  const deltas = name => scrapes.map((s, i) => ({
    open: at(name, i).open - at(name, i - 1).open,
    close: at(name, i).close - at(name, i - 1).close
  }));
  assert(scrapes.every(s => s.breakers.inventory.open === 0), 'inventory opened');
  const p = deltas('payments');
  assert(p.some(d => d.open >= 1 && d.close >= 1), 'payments: no interval with open and close');
  assert(p.some(d => d.open >= 2), 'payments: no interval with two opens');
  assert(scrapes[scrapes.length - 1].breakers.payments.close >= 3, 'payments did not close several times');
  const f = scrapes.map(s => s.breakers['fraud-check']);
  assert(f[f.length - 1].open > 0 && f[f.length - 1].close === 0, 'fraud-check: should open and never close');
  const r = scrapes[0].breakers['https://api.example.com/rates'];
  assert(r.open === 1 && r.close === 1 && r.state === 'closed', 'rates: should open and recover before the first scrape');
  assert(scrapes.every(s => s.breakers['https://api.example.com/rates'].open === 1), 'rates reopened');
  assert(timelines.payments.length > 1, 'no payments timeline');
}

function serializeTruth (truth) {
  // diff-friendly: one scrape / one timeline per line
  const { timelines, scrapes, ...head } = truth;
  const lines = ['{'];
  for (const [k, v] of Object.entries(head)) lines.push(`  ${JSON.stringify(k)}: ${JSON.stringify(v)},`);
  lines.push('  "timelines": {');
  const tl = Object.entries(timelines);
  tl.forEach(([k, v], i) => lines.push(`    ${JSON.stringify(k)}: ${JSON.stringify(v)}${i < tl.length - 1 ? ',' : ''}`));
  lines.push('  },');
  lines.push('  "scrapes": [');
  scrapes.forEach((s, i) => lines.push(`    ${JSON.stringify(s)}${i < scrapes.length - 1 ? ',' : ''}`));
  lines.push('  ]');
  lines.push('}');
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------------------
// b. opossum-hystrix SSE stream
// ---------------------------------------------------------------------------

const FLEET_B = [
  { name: 'inventory', behaviour: t => (Math.floor(t / 1000) % 13 === 9 ? ERR : OK) },
  { name: 'payments', behaviour: t => (t >= 3000 && t < 12000 ? ERR : OK) }, // opens live, half-open live, closes while nobody listens
  { name: 'fraud-check', behaviour: t => (t >= 14000 ? HANG : OK) }, // opens while nobody listens, never closes
  { name: 'https://api.example.com/rates', behaviour: t => (t >= 15000 && t < 22000 ? ERR : OK) }, // opens and closes while nobody listens
  { name: 'shipping-quote', behaviour: () => OK }
];
const B_END = 37250;
const B_CONNECT_1 = 2250;
const B_DISCONNECT_1 = 12250;
const B_CONNECT_2 = 32250;

async function captureHystrix (outDir) {
  const dir = path.join(outDir, 'hystrix');
  fs.mkdirSync(dir, { recursive: true });

  let hystrixMetrics; // created below, under the fake clock
  // The handler exactly as the opossum-hystrix README shows it (the README
  // mounts it with express: app.use('/hystrix.stream', hystrixStream); here a
  // plain node:http server routes that path to it).
  function hystrixStream (request, response) {
    response.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive'
    });
    response.write('retry: 10000\n');
    response.write('event: connecttime\n');

    hystrixMetrics.getHystrixStream().pipe(response);
  }
  const serverSockets = [];
  const server = http.createServer((req, res) => {
    if (req.url === '/hystrix.stream') return hystrixStream(req, res);
    res.writeHead(404); res.end();
  });
  server.on('connection', s => serverSockets.push(s));
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = server.address().port;

  const realStart = process.hrtime.bigint();
  const realLimit = () => {
    if (Number(process.hrtime.bigint() - realStart) / 1e9 > 50) throw new Error('hystrix capture: over 50 s of real time');
  };

  const clock = FakeTimers.install({ now: T0, toFake: TO_FAKE });
  const connections = [];
  let conn = null; // the connected client, if any
  try {
    const breakers = FLEET_B.map(f => new CircuitBreaker(dependency, { name: f.name, ...BREAKER_OPTIONS }));
    hystrixMetrics = new HystrixStats(breakers);
    const stream = hystrixMetrics.getHystrixStream();
    const timelines = {};
    const counts = {};
    breakers.forEach(b => { timelines[b.name] = []; counts[b.name] = {}; watchStates(b, clock, timelines[b.name], counts[b.name]); });
    // Every snapshot opossum emits (the hystrix stream's listener was added
    // first, so it runs first): when, and the true state then.
    const emissions = {};
    breakers.forEach(b => {
      emissions[b.name] = [];
      b.status.on('snapshot', stats => emissions[b.name].push({
        t: clock.now - T0, state: stateOf(b), fires: stats.fires, rejects: stats.rejects
      }));
    });

    // Everything the server wrote has reached the client (no bytes in the
    // hystrix stream, the response or the socket; bytes written == bytes read).
    const delivered = () => {
      if (!conn) return true;
      const s = conn.serverSocket;
      return s && stream.readableLength === 0 && stream.writableLength === 0 &&
        s.writableLength === 0 && s.bytesWritten === conn.clientSocket.bytesRead;
    };
    const settle = async () => {
      await flush();
      while (!delivered()) { realLimit(); await flush(); }
      await flush();
    };

    const connect = () => new Promise((resolve, reject) => {
      const c = { chunks: [], bytes: [], startT: clock.now - T0 };
      const before = serverSockets.length;
      const req = http.get({ host: '127.0.0.1', port, path: '/hystrix.stream', agent: false }, res => {
        c.status = res.statusCode;
        c.headers = Object.fromEntries(Object.entries(res.headers).filter(([k]) => k !== 'date'));
        res.on('data', chunk => {
          const t = clock.now - T0;
          const off = c.bytes.reduce((n, b) => n + b.length, 0);
          const lastChunk = c.chunks[c.chunks.length - 1];
          if (lastChunk && lastChunk.t === t) lastChunk.length += chunk.length;
          else c.chunks.push({ t, offset: off, length: chunk.length });
          c.bytes.push(chunk);
        });
        c.res = res;
        c.clientSocket = req.socket;
        c.serverSocket = serverSockets[before];
        resolve(c);
      });
      req.on('error', reject);
      c.req = req;
    });
    const disconnect = async c => {
      const closed = new Promise(resolve => c.serverSocket.once('close', resolve));
      c.req.destroy();
      await closed;
      // the response's 'close' unpipes the hystrix stream (and pauses it)
      while (stream.readableFlowing !== false) { realLimit(); await flush(); }
      c.endT = clock.now - T0;
    };

    // Sync points: every whole second (where the snapshots are written), every
    // call, and the client's actions.
    const steps = new Map();
    const addStep = (t, what) => { if (!steps.has(t)) steps.set(t, []); if (what) steps.get(t).push(what); };
    for (let t = 1000; t <= B_END; t += 1000) addStep(t, null);
    for (let t = CALL_OFFSET; t < B_END; t += CALL_PERIOD) addStep(t, 'call');
    addStep(B_CONNECT_1, 'connect');
    addStep(B_DISCONNECT_1, 'disconnect');
    addStep(B_CONNECT_2, 'connect');
    addStep(B_END, 'disconnect');
    const order = [...steps.keys()].sort((a, b) => a - b);
    for (const t of order) {
      await clock.tickAsync(T0 + t - clock.now);
      await settle();
      for (const what of steps.get(t)) {
        if (what === 'call') {
          breakers.forEach((b, i) => { b.fire(FLEET_B[i].behaviour(t)).catch(() => {}); });
        } else if (what === 'connect') {
          conn = await connect();
          connections.push(conn);
          await settle();
        } else if (what === 'disconnect') {
          await settle();
          await disconnect(conn);
          conn = null;
        }
      }
    }
    breakers.forEach(b => b.shutdown());
    hystrixMetrics.shutdown();

    const files = ['stream-live.txt', 'stream-reconnect.txt'];
    const out = connections.map((c, i) => {
      const body = Buffer.concat(c.bytes);
      fs.writeFileSync(path.join(dir, files[i]), body);
      return {
        file: files[i],
        connected_t_ms: c.startT,
        disconnected_t_ms: c.endT,
        status: c.status,
        headers: c.headers,
        bytes: body.length,
        chunks: c.chunks,
        messages: sseMessages(body.toString('utf8'), c.chunks)
      };
    });
    matchEmissions(out, emissions);
    checkStream(out, timelines);

    const truth = {
      generator: 'tests/conformance/capture-fleet.js',
      versions: VERSIONS,
      start_epoch_ms: T0,
      breaker_options: BREAKER_OPTIONS,
      snapshot_interval_ms: BREAKER_OPTIONS.rollingCountTimeout / BREAKER_OPTIONS.rollingCountBuckets,
      calls: `every breaker is fired once at every t = k*${CALL_PERIOD} + ${CALL_OFFSET} ms`,
      commands: FLEET_B.map(f => f.name),
      timelines,
      connections: out
    };
    fs.writeFileSync(path.join(dir, 'stream-truth.json'), serializeStreamTruth(truth));
    return { connections: out, timelines, emissions };
  } finally {
    clock.uninstall();
    for (const s of serverSockets) s.destroy();
    await new Promise(resolve => server.close(resolve));
  }
}

// SSE messages (blank-line separated blocks) with their offsets, the chunk
// they arrived in, and the fields a monitor reads.
function sseMessages (text, chunks) {
  // offsets are in bytes; the payload is ASCII (checked)
  assert(Buffer.byteLength(text) === text.length, 'non-ASCII stream');
  const msgs = [];
  let pos = 0;
  let eventType = null;
  while (pos < text.length) {
    const end = text.indexOf('\n\n', pos);
    const blockEnd = end < 0 ? text.length : end + 2;
    const block = text.slice(pos, blockEnd);
    const lines = block.split('\n').filter(l => l !== '');
    const m = { offset: pos, length: block.length };
    // an SSE block is dispatched when its last byte (the blank line) arrives
    const chunk = chunks.filter(c => c.offset <= blockEnd - 1).pop();
    m.t = chunk.t;
    const data = [];
    for (const l of lines) {
      if (l.startsWith('event: ')) eventType = l.slice(7);
      else if (l.startsWith('data: ')) data.push(l.slice(6));
    }
    m.lines = lines.filter(l => !l.startsWith('data: '));
    if (data.length) {
      const j = JSON.parse(data.join('\n'));
      m.event = eventType || 'message'; // what an EventSource dispatches it as
      eventType = null;
      m.name = j.name;
      m.currentTime = j.currentTime;
      m.isCircuitBreakerOpen = j.isCircuitBreakerOpen;
      m.requestCount = j.requestCount;
      m.rollingCountShortCircuited = j.rollingCountShortCircuited;
    }
    msgs.push(m);
    pos = blockEnd;
  }
  return msgs;
}

function stateAt (timeline, t) {
  let s = null;
  for (const e of timeline) if (e.t <= t) s = e.state;
  return s;
}

// Pairs every received snapshot with the emission it came from. The stream
// is FIFO and loses nothing while a client is connected or after one left;
// snapshots emitted before the first client connected are dropped (the
// stream is flowing with no consumer).
function matchEmissions (conns, emissions) {
  const first = conns[0].connected_t_ms;
  const last = conns[conns.length - 1].disconnected_t_ms;
  for (const [name, list] of Object.entries(emissions)) {
    const expected = list.filter(e => e.t > first && e.t < last);
    const got = [];
    for (const c of conns) for (const m of c.messages) if (m.name === name) got.push(m);
    assert(got.length === expected.length, `${name}: ${got.length} snapshots received, ${expected.length} emitted while a client was or had been connected`);
    assert(list.filter(e => e.t < first).length > 0, 'no snapshot before the first client (nothing shown dropped)');
    got.forEach((m, i) => {
      const e = expected[i];
      assert(m.requestCount === e.fires && m.rollingCountShortCircuited === e.rejects,
        `${name} message @${m.offset}: counts do not match the emission at ${e.t}`);
      m.emitted_t_ms = e.t;
      m.state_at_emission = e.state;
    });
  }
}

function checkStream (conns, timelines) {
  const [live, again] = conns;
  for (const c of conns) {
    const text = c.messages;
    assert(text[0].lines[0] === 'retry: 10000' && text[0].lines[1] === 'event: connecttime', `${c.file}: does not start with retry/connecttime`);
    for (const m of c.messages) {
      if (m.name === undefined) continue;
      assert(m.isCircuitBreakerOpen === (m.state_at_emission !== 'closed'), `${c.file} @${m.offset}: isCircuitBreakerOpen ${m.isCircuitBreakerOpen} but ${m.name} was ${m.state_at_emission}`);
      assert(stateAt(timelines[m.name], m.emitted_t_ms) === m.state_at_emission, 'timeline and emission state disagree');
      // currentTime is Date.now() when the snapshot was serialised: at emission, or on delivery for queued ones
      assert(m.currentTime === T0 + m.emitted_t_ms || m.currentTime === T0 + m.t, `${c.file} @${m.offset}: currentTime neither emission nor arrival time`);
    }
  }
  const halfOpenLive = live.messages.filter(m => m.state_at_emission === 'half-open');
  assert(halfOpenLive.length > 0 && halfOpenLive.every(m => m.isCircuitBreakerOpen), 'no half-open snapshot on the live connection');
  assert(live.messages.some(m => m.state_at_emission === 'open'), 'no open snapshot live');
  assert(live.messages.every(m => !m.name || (m.t === m.emitted_t_ms && m.currentTime === T0 + m.t)), 'live snapshot not delivered when emitted');
  const firstLive = live.messages.find(m => m.name);
  assert(firstLive.emitted_t_ms === Math.ceil(live.connected_t_ms / 1000) * 1000, 'first live snapshot is not the next one after connecting');
  const backlog = again.messages.filter(m => m.name && m.emitted_t_ms < again.connected_t_ms);
  assert(backlog.length > 0 && backlog.every(m => m.t === again.connected_t_ms), 'backlog not delivered at reconnect');
  assert(backlog.some(m => m.currentTime === T0 + m.emitted_t_ms) && backlog.some(m => m.currentTime === T0 + m.t), 'backlog currentTime pattern changed');
  assert(backlog.some(m => m.state_at_emission !== stateAt(timelines[m.name], again.connected_t_ms)), 'backlog shows no state that had changed by the reconnect');
  const names = new Set(again.messages.filter(m => m.name).map(m => m.name));
  assert(names.size === FLEET_B.length, 'not every command on the stream');
}

function serializeStreamTruth (truth) {
  const { timelines, connections, ...head } = truth;
  const lines = ['{'];
  for (const [k, v] of Object.entries(head)) lines.push(`  ${JSON.stringify(k)}: ${JSON.stringify(v)},`);
  lines.push('  "timelines": {');
  const tl = Object.entries(timelines);
  tl.forEach(([k, v], i) => lines.push(`    ${JSON.stringify(k)}: ${JSON.stringify(v)}${i < tl.length - 1 ? ',' : ''}`));
  lines.push('  },');
  lines.push('  "connections": [');
  connections.forEach((c, ci) => {
    const { chunks, messages, ...ch } = c;
    lines.push('    {');
    for (const [k, v] of Object.entries(ch)) lines.push(`      ${JSON.stringify(k)}: ${JSON.stringify(v)},`);
    lines.push('      "chunks": [');
    chunks.forEach((x, i) => lines.push(`        ${JSON.stringify(x)}${i < chunks.length - 1 ? ',' : ''}`));
    lines.push('      ],');
    lines.push('      "messages": [');
    messages.forEach((x, i) => lines.push(`        ${JSON.stringify(x)}${i < messages.length - 1 ? ',' : ''}`));
    lines.push('      ]');
    lines.push(`    }${ci < connections.length - 1 ? ',' : ''}`);
  });
  lines.push('  ]');
  lines.push('}');
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------------------

const GENERATED = {
  opossum: [...Array.from({ length: SCRAPES }, (_, i) => `page-${String(i + 1).padStart(2, '0')}.prom`), 'truth.json'],
  hystrix: ['stream-live.txt', 'stream-reconnect.txt', 'stream-truth.json']
};

// A page without the prom-client default process metrics (families opossum_*),
// which measure the real process and differ on every run.
function withoutProcessFamilies (text) {
  return text.split('\n').filter(line => {
    const m = /^# (?:HELP|TYPE) (\S+)/.exec(line) || /^([A-Za-z_:][A-Za-z0-9_:]*)/.exec(line);
    return !(m && m[1].startsWith('opossum_'));
  }).join('\n').replace(/\n{3,}/g, '\n\n');
}

async function generate (outDir) {
  const a = await capturePrometheus(outDir);
  const b = await captureHystrix(outDir);
  return { a, b };
}

function compare (fresh, committed) {
  const diffs = [];
  for (const [sub, files] of Object.entries(GENERATED)) {
    const present = fs.existsSync(path.join(committed, sub)) ? fs.readdirSync(path.join(committed, sub)) : [];
    for (const f of present) if (!files.includes(f)) diffs.push(`${sub}/${f}: stale (not produced by the generator)`);
    for (const f of files) {
      const pa = path.join(fresh, sub, f);
      const pb = path.join(committed, sub, f);
      if (!fs.existsSync(pb)) { diffs.push(`${sub}/${f}: missing in committed data`); continue; }
      let a = fs.readFileSync(pa, 'latin1');
      let b = fs.readFileSync(pb, 'latin1');
      if (f.endsWith('.prom')) { a = withoutProcessFamilies(a); b = withoutProcessFamilies(b); }
      if (a !== b) {
        const la = a.split('\n');
        const lb = b.split('\n');
        let i = 0;
        while (i < la.length && la[i] === lb[i]) i++;
        diffs.push(`${sub}/${f}: differs at line ${i + 1}\n    regenerated: ${(la[i] || '').slice(0, 200)}\n    committed:   ${(lb[i] || '').slice(0, 200)}`);
      }
    }
  }
  return diffs;
}

function summarise ({ a, b }) {
  const last = a.scrapes[a.scrapes.length - 1];
  console.log(`opossum-prometheus: ${a.scrapes.length} pages; events listened when added: ${a.eventsAtAdd.join(',')}`);
  console.log('  no event="halfOpen" series on any page (verified); counter `circuit` (no _total), labels name,event');
  for (const [name, v] of Object.entries(last.breakers)) {
    console.log(`  ${name.padEnd(32)} final=${v.state.padEnd(9)} open=${v.open} halfOpen=${v.halfOpen} close=${v.close}`);
  }
  for (const c of b.connections) {
    const backlog = c.messages.filter(m => m.name && m.emitted_t_ms < c.connected_t_ms);
    const old = backlog.filter(m => m.currentTime === T0 + m.emitted_t_ms).length;
    console.log(`opossum-hystrix ${c.file}: ${c.bytes} bytes, ${c.messages.length} SSE blocks, connected ${c.connected_t_ms}-${c.disconnected_t_ms} ms` +
      (backlog.length ? `, backlog ${backlog.length} snapshots at ${c.connected_t_ms} ms (${old} with their emission currentTime, ${backlog.length - old} with the reconnect time)` : ''));
  }
}

async function main () {
  const args = process.argv.slice(2);
  if (args.includes('--check')) {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'breaker-fleet-'));
    try {
      await generate(tmp);
      const diffs = compare(tmp, DATA_DIR);
      if (diffs.length) {
        console.error(`fleet capture data is out of date (${diffs.length} difference(s)):`);
        for (const d of diffs) console.error('  ' + d);
        process.exitCode = 1;
      } else {
        console.log('fleet capture data up to date (opossum_* process metric families not compared)');
      }
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    return;
  }
  for (const sub of Object.keys(GENERATED)) fs.rmSync(path.join(DATA_DIR, sub), { recursive: true, force: true });
  summarise(await generate(DATA_DIR));
}

main().catch(err => { console.error(err); process.exit(2); });
