#!/usr/bin/env node
'use strict';
// Replays every case of cases.config.js through the REAL library under fake
// timers and writes golden transcripts.
//
//   node record.js           -> writes ../data/conformance/expected/<case>.jsonl
//                               and ../data/conformance/cases.json
//   node record.js --check   -> regenerates scenarios + transcripts + manifest
//                               into a temp dir and diffs them against the
//                               committed files; exit 1 on any difference.
//   node record.js --check --sync-tick -> same check, replaying with the
//                               synchronous clock.tick (equivalence check)
//   node record.js --only NAME[,NAME...]  -> record only these cases (debugging;
//                               the manifest is still written in full)

const fs = require('fs');
const os = require('os');
const path = require('path');
const { replay, parseJsonl } = require('./replay');
const { cases } = require('./cases.config');
const { generateAll } = require('./generate-scenarios');

const DATA_DIR = path.join(__dirname, '..', 'data', 'conformance');

function manifestFor (list) {
  return list.map(c => ({
    name: c.name,
    scenario: `scenarios/${c.scenario}.jsonl`,
    preset: c.preset,
    set: c.set,
    timeout_ms: c.timeout_ms,
    expected: `expected/${c.name}.jsonl`
  }));
}

function serializeManifest (m) {
  // one case per line: diff-friendly, still plain JSON
  return '[\n' + m.map(e => '  ' + JSON.stringify(e)).join(',\n') + '\n]\n';
}

let SYNC_TICK = false;

async function recordCase (c, scenarioDir) {
  const text = fs.readFileSync(path.join(scenarioDir, `${c.scenario}.jsonl`), 'utf8');
  const events = parseJsonl(text);
  const lines = [];
  const summary = await replay(c, events, (t, from, to) => {
    lines.push(JSON.stringify({ t, from, to }));
  }, { syncTick: SYNC_TICK });
  lines.push(JSON.stringify({ summary }));
  return { body: lines.join('\n') + '\n', summary };
}

async function recordAll (outDir, scenarioDir, only) {
  fs.mkdirSync(path.join(outDir, 'expected'), { recursive: true });
  const results = [];
  for (const c of cases) {
    if (only && !only.includes(c.name)) continue;
    const { body, summary } = await recordCase(c, scenarioDir);
    fs.writeFileSync(path.join(outDir, 'expected', `${c.name}.jsonl`), body);
    results.push({ name: c.name, ...summary });
  }
  fs.writeFileSync(path.join(outDir, 'cases.json'), serializeManifest(manifestFor(cases)));
  return results;
}

function listFiles (dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).sort();
}

function compareDirs (fresh, committed, label, diffs) {
  const a = listFiles(fresh);
  const b = listFiles(committed);
  for (const f of new Set([...a, ...b])) {
    const pa = path.join(fresh, f);
    const pb = path.join(committed, f);
    if (!fs.existsSync(pb)) { diffs.push(`${label}/${f}: missing in committed data`); continue; }
    if (!fs.existsSync(pa)) { diffs.push(`${label}/${f}: stale (not produced by the generator)`); continue; }
    if (!fs.readFileSync(pa).equals(fs.readFileSync(pb))) {
      const la = fs.readFileSync(pa, 'utf8').split('\n');
      const lb = fs.readFileSync(pb, 'utf8').split('\n');
      let i = 0;
      while (i < la.length && la[i] === lb[i]) i++;
      diffs.push(`${label}/${f}: differs at line ${i + 1}\n    regenerated: ${la[i]}\n    committed:   ${lb[i]}`);
    }
  }
}

async function main () {
  const args = process.argv.slice(2);
  // --sync-tick: replay with clock.tick instead of clock.tickAsync (only meant
  // for `--check --sync-tick`, to show both give the same transcripts)
  SYNC_TICK = args.includes('--sync-tick');
  if (args.includes('--check')) {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'breaker-conformance-'));
    try {
      const diffs = [];
      generateAll(path.join(tmp, 'scenarios'));
      compareDirs(path.join(tmp, 'scenarios'), path.join(DATA_DIR, 'scenarios'), 'scenarios', diffs);
      // transcripts are replayed from the COMMITTED scenarios
      await recordAll(tmp, path.join(DATA_DIR, 'scenarios'));
      compareDirs(path.join(tmp, 'expected'), path.join(DATA_DIR, 'expected'), 'expected', diffs);
      const m1 = fs.readFileSync(path.join(tmp, 'cases.json'), 'utf8');
      const m0 = fs.existsSync(path.join(DATA_DIR, 'cases.json'))
        ? fs.readFileSync(path.join(DATA_DIR, 'cases.json'), 'utf8') : null;
      if (m1 !== m0) diffs.push('cases.json differs');
      if (diffs.length) {
        console.error(`conformance data is out of date (${diffs.length} difference(s)):`);
        for (const d of diffs) console.error('  ' + d);
        process.exitCode = 1;
      } else {
        console.log(`conformance data up to date (${cases.length} cases)`);
      }
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    return;
  }
  const oi = args.indexOf('--only');
  const only = oi >= 0 ? args[oi + 1].split(',') : null;
  if (!only) fs.rmSync(path.join(DATA_DIR, 'expected'), { recursive: true, force: true });
  const results = await recordAll(DATA_DIR, path.join(DATA_DIR, 'scenarios'), only);
  for (const r of results) {
    console.log(`${r.name.padEnd(44)} transitions=${String(r.transitions).padStart(4)} opens=${String(r.opens).padStart(3)} rejected=${String(r.rejected).padStart(5)} events=${r.events} final=${r.final_state}`);
  }
  console.log(`${results.length} cases recorded`);
}

main().catch(err => { console.error(err); process.exit(2); });
