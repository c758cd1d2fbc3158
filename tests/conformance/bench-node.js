#!/usr/bin/env node
'use strict';
// Benchmark of the REAL library on an event stream, replayed exactly like
// record.js (same replay.js: fake timers at now=0, one awaited call per event).
//
//   node bench-node.js EVENTS.jsonl LIB [--config ID] [--timeout-ms MS] [--sync-tick]
//
// LIB: opossum | cockatiel-consecutive | cockatiel-count | cockatiel-sampling
// Default option set per LIB (a config id of cases.config.js, override with --config):
//   opossum               -> opossum-default          (50, 0, 10000, 10, 30000, false)
//   cockatiel-consecutive -> cockatiel-consecutive-5  (threshold 5, halfOpenAfter 10000)
//   cockatiel-count       -> cockatiel-count-20       (0.5, size 20, min 20, halfOpenAfter 10000)
//   cockatiel-sampling    -> cockatiel-sampling-fast  (0.5, 5000 ms, minimumRps 2, halfOpenAfter 15000)
//
// Prints one JSON line:
//   {"lib":...,"events":N,"wall_ms_total":...,"wall_ms_replay":...,"transitions":N}
// wall_ms_total = read + parse + replay, wall_ms_replay = replay only
// (process.hrtime; fake timers never touch it).
// --sync-tick: advance the fake clock with clock.tick instead of tickAsync
// (same transcripts, see replay.js; removes ~4 us/event of event-loop yields).

const fs = require('fs');
const { replay } = require('./replay');
const { CONFIGS } = require('./cases.config');

const hrtime = process.hrtime.bigint; // captured before any fake timers
const ms = (a, b) => Number(b - a) / 1e6;

const DEFAULT_CONFIG = {
  opossum: 'opossum-default',
  'cockatiel-consecutive': 'cockatiel-consecutive-5',
  'cockatiel-count': 'cockatiel-count-20',
  'cockatiel-sampling': 'cockatiel-sampling-fast'
};

// Growable columnar storage (Float64Array / Uint8Array), so that 10M events fit.
class Columns {
  constructor (cap) {
    this.length = 0;
    this.t = new Float64Array(cap);
    this.ok = new Uint8Array(cap);
    this.latency = new Float64Array(cap);
  }

  push (t, ok, lat) {
    if (this.length === this.t.length) {
      const cap = this.t.length * 2;
      const t2 = new Float64Array(cap); t2.set(this.t); this.t = t2;
      const o2 = new Uint8Array(cap); o2.set(this.ok); this.ok = o2;
      const l2 = new Float64Array(cap); l2.set(this.latency); this.latency = l2;
    }
    this.t[this.length] = t;
    this.ok[this.length] = ok ? 1 : 0;
    this.latency[this.length] = lat;
    this.length++;
  }

  trim () {
    this.t = this.t.subarray(0, this.length);
    this.ok = this.ok.subarray(0, this.length);
    this.latency = this.latency.subarray(0, this.length);
    return this;
  }
}

// Streamed read (the file may be larger than V8's max string length):
// fixed-size chunks, split on '\n', JSON.parse every line.
function readEvents (file) {
  const size = fs.statSync(file).size;
  const cols = new Columns(Math.max(1024, Math.ceil(size / 40)));
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.allocUnsafe(16 * 1024 * 1024);
  let rest = '';
  let prevT = -Infinity;
  let lineNo = 0;
  const parseLine = line => {
    lineNo++;
    if (line === '') return;
    const ev = JSON.parse(line);
    if (!Number.isInteger(ev.t) || ev.t < prevT) throw new Error(`line ${lineNo}: bad or decreasing t`);
    prevT = ev.t;
    cols.push(ev.t, ev.ok, ev.latency_ms);
  };
  for (;;) {
    const n = fs.readSync(fd, buf, 0, buf.length, null);
    if (n === 0) break;
    // cut at the last newline so multi-byte text is never split
    const lastNl = buf.lastIndexOf(10, n - 1);
    let text;
    if (lastNl < 0) { rest += buf.toString('utf8', 0, n); continue; }
    text = rest + buf.toString('utf8', 0, lastNl);
    rest = buf.toString('utf8', lastNl + 1, n);
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) { parseLine(text.slice(start)); break; }
      parseLine(text.slice(start, nl));
      start = nl + 1;
    }
  }
  if (rest !== '') parseLine(rest);
  fs.closeSync(fd);
  return cols.trim();
}

async function main () {
  const args = process.argv.slice(2);
  const opt = name => {
    const i = args.indexOf(name);
    if (i < 0) return undefined;
    const v = args[i + 1];
    args.splice(i, 2);
    return v;
  };
  const syncTick = args.includes('--sync-tick');
  if (syncTick) args.splice(args.indexOf('--sync-tick'), 1);
  const configId = opt('--config');
  const timeoutArg = opt('--timeout-ms');
  const [file, lib] = args;
  if (!file || !DEFAULT_CONFIG[lib]) {
    console.error('usage: node bench-node.js EVENTS.jsonl opossum|cockatiel-consecutive|cockatiel-count|cockatiel-sampling [--config ID] [--timeout-ms MS]');
    process.exit(2);
  }
  const cfg = CONFIGS.find(c => c.id === (configId || DEFAULT_CONFIG[lib]));
  if (!cfg || cfg.preset !== lib) {
    console.error(`config ${configId} is not a ${lib} config of cases.config.js`);
    process.exit(2);
  }

  const t0 = hrtime();
  const events = readEvents(file);
  const t1 = hrtime();
  const summary = await replay({
    preset: cfg.preset,
    set: cfg.set,
    timeout_ms: timeoutArg !== undefined ? Number(timeoutArg) : null
  }, events, null, { syncTick });
  const t2 = hrtime();

  console.log(JSON.stringify({
    lib,
    events: events.length,
    wall_ms_total: Math.round(ms(t0, t2) * 1000) / 1000,
    wall_ms_replay: Math.round(ms(t1, t2) * 1000) / 1000,
    transitions: summary.transitions
  }));
}

main().catch(err => { console.error(err); process.exit(1); });
