#!/usr/bin/env bash
# Issue 15, item 3: the CPU of `breakerwatch-cli serve` scraping N demo /metrics pages at 1 s, measured side by side
# with Debian's `prometheus` scraping the same pages at the same interval (one after the other, same demo fleet).
# Both get the targets in Prometheus's own syntax (scrape_configs, static_configs); serve's configuration has nothing
# else, so it polls only the /metrics pages, as Prometheus does.
#
#   tests/bench/poller-vs-prometheus.sh [--instances 1000] [--warmup 30] [--seconds 60] [--runs 1]
#                                       [--port 25000] [--build build/default] [--keep]
#
# For each process it prints CPU (utime + stime from /proc/PID/stat over --seconds, after --warmup), RSS at the end,
# and the loopback traffic per second (/proc/net/dev, `lo`): the demo does not compress, so the same figure on both
# sides means both fetched the same pages (run it on an otherwise quiet loopback). Prometheus's own `up` gives how
# many targets answered. Exit 0 when serve's median CPU is at most Prometheus's, 1 when it is higher, 2 on a setup
# error.
set -euo pipefail

instances=1000
warmup=30
seconds=60
runs=1
port=25000
build=build/default
keep=0
while [[ $# -gt 0 ]]; do
    case "$1" in
    --instances) instances="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --build) build="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h | --help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "poller-vs-prometheus.sh: unknown option $1" >&2; exit 2 ;;
    esac
done

demo="$build/app/demo/breakerwatch-demo"
cli="$build/app/cli/breakerwatch-cli"
for binary in "$demo" "$cli"; do
    [[ -x "$binary" ]] || { echo "poller-vs-prometheus.sh: $binary is missing" >&2; exit 2; }
done
command -v prometheus >/dev/null || { echo "poller-vs-prometheus.sh: prometheus is not installed" >&2; exit 2; }
command -v curl >/dev/null || { echo "poller-vs-prometheus.sh: curl is not installed" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/bw-poller.XXXXXX")"
demo_pid=""
measured_pid=""
cleanup() {
    [[ -n "$measured_pid" ]] && kill "$measured_pid" 2>/dev/null && wait "$measured_pid" 2>/dev/null || true
    [[ -n "$demo_pid" ]] && kill "$demo_pid" 2>/dev/null && wait "$demo_pid" 2>/dev/null || true
    [[ "$keep" == 1 ]] && echo "kept $work" || rm -rf "$work"
}
trap cleanup EXIT

"$demo" --services "$instances" --layout single --listen "127.0.0.1:$port" --write-config "$work/demo.yaml" \
    >"$work/demo.out" 2>"$work/demo.err" &
demo_pid=$!
for _ in $(seq 1 100); do
    grep -q "configuration written" "$work/demo.out" 2>/dev/null && break
    sleep 0.1
done
grep -q "configuration written" "$work/demo.out" 2>/dev/null || { cat "$work/demo.err" >&2; exit 2; }
targets=$(grep -oE "127\.0\.0\.1:[0-9]+/metrics" "$work/demo.yaml" | sed 's|/metrics||' | sort -u)
count=$(echo "$targets" | wc -l)
list=$(echo "$targets" | sed 's/.*/"&"/' | paste -sd, -)
prom_port=$((port + instances + 10))

# The same targets for both, in Prometheus's syntax; only the global block differs.
scrape_configs="scrape_configs: [{job_name: demo, static_configs: [{targets: [$list]}]}]"
printf '%s\n%s\n' "global: {scrape_interval: 1s, scrape_timeout: 1s}" "$scrape_configs" >"$work/prometheus.yml"
printf '%s\n%s\n' "global: {interval: 1s, timeout: 1s}" "$scrape_configs" >"$work/breakerwatch.yaml"

ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
loopback_bytes() { awk '$1 == "lo:" {print $2}' /proc/net/dev; }
rss_mb() { awk '/^VmRSS:/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }

# Runs one poller ("$@"), waits, measures; writes "cpu_percent rss_mb read_kb_per_s" to $work/NAME.result.
measure() {
    local name=$1
    shift
    "$@" >"$work/$name.out" 2>"$work/$name.err" &
    measured_pid=$!
    sleep "$warmup"
    kill -0 "$measured_pid" 2>/dev/null || { echo "$name exited early:" >&2; tail "$work/$name.err" >&2; exit 2; }
    local c0 r0 c1 r1
    c0=$(cpu_ticks "$measured_pid")
    r0=$(loopback_bytes)
    sleep "$seconds"
    c1=$(cpu_ticks "$measured_pid")
    r1=$(loopback_bytes)
    local rss
    rss=$(rss_mb "$measured_pid")
    if [[ "$name" == prometheus* ]]; then
        local up
        up=$(curl -s "http://127.0.0.1:$prom_port/api/v1/query" --data-urlencode 'query=count(up == 1)' |
            grep -oE '"value":\[[0-9.]+,"[0-9]+"' | grep -oE '"[0-9]+"$' | tr -d '"')
        echo "prometheus: ${up:-0} of $count targets up" >"$work/prometheus.up"
    fi
    kill "$measured_pid" && wait "$measured_pid" 2>/dev/null || true
    measured_pid=""
    awk -v c="$((c1 - c0))" -v t="$ticks" -v s="$seconds" -v m="$rss" -v r="$((r1 - r0))" \
        'BEGIN {printf "%.1f %s %.0f\n", c * 100.0 / t / s, m, r / 1024.0 / s}' >"$work/$name.result"
}

median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

echo "poller benchmark: $count demo /metrics pages at 1 s; ${warmup} s warm-up, ${seconds} s measured, $runs run(s)"
printf '%-26s %4s %8s %8s %12s\n' process run "cpu_%" rss_mb lo_kB/s
declare -a prom_cpu serve_cpu
for run in $(seq 1 "$runs"); do
    rm -rf "$work/tsdb" "$work/data"
    measure prometheus prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
        --web.listen-address="127.0.0.1:$prom_port" --log.level=warn
    read -r cpu rss read_rate <"$work/prometheus.result"
    printf '%-26s %4d %8s %8s %12s\n' "prometheus $(prometheus --version 2>&1 | awk 'NR == 1 {print $3}')" \
        "$run" "$cpu" "$rss" "$read_rate"
    prom_cpu+=("$cpu")
    cat "$work/prometheus.up"
    measure serve "$cli" serve --config "$work/breakerwatch.yaml" --metrics-listen off --data-dir "$work/data"
    read -r cpu rss read_rate <"$work/serve.result"
    printf '%-26s %4d %8s %8s %12s\n' "breakerwatch-cli serve" "$run" "$cpu" "$rss" "$read_rate"
    serve_cpu+=("$cpu")
done
prom_median=$(printf '%s\n' "${prom_cpu[@]}" | median)
serve_median=$(printf '%s\n' "${serve_cpu[@]}" | median)
echo "median CPU: prometheus $prom_median %, serve $serve_median % of one core"
if awk -v s="$serve_median" -v p="$prom_median" 'BEGIN {exit !(s <= p)}'; then
    echo "verdict: PASS (serve uses no more CPU than Prometheus)"
    exit 0
fi
echo "verdict: FAIL (serve uses more CPU than Prometheus)"
exit 1
