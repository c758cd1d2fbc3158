#!/usr/bin/env bash
# Soak (issue 15, item 4): `breakerwatch-cli serve` watching ~1,000 demo instances at 1 s for an hour (or
# --minutes N). Every minute it samples serve's RSS (VmRSS in /proc/PID/status, and RssAnon: the heap without the mapped
# binary), its open file descriptors (/proc/PID/fd) and the size of the history store folder, prints a table and a verdict:
#   RSS growth from minute 10 to the end < 5 %, open fds at the end no higher than at minute 10.
# (With fewer than 11 minutes the baseline is the first sample after minute 1, and the verdict says so.)
#
#   tests/bench/soak.sh [--minutes 60] [--services 1000] [--layout single] [--build build/default]
#                       [--port 21000] [--work DIR]
#
# --layout single gives one instance per service (1,000 services = 1,000 instances); --layout applications gives
# 2-3 instances per service (use --services 400). Exit status 0 when the verdict passes, 1 when it fails, 2 on a
# setup error. Everything lives in --work (default: a fresh mktemp -d folder), removed unless --keep.
set -euo pipefail

minutes=60
services=1000
layout=single
build=build/default
port=21000
work=""
keep=0
while [[ $# -gt 0 ]]; do
    case "$1" in
    --minutes) minutes="$2"; shift 2 ;;
    --services) services="$2"; shift 2 ;;
    --layout) layout="$2"; shift 2 ;;
    --build) build="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h | --help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "soak.sh: unknown option $1" >&2; exit 2 ;;
    esac
done

demo="$build/app/demo/breakerwatch-demo"
cli="$build/app/cli/breakerwatch-cli"
for binary in "$demo" "$cli"; do
    if [[ ! -x "$binary" ]]; then
        echo "soak.sh: $binary is missing (build breakerwatch-demo and breakerwatch-cli)" >&2
        exit 2
    fi
done
[[ -n "$work" ]] || work="$(mktemp -d "${TMPDIR:-/tmp}/bw-soak.XXXXXX")"
mkdir -p "$work/data"

demo_pid=""
serve_pid=""
cleanup() {
    [[ -n "$serve_pid" ]] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null || true
    [[ -n "$demo_pid" ]] && kill "$demo_pid" 2>/dev/null && wait "$demo_pid" 2>/dev/null || true
    [[ "$keep" == 1 ]] || rm -rf "$work"
}
trap cleanup EXIT

"$demo" --services "$services" --layout "$layout" --listen "127.0.0.1:$port" --write-config "$work/fleet.yaml" \
    >"$work/demo.out" 2>"$work/demo.err" &
demo_pid=$!
for _ in $(seq 1 100); do
    [[ -s "$work/fleet.yaml" ]] && grep -q "configuration written" "$work/demo.out" 2>/dev/null && break
    sleep 0.1
done
if ! grep -q "configuration written" "$work/demo.out" 2>/dev/null; then
    echo "soak.sh: the demo did not start:" >&2
    cat "$work/demo.err" >&2
    exit 2
fi
# The demo writes a 2 s interval; the soak polls at 1 s.
sed -i -E 's/^(  interval:) .*/\1 1s/; s/^(  timeout:) .*/\1 1s/' "$work/fleet.yaml"
instances=$(grep -oE "127\.0\.0\.1:[0-9]+" "$work/fleet.yaml" | sort -u | wc -l)

"$cli" serve --config "$work/fleet.yaml" --metrics-listen off --data-dir "$work/data" \
    >"$work/serve.out" 2>"$work/serve.err" &
serve_pid=$!

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
anon_kb() { awk '/^RssAnon:/ {print $2}' "/proc/$1/status"; } # the heap, without the mapped binary and libraries
fds() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }
store_kb() { du -sk "$work/data" | awk '{print $1}'; }

echo "soak: $services services ($layout layout, $instances instances) at 1 s, $minutes min"
echo "work folder: $work"
printf '%6s %10s %10s %6s %10s\n' minute rss_kb anon_kb fds store_kb
declare -a rss_at fds_at
for minute in $(seq 0 "$minutes"); do
    if [[ "$minute" -gt 0 ]]; then
        sleep 60
    fi
    if ! kill -0 "$serve_pid" 2>/dev/null; then
        echo "soak.sh: serve exited early:" >&2
        tail -20 "$work/serve.err" >&2
        exit 1
    fi
    rss_at[minute]=$(rss_kb "$serve_pid")
    fds_at[minute]=$(fds "$serve_pid")
    printf '%6d %10d %10d %6d %10d\n' "$minute" "${rss_at[minute]}" "$(anon_kb "$serve_pid")" "${fds_at[minute]}" \
        "$(store_kb)"
done

base=10
note=""
if [[ "$minutes" -le "$base" ]]; then
    base=1
    note=" (short run: baseline minute 1, not 10)"
fi
if [[ "$minutes" -le "$base" ]]; then
    echo "verdict: too short to judge (need more than $base minutes)"
    exit 0
fi
growth=$(awk -v a="${rss_at[base]}" -v b="${rss_at[minutes]}" 'BEGIN {printf "%.2f", (b - a) * 100.0 / a}')
fd_delta=$((fds_at[minutes] - fds_at[base]))
rss_ok=$(awk -v g="$growth" 'BEGIN {print (g < 5.0) ? 1 : 0}')
echo "RSS growth minute $base -> $minutes: $growth %$note; open fds ${fds_at[base]} -> ${fds_at[minutes]}"
errors=$(grep -c . "$work/serve.err" || true)
echo "serve wrote $errors line(s) to standard error"
if [[ "$rss_ok" == 1 && "$fd_delta" -le 0 ]]; then
    echo "verdict: PASS (RSS growth < 5 %, fds flat)"
    exit 0
fi
echo "verdict: FAIL"
exit 1
