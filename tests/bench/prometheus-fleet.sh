#!/usr/bin/env bash
# prometheus.breakers at scale (issue 14): a real Prometheus (Debian's) holding 6 hours of states for 5,000
# breakers (50 jobs x 100 breakers, the common <prefix>_circuit_breaker_state gauge, 5 % of them opening for ten
# minutes every hour), backfilled with `promtool tsdb create-blocks-from openmetrics`, the samples running on
# 15 minutes past now so that the live instant queries find them. Then `breakerwatch-cli serve` with
# `prometheus.breakers: {interval: 15s, history: 6h}` alone:
#   - time from start to the first full answer (the history read first, then the first interval), from serve's
#     own prometheus_ok line;
#   - CPU per interval (utime + stime from /proc over --intervals intervals, after the first) and RSS at the end;
#   - Prometheus's /api/v1/query and /api/v1/query_range request counts, per interval.
# With --gui it then starts the GUI (xvfb-run) twice on the same configuration and takes a screenshot --after 2 s
# of the fleet wall tab and of the overview tab (its timelines): look at them to see whether both are full by then.
#
#   tests/bench/prometheus-fleet.sh [--breakers 5000] [--hours 6] [--intervals 8] [--build build/default]
#                                   [--gui] [--work DIR] [--keep]
set -euo pipefail

breakers=5000
hours=6
intervals=8
build=build/default
gui=0
work=""
keep=0
while [[ $# -gt 0 ]]; do
    case "$1" in
    --breakers) breakers="$2"; shift 2 ;;
    --hours) hours="$2"; shift 2 ;;
    --intervals) intervals="$2"; shift 2 ;;
    --build) build="$2"; shift 2 ;;
    --gui) gui=1; shift ;;
    --work) work="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h | --help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "prometheus-fleet.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
cli="$build/app/cli/breakerwatch-cli"
for tool in prometheus promtool "$cli"; do
    command -v "$tool" >/dev/null || { echo "prometheus-fleet.sh: $tool not found" >&2; exit 2; }
done
[[ -n "$work" ]] || work=$(mktemp -d)
mkdir -p "$work"
[[ $keep -eq 1 ]] || trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

step=15
now=$(date +%s)
from=$((now - hours * 3600))
to=$((now + 900))
echo "generating $breakers breakers x $(((to - from) / step)) samples ..." >&2
awk -v n="$breakers" -v from="$from" -v to="$to" -v step="$step" 'BEGIN {
    print "# TYPE bench_circuit_breaker_state gauge"
    for (b = 0; b < n; b++) {
        job = sprintf("svc%02d", int(b / 100)); name = sprintf("b%04d", b)
        labels = sprintf("{job=\"%s\",instance=\"10.0.%d.%d:8080\",name=\"%s\"}", job, int(b / 100) % 256, b % 100, name)
        flips = (b % 20 == 7)      # 5 % of the breakers open for ten minutes every hour, each at its own minute
        offset = (b * 37) % 3600
        for (t = from; t <= to; t += step) {
            v = 0
            if (flips && ((t + offset) % 3600) < 600) v = 1
            printf "bench_circuit_breaker_state%s %d %d\n", labels, v, t
        }
    }
    print "# EOF"
}' >"$work/history.om"
echo "backfilling ($(du -h "$work/history.om" | cut -f1)) ..." >&2
promtool tsdb create-blocks-from openmetrics "$work/history.om" "$work/tsdb" >"$work/promtool.log" 2>&1
rm -f "$work/history.om"

