#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 60), one after another, and prints one
# line per target. Exits non-zero if any target finds a crash, a hang or runs out of memory.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# New inputs go to fuzz/corpus/TARGET (not committed); the committed seeds in
# fuzz/seeds/TARGET are read too. A failing input is saved under fuzz/artifacts/TARGET/ and
# the fuzzer's output under fuzz/target/logs/TARGET.log.
set -euo pipefail

seconds=${1:-60}
shift || true
case $seconds in
    '' | *[!0-9]*) echo "usage: scripts/fuzz.sh [SECONDS] [TARGET...]" >&2; exit 2 ;;
esac

cd "$(dirname "$0")/.."

# Largest input per target: a little above the biggest real file of that kind, so the
# fuzzer spends its time on structure rather than on size.
declare -A max_len=(
    [questionnaire]=32768
    [answers]=8192
    [record]=16384
    [plain_input]=512
    [invitation]=131072
    [decrypt_report]=16384
)
all=(questionnaire answers record plain_input invitation decrypt_report)
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=("${all[@]}")
fi

if ! rustup run nightly rustc --version >/dev/null 2>&1; then
    rustup toolchain install nightly --profile minimal
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    cargo +nightly install cargo-fuzz --locked
fi

available=$(cargo +nightly fuzz list)
mkdir -p fuzz/target
if ! cargo +nightly fuzz build -O >fuzz/target/build.log 2>&1; then
    cat fuzz/target/build.log >&2
    echo "fuzz targets did not build" >&2
    exit 1
fi

mkdir -p fuzz/target/logs
failed=0
for t in "${targets[@]}"; do
    if ! grep -qx "$t" <<<"$available"; then
        echo "$t: no such target (have: $(tr '\n' ' ' <<<"$available"))"
        failed=1
        continue
    fi
    mkdir -p "fuzz/corpus/$t" "fuzz/seeds/$t" "fuzz/artifacts/$t"
    log="fuzz/target/logs/$t.log"
    dict=()
    if [ "$t" != plain_input ]; then
        dict=(-dict=fuzz/dicts/json.dict)
    fi
    status=0
    cargo +nightly fuzz run -O "$t" "fuzz/corpus/$t" "fuzz/seeds/$t" -- \
        -max_total_time="$seconds" -max_len="${max_len[$t]:-4096}" \
        -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "${dict[@]}" \
        >"$log" 2>&1 || status=$?
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1 || true)
    corpus=$(find "fuzz/corpus/$t" -type f | wc -l)
    if [ "$status" -eq 0 ]; then
        echo "$t: ok, ${runs:-?} runs in ${seconds}s, corpus $corpus"
    else
        failed=1
        what=$(grep -oE 'ERROR: libFuzzer: [a-z-]+|panicked at [^ ]+' "$log" | head -1 || true)
        artifact=$(grep -oE 'artifact_prefix=[^;]*; Test unit written to [^ ]+' "$log" \
            | sed 's/.*written to //' | tail -1 || true)
        echo "$t: FAILED (${what:-exit $status}) after ${runs:-?} runs; input ${artifact:-none}; log $log"
    fi
done
exit "$failed"
