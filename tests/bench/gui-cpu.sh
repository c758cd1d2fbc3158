#!/usr/bin/env bash
# GUI CPU (issue 13): the `breakerwatch` process watching the demo (`breakerwatch-demo --services 120`, its default
# 2 s interval) under Xvfb at 1920 x 1080 on the overview tab. After --warmup seconds it reads the process's
# utime + stime from /proc/PID/stat over --seconds and prints the share of one core (target < 10 %).
# With --serve it measures `breakerwatch-cli serve` on the same configuration instead (what polling costs without
# the views); with --perf it records a call-graph profile of the measured span into WORK/perf.data.
#
#   tests/bench/gui-cpu.sh [--services 120] [--warmup 30] [--seconds 60] [--tab overview] [--serve] [--perf]
#                          [--build build/default] [--port 25000] [--work DIR] [--keep]
set -euo pipefail

services=120
warmup=30
seconds=60
tab=overview
serve=0
perf=0
build=build/default
port=25000
work=""
keep=0
while [[ $# -gt 0 ]]; do
    case "$1" in
    --services) services="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --tab) tab="$2"; shift 2 ;;
    --serve) serve=1; shift ;;
    --perf) perf=1; shift ;;
    --build) build="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h | --help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "gui-cpu.sh: unknown option $1" >&2; exit 2 ;;
    esac
done

demo="$build/app/demo/breakerwatch-demo"
gui="$build/app/gui/breakerwatch"
cli="$build/app/cli/breakerwatch-cli"
for binary in "$demo" "$gui" "$cli"; do
    [[ -x "$binary" ]] || { echo "gui-cpu.sh: $binary is missing (build it first)" >&2; exit 2; }
done
[[ $serve -eq 1 ]] || command -v xvfb-run >/dev/null || { echo "gui-cpu.sh: xvfb-run not found" >&2; exit 2; }
[[ $perf -eq 0 ]] || command -v perf >/dev/null || { echo "gui-cpu.sh: perf not found" >&2; exit 2; }
[[ -n "$work" ]] || work="$(mktemp -d "${TMPDIR:-/tmp}/bw-guicpu.XXXXXX")"
mkdir -p "$work/home"

pids=()
cleanup() {
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do # the watcher first, the demo last
        kill "${pids[i]}" 2>/dev/null || true
    done
    wait 2>/dev/null || true
    [[ "$keep" == 1 ]] || rm -rf "$work"
}
trap cleanup EXIT

"$demo" --services "$services" --listen "127.0.0.1:$port" --write-config "$work/fleet.yaml" \
    >"$work/demo.out" 2>"$work/demo.err" &
pids+=($!)
for _ in $(seq 1 100); do
    grep -q "configuration written" "$work/demo.out" 2>/dev/null && break
    sleep 0.1
done
grep -q "configuration written" "$work/demo.out" 2>/dev/null || {
    echo "gui-cpu.sh: the demo did not start:" >&2
    cat "$work/demo.err" >&2
    exit 2
}

# A fresh home: no remembered window layout or store from an earlier run.
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/config" XDG_DATA_HOME="$work/home/data"
if [[ $serve -eq 1 ]]; then
    "$cli" serve --config "$work/fleet.yaml" --metrics-listen off >"$work/watcher.out" 2>"$work/watcher.err" &
    pids+=($!)
    watcher=$!
    what="breakerwatch-cli serve"
else
    xvfb-run -a -s "-screen 0 1920x1080x24" "$gui" --config "$work/fleet.yaml" --tab "$tab" \
        >"$work/watcher.out" 2>"$work/watcher.err" & # not killed: it stops its Xvfb once the GUI is gone
    watcher=""
    for _ in $(seq 1 100); do
        watcher=$(pgrep -n -f "^$gui --config $work/fleet.yaml --tab" || true)
        [[ -n "$watcher" ]] && break
        sleep 0.1
    done
    [[ -n "$watcher" ]] || { echo "gui-cpu.sh: the GUI did not start" >&2; exit 2; }
    pids+=("$watcher") # xvfb-run does not pass its signal on
    what="breakerwatch ($tab tab)"
fi

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
sleep "$warmup"
kill -0 "$watcher" 2>/dev/null || { echo "gui-cpu.sh: $what exited:" >&2; tail "$work/watcher.err" >&2; exit 1; }
if [[ $perf -eq 1 ]]; then
    perf record -F 499 --call-graph dwarf,16384 -p "$watcher" -o "$work/perf.data" -- sleep "$seconds" >"$work/perf.log" 2>&1 &
    perf_pid=$!
fi
before=$(ticks "$watcher")
sleep "$seconds"
after=$(ticks "$watcher")
[[ $perf -eq 0 ]] || wait "$perf_pid" || true
hz=$(getconf CLK_TCK)
echo "$what, demo --services $services: $(awk -v t=$((after - before)) -v hz="$hz" -v s="$seconds" \
    'BEGIN {printf "%.1f", t * 100.0 / hz / s}') % of a core over $seconds s (after $warmup s)"
[[ $perf -eq 0 ]] || echo "profile: perf report -i $work/perf.data --no-children (kept with --keep)"
