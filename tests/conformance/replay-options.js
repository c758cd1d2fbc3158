#!/usr/bin/env node
'use strict';
// Replays a scenario through a REAL library configured by an exported policy:
//
//   node replay-options.js OPTIONS.json EVENTS.jsonl [--timeout-ms MS]
//       opossum built from an options JSON file, e.g. the output of
//       `breakerwatch-cli export-policy --format opossum`;
//   node replay-options.js --cockatiel SNIPPET.ts EVENTS.jsonl [--timeout-ms MS]
//       the cockatiel policy that a snippet of
//       `breakerwatch-cli export-policy --format cockatiel` builds: its
//       `import { ... } from 'cockatiel'` becomes a require() and the policy
//       is the snippet's `const NAME = circuitBreaker(...)`; nothing else is
//       rewritten, so a snippet that is not valid JavaScript fails.
//
// Prints the transitions and the summary in the transcript format of
// record.js (same replay engine, replay.js: fake timers from t = 0, one call
// per event; opossum with `timeout: false`). An options file must hold every
// option the harness replays (errorThresholdPercentage, volumeThreshold,
// rollingCountTimeout, rollingCountBuckets, resetTimeout, allowWarmUp) with
// the JSON types opossum expects, plus optionally `name`; anything else is
// refused, so no option of the file is silently ignored. Exit 2 on bad input.

const fs = require('fs');
const { replay, parseJsonl, PRESETS } = require('./replay');

const BOOLEAN_OPTIONS = new Set(['allowWarmUp']);
const IGNORED_OPTIONS = new Set(['name']); // only labels the circuit in opossum's stats

function fail (message) {
  process.stderr.write(`replay-options.js: ${message}\n`);
  process.exit(2);
}

function optionsToSet (options) {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    fail('the options file must hold a JSON object');
  }
  const keys = PRESETS.opossum;
  for (const key of Object.keys(options)) {
    if (!keys.includes(key) && !IGNORED_OPTIONS.has(key)) {
      fail(`option "${key}" is not one this harness replays (${keys.join(', ')}, name)`);
    }
  }
  const set = {};
  for (const key of keys) {
    if (!(key in options)) fail(`option "${key}" is missing`);
    const value = options[key];
    const wanted = BOOLEAN_OPTIONS.has(key) ? 'boolean' : 'number';
    if (typeof value !== wanted) fail(`option "${key}" must be a ${wanted}, got ${JSON.stringify(value)}`);
    set[key] = value;
  }
  if ('name' in options && typeof options.name !== 'string') fail('option "name" must be a string');
  return set;
}

// A function that runs the snippet and returns the policy it declares.
function snippetPolicy (file, text) {
  const importLine = /^import\s*\{([^}]*)\}\s*from\s*'cockatiel';[ \t]*$/m;
  const declaration = /^const\s+([A-Za-z_$][\w$]*)\s*=\s*circuitBreaker\(/m;
  const imported = importLine.exec(text);
  const declared = declaration.exec(text);
  if (!imported) fail(`${file}: no "import { ... } from 'cockatiel';" line`);
  if (!declared) fail(`${file}: no "const NAME = circuitBreaker(" declaration`);
  const body = text.replace(importLine, `const {${imported[1]}} = require('cockatiel');`) +
    `\nreturn ${declared[1]};\n`;
  let run;
  try {
    run = new Function('require', body); // eslint-disable-line no-new-func
  } catch (e) {
    fail(`${file}: not valid JavaScript: ${e.message}`);
  }
  return () => run(require);
}

async function main () {
  const args = process.argv.slice(2);
  let timeoutMs = null;
  let cockatielSnippet = false;
  const files = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--timeout-ms') {
      timeoutMs = Number(args[++i]);
      if (!Number.isFinite(timeoutMs) || timeoutMs < 0) fail('--timeout-ms expects a non-negative number');
    } else if (args[i] === '--cockatiel') {
      cockatielSnippet = true;
    } else {
      files.push(args[i]);
    }
  }
  if (files.length !== 2) {
    fail('usage: node replay-options.js [--cockatiel] OPTIONS.json|SNIPPET.ts EVENTS.jsonl [--timeout-ms MS]');
  }
  let source;
  try {
    source = fs.readFileSync(files[0], 'utf8');
  } catch (e) {
    fail(`${files[0]}: ${e.message}`);
  }
  let testCase;
  const opts = {};
  if (cockatielSnippet) {
    testCase = { preset: 'cockatiel-snippet', set: null, timeout_ms: timeoutMs };
    opts.makePolicy = snippetPolicy(files[0], source);
  } else {
    let options;
    try {
      options = JSON.parse(source);
    } catch (e) {
      fail(`${files[0]}: ${e.message}`);
    }
    testCase = { preset: 'opossum', set: optionsToSet(options), timeout_ms: timeoutMs };
  }
  let events;
  try {
    events = parseJsonl(fs.readFileSync(files[1], 'utf8'));
  } catch (e) {
    fail(`${files[1]}: ${e.message}`);
  }
  const lines = [];
  const summary = await replay(testCase, events, (t, from, to) => {
    lines.push(JSON.stringify({ t, from, to }));
  }, opts);
  lines.push(JSON.stringify({ summary }));
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch(e => {
  process.stderr.write(`replay-options.js: ${e.stack || e}\n`);
  process.exit(1);
});
