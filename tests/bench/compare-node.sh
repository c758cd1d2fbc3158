#!/usr/bin/env bash
# Whole-command comparison: `breakerwatch-cli replay` (process start to exit, JSONL parsing included)
# against the same replay through the real opossum / cockatiel in Node (tests/conformance/bench-node.js).
#
#   tests/bench/compare-node.sh [EVENTS]        EVENTS: 1000000 (default), or e.g. 10000000 / 10m
#
# Environment:
#   BW_CLI       breakerwatch-cli binary (default build/bench/app/cli/breakerwatch-cli)
#   OUR_RUNS     timed runs of our command per lib, median reported (default 5)
#   NODE_RUNS    runs of bench-node.js per lib, median reported (default 3)
#   NODE_FLAGS   extra bench-node.js flags, e.g. "--sync-tick" (faster Node baseline, same transitions)
#   LIBS         libs to compare (default "opossum cockatiel-consecutive cockatiel-count cockatiel-sampling")
#   KEEP=1       keep the temp dir with the stream and the outputs
#
# Each lib uses the option set bench-node.js uses by default (cases.config.js id below, passed to bench-node
# with --config so both sides cannot drift); our side gets the same values as --set key=value, read from
# cases.config.js. The transitions count of both sides is printed and must match: a difference means an
# engine bug (exit status 1).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CONF="$ROOT/tests/conformance"
CLI="${BW_CLI:-$ROOT/build/bench/app/cli/breakerwatch-cli}"
OUR_RUNS="${OUR_RUNS:-5}"
NODE_RUNS="${NODE_RUNS:-3}"
NODE_FLAGS="${NODE_FLAGS:-}"
LIBS="${LIBS:-opossum cockatiel-consecutive cockatiel-count cockatiel-sampling}"

EVENTS="${1:-1000000}"
case "$EVENTS" in
    *m | *M) EVENTS=$((${EVENTS%[mM]} * 1000000)) ;;
    *k | *K) EVENTS=$((${EVENTS%[kK]} * 1000)) ;;
esac

# The default option set of each LIB in bench-node.js (DEFAULT_CONFIG there).
config_id() {
    case "$1" in
        opossum) echo opossum-default ;;
        cockatiel-consecutive) echo cockatiel-consecutive-5 ;;
        cockatiel-count) echo cockatiel-count-20 ;;
        cockatiel-sampling) echo cockatiel-sampling-fast ;;
        *) echo "unknown lib $1" >&2; exit 2 ;;
    esac
}

[[ -x "$CLI" ]] || { echo "no $CLI; build it: cmake --build build/bench --target breakerwatch-cli" >&2; exit 2; }
command -v node > /dev/null || { echo "node is required" >&2; exit 2; }
if [[ ! -d "$CONF/node_modules/opossum" || ! -d "$CONF/node_modules/cockatiel" ]]; then
    (cd "$CONF" && npm ci --no-audit --no-fund)
fi

TMP="$(mktemp -d "${TMPDIR:-/tmp}/bw-compare.XXXXXX")"
if [[ "${KEEP:-0}" != 1 ]]; then
    trap 'rm -rf "$TMP"' EXIT
else
    echo "keeping $TMP" >&2