port=$((40000 + RANDOM % 20000)) # above the demo fleet's ports (21000 onwards)
while (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
printf 'global: {scrape_interval: 15s}\n' >"$work/prometheus.yml"
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
    --storage.tsdb.retention.time=30d --web.listen-address="127.0.0.1:$port" >"$work/prometheus.log" 2>&1 &
for attempt in $(seq 1 150); do
    curl -sf "http://127.0.0.1:$port/-/ready" >/dev/null 2>&1 && break
    [[ $attempt -eq 150 ]] && { echo "prometheus did not start:" >&2; tail "$work/prometheus.log" >&2; exit 1; }
    sleep 0.2
done
requests() { # the query and query_range counters, summed over codes
    curl -s "http://127.0.0.1:$port/metrics" |
        awk -v h="$1" '$1 ~ "^prometheus_http_requests_total" && index($1, "handler=\"" h "\"") { s += $2 } END { print s + 0 }'
}

cat >"$work/bw.yml" <<EOF
global: {interval: 15s, timeout: 10s}
prometheus:
  url: http://127.0.0.1:$port
  timeout: 30s
  breakers: {interval: 15s, history: ${hours}h}
EOF
started=$(date +%s%N)
"$cli" serve --config "$work/bw.yml" --data-dir "$work/data" >"$work/serve.out" 2>"$work/serve.err" &
serve=$!
until grep -q '"event":"prometheus_ok"' "$work/serve.out" 2>/dev/null; do
    kill -0 $serve 2>/dev/null || { echo "serve stopped:" >&2; cat "$work/serve.err" >&2; exit 1; }
    if grep -q '"event":"prometheus_down"' "$work/serve.out"; then
        echo "serve: Prometheus did not answer:" >&2; cat "$work/serve.out" >&2; exit 1
    fi
    sleep 0.02
done
ready_ms=$((($(date +%s%N) - started) / 1000000))
found=$(grep -c '"event":"breaker_found"' "$work/serve.out" || true)
# The history comes after the first answer, all at once: its first line marks it.
for _ in $(seq 1 3000); do
    grep -q '"between_scrapes":true' "$work/serve.out" && break
    sleep 0.02
done
history_ms=$((($(date +%s%N) - started) / 1000000))
sleep 1
history_lines=$(grep -c '"between_scrapes":true' "$work/serve.out" || true)
echo "serve: every breaker after $ready_ms ms ($found breakers); the ${hours} h of history after $history_ms ms ($history_lines transitions)" >&2
grep -q 'history not read' "$work/serve.err" && grep 'history not read' "$work/serve.err" >&2

ticks=$(getconf CLK_TCK)
cpu() { awk '{ print $14 + $15 }' "/proc/$serve/stat"; }
q0=$(requests /api/v1/query)
c0=$(cpu)
sleep $((intervals * 15))
c1=$(cpu)
q1=$(requests /api/v1/query)
rss=$(awk '/VmRSS/ { print $2 }' "/proc/$serve/status")
cpu_ms=$(((c1 - c0) * 1000 / ticks))
echo "serve: $((cpu_ms / intervals)) ms CPU per 15 s interval ($(awk -v c=$cpu_ms -v s=$((intervals * 15)) 'BEGIN { printf "%.2f", 100 * c / 1000 / s }') % of a core), RSS $((rss / 1024)) MiB" >&2
echo "prometheus: $(((q1 - q0) / intervals)) instant queries per interval; $(requests /api/v1/query_range) range requests in all" >&2
kill $serve
wait $serve 2>/dev/null || true

if [[ $gui -eq 1 ]]; then
    home="$work/gui-home"
    mkdir -p "$home"
    # Two fresh starts: the wall, and the overview with its timelines (do they hold the hours already?).
    for tab in wall overview; do
        rm -rf "$home" && mkdir -p "$home"
        HOME="$home" XDG_CONFIG_HOME="$home/config" XDG_DATA_HOME="$home/data" \
            xvfb-run -a -s "-screen 0 1920x1080x24" "$build/app/gui/breakerwatch" --config "$work/bw.yml" \
            --tab "$tab" --screenshot "$work/$tab-after-2s.png" --after 2 >"$work/gui-$tab.log" 2>&1 || true
        echo "gui: screenshot at 2 s: $work/$tab-after-2s.png (kept with --keep)" >&2
    done
fi
