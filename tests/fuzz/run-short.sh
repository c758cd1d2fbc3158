#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz (into build/fuzz, with clang++) and runs each for a few seconds, one at a
# time. Exits non-zero when a target finds something (a crash, a sanitizer report, a broken invariant, a timeout);
# the input is kept in build/fuzz/findings/. The long runs (docs/FUZZING.md) are the same with other limits:
#   tests/fuzz/run-short.sh [target...]
#   BW_FUZZ_SECONDS=N   at most N seconds per target (default 5)
#   BW_FUZZ_RUNS=N      at most N executions per target (default: no limit)
#   BW_FUZZ_TIMEOUT=N   an input running longer than N seconds is a finding (default 10; a long run beside builds
#                       needs more, since a niced fuzzer is starved and a slow input is then no hang)
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds=${BW_FUZZ_SECONDS:-5}
runs=${BW_FUZZ_RUNS:--1}
timeout=${BW_FUZZ_TIMEOUT:-10}
build=build/fuzz
all_targets=(fuzz_exposition fuzz_jsonl fuzz_config fuzz_filesd fuzz_health fuzz_resilience4j fuzz_hystrix
             fuzz_promql fuzz_httprequest)
targets=("$@")
[ $# -eq 0 ] && targets=("${all_targets[@]}")

cmake -S tests/fuzz -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ >/dev/null
cmake --build "$build" --parallel "$(nproc)" --target "${targets[@]}"

# Where each target's inputs are largest, and the seeds beyond its own corpus (real pages and bodies in tests/data).
fuzz_options() {
    case "$1" in
        fuzz_exposition) echo "-max_len=65536 tests/data/exposition tests/data/openmetrics/parsers" ;;
        fuzz_config) echo "-max_len=8192 resources/examples" ;;
        fuzz_filesd) echo "-max_len=4096" ;;
        fuzz_health) echo "-max_len=16384 tests/data/health" ;;
        fuzz_hystrix) echo "-max_len=16384" ;;
        fuzz_httprequest) echo "-max_len=16384" ;;
        *) echo "-max_len=8192" ;;
    esac
}

mkdir -p "$build/findings"
failed=()
for target in "${targets[@]}"; do
    corpus="$build/corpus/$target" # new inputs go here, never into the committed seeds
    mkdir -p "$corpus"
    dict=tests/fuzz/${target#fuzz_}.dict
    dict_option=()
    [ -f "$dict" ] && dict_option=("-dict=$dict")
    log="$build/findings/$target.log"
    started=$SECONDS
    # shellcheck disable=SC2046
    if "$build/$target" "${dict_option[@]}" -max_total_time="$seconds" -runs="$runs" -timeout="$timeout" -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$build/findings/$target-" \
        "$corpus" "tests/fuzz/corpus/$target" $(fuzz_options "$target") >"$log" 2>&1; then
        executed=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
        corpus_size=$(find "$corpus" -type f | wc -l)
        echo "$target: ${executed:-?} executions in $((SECONDS - started)) s, corpus $corpus_size, nothing found"
    else
        echo "$target: FOUND SOMETHING (log: $log)" >&2
        grep -E "ERROR|invariant|runtime error|Test unit written" "$log" | head -n 5 >&2 || tail -n 20 "$log" >&2
        failed+=("$target")
    fi
done

if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzzing found something in: ${failed[*]}" >&2
    exit 1
fi