fi
STREAM="$TMP/events-$EVENTS.jsonl"

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
now_ns() { date +%s%N; }
# A field of the last JSON line of a file: {"summary":{...}} (ours) or {...} (bench-node).
json_field() {
    node -e 'const fs = require("fs");
const lines = fs.readFileSync(process.argv[1], "utf8").trim().split("\n");
let o = JSON.parse(lines[lines.length - 1]); if (o.summary) o = o.summary;
console.log(o[process.argv[2]]);' "$1" "$2"
}
# --set key=value for every option of a cases.config.js config (null -> "null": the library default).
set_args() {
    (cd "$CONF" && node -e 'const { CONFIGS } = require("./cases.config");
const c = CONFIGS.find(x => x.id === process.argv[1]);
if (!c) { console.error("no config " + process.argv[1]); process.exit(2); }
for (const [k, v] of Object.entries(c.set)) console.log("--set\n" + k + "=" + (v === null ? "null" : v));' "$1")
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')" >&2
echo "generating $EVENTS events -> $STREAM" >&2
(cd "$CONF" && node make-big-stream.js "$EVENTS" "$STREAM")
echo "stream: $(du -h "$STREAM" | cut -f1)" >&2
cat "$STREAM" > /dev/null # warm the page cache for both sides

status=0
rows=()
for lib in $LIBS; do
    id="$(config_id "$lib")"
    mapfile -t sets < <(set_args "$id")
    echo "== $lib ($id): ${sets[*]}" >&2

    ours=() ours_loop=()
    for ((i = 0; i < OUR_RUNS; i++)); do
        start=$(now_ns)
        "$CLI" replay --in "$STREAM" --preset "$lib" "${sets[@]}" > "$TMP/ours-$lib.jsonl"
        end=$(now_ns)
        ours+=("$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", (b - a) / 1e6 }')")
        ours_loop+=("$(json_field "$TMP/ours-$lib.jsonl" wall_ms)")
    done
    our_ms=$(printf '%s\n' "${ours[@]}" | median)
    our_loop_ms=$(printf '%s\n' "${ours_loop[@]}" | median)
    our_tr=$(json_field "$TMP/ours-$lib.jsonl" transitions)
    echo "   ours: total ms ${ours[*]} (median $our_ms), replay loop ms median $our_loop_ms, transitions $our_tr" >&2

    node_tot=() node_rep=()
    for ((i = 0; i < NODE_RUNS; i++)); do
        # shellcheck disable=SC2086 # NODE_FLAGS is a list of flags
        (cd "$CONF" && node bench-node.js "$STREAM" "$lib" --config "$id" $NODE_FLAGS) > "$TMP/node-$lib.json"
        node_tot+=("$(json_field "$TMP/node-$lib.json" wall_ms_total)")
        node_rep+=("$(json_field "$TMP/node-$lib.json" wall_ms_replay)")
    done
    node_ms=$(printf '%s\n' "${node_tot[@]}" | median)
    node_replay_ms=$(printf '%s\n' "${node_rep[@]}" | median)
    node_tr=$(json_field "$TMP/node-$lib.json" transitions)
    echo "   node: total ms ${node_tot[*]} (median $node_ms), replay ms median $node_replay_ms, transitions $node_tr" >&2

    match=yes
    if [[ "$our_tr" != "$node_tr" ]]; then
        match="NO"
        status=1
        echo "!!! $lib: transitions differ: ours $our_tr, node $node_tr -- engine bug, see $TMP" >&2
    fi
    speedup=$(awk -v n="$node_ms" -v o="$our_ms" 'BEGIN { printf "%.1f", n / o }')
    rows+=("$(printf '| %-21s | %12s | %13s | %11s | %12s | %7sx | %8s | %8s | %-5s |' "$lib" "$node_ms" \
        "$node_replay_ms" "$our_ms" "$our_loop_ms" "$speedup" "$node_tr" "$our_tr" "$match")")
done

echo
echo "events: $EVENTS   our runs: $OUR_RUNS   node runs: $NODE_RUNS   node flags: ${NODE_FLAGS:-(none)}"
printf '| %-21s | %12s | %13s | %11s | %12s | %8s | %8s | %8s | %-5s |\n' lib "node total ms" "node replay ms" \
    "our total ms" "our loop ms" speed-up "node tr" "our tr" match
printf '| %-21s | %12s | %13s | %11s | %12s | %8s | %8s | %8s | %-5s |\n' --- ---: ---: ---: ---: ---: ---: ---: ---
printf '%s\n' "${rows[@]}"
if ((status != 0)); then
    echo
    echo "TRANSITION COUNTS DIFFER for at least one lib: the engine does not reproduce the library (see above)."
fi
exit $status
