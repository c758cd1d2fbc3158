#!/usr/bin/env node
'use strict';
// Writes a large deterministic event stream for benchmarks:
//
//   node make-big-stream.js N OUT [SEED]
//
// Same line format as the scenarios ({"t":65000,"ok":false,"latency_ms":12.5}),
// a flaky-ish pattern (segments of 10-60 s with 2-35 % failures at 5-60
// calls/s) with regular total outages (30-120 s of 100 % failures), occasional
// quiet gaps longer than 30 s and occasional bursts sharing one t.
// Streams to disk in chunks: memory use does not grow with N.

const fs = require('fs');
const { mulberry32 } = require('./generate-scenarios');

function main () {
  const [nArg, out, seedArg] = process.argv.slice(2);
  const N = Number(nArg);
  if (!Number.isSafeInteger(N) || N <= 0 || !out) {
    console.error('usage: node make-big-stream.js N OUT [SEED]');
    process.exit(2);
  }
  const rng = mulberry32(seedArg !== undefined ? Number(seedArg) >>> 0 : 0xb16b00b5);
  const uniform = (a, b) => a + (b - a) * rng();
  const int = (a, b) => a + Math.floor((b - a + 1) * rng());
  const latency = () => {
    let l = 4 + 30 * rng() * rng();
    const u = rng();
    if (u < 0.03) l += 60 + 300 * rng();
    else if (u < 0.035) l += 1000 + 3000 * rng();
    return Math.round(l * 10) / 10;
  };

  const fd = fs.openSync(out, 'w');
  let chunk = '';
  let inChunk = 0;
  const flushEvery = 20000;
  let t = 0;
  let written = 0;
  const emit = ok => {
    chunk += `{"t":${t},"ok":${ok ? 'true' : 'false'},"latency_ms":${latency()}}\n`;
    written++;
    if (++inChunk === flushEvery) {
      fs.writeSync(fd, chunk);
      chunk = '';
      inChunk = 0;
    }
  };

  let untilOutage = int(600000, 1200000); // ms of traffic before the next outage
  while (written < N) {
    let dur, rate, pFail;
    if (untilOutage <= 0) {
      dur = int(30000, 120000);
      rate = uniform(5, 40);
      pFail = 1.0;
      untilOutage = int(600000, 1200000);
    } else {
      dur = int(10000, 60000);
      rate = uniform(5, 60);
      pFail = uniform(0.02, 0.35);
      untilOutage -= dur;
    }
    const end = t + dur;
    const mean = 1000 / rate;
    while (written < N) {
      const g = Math.round(-mean * Math.log(1 - rng()));
      if (t + g > end) break;
      t += g;
      if (rng() < 0.002) {
        const k = int(20, 200); // burst at a single instant
        for (let i = 0; i < k && written < N; i++) emit(rng() >= pFail);
      } else {
        emit(rng() >= pFail);
      }
    }
    t = end;
    if (rng() < 0.05) t += int(31000, 90000); // quiet: timers fire without traffic
  }
  if (chunk) fs.writeSync(fd, chunk);
  fs.closeSync(fd);
  console.error(`wrote ${written} events, ${(t / 1000).toFixed(0)} s simulated, to ${out}`);
}

main();
