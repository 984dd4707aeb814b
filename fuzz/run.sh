#!/bin/sh
# Runs every fuzz target for a bounded time and prints its executions.
#   fuzz/run.sh                     # 60 s per target
#   FUZZ_SECONDS=600 fuzz/run.sh    # longer
#   fuzz/run.sh config              # one target
# Needs cargo-fuzz (`cargo install cargo-fuzz`) and a nightly toolchain; with
# only stable, RUSTC_BOOTSTRAP=1 lets stable build with the sanitizer flags.
# New interesting inputs are kept in fuzz/corpus/<target>/; crashes go to
# fuzz/artifacts/<target>/ and make this script exit non-zero.
set -eu
cd "$(dirname "$0")"
seconds="${FUZZ_SECONDS:-60}"
if [ "$#" -gt 0 ]; then targets="$*"; else targets="parse_clean fingerprint config"; fi
if cargo +nightly --version >/dev/null 2>&1; then
    toolchain="+nightly"
else
    toolchain=""
    export RUSTC_BOOTSTRAP=1
fi
status=0
for t in $targets; do
    mkdir -p "corpus/$t"
    log="$(mktemp)"
    if cargo $toolchain fuzz run "$t" "corpus/$t" -- \
        -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 >"$log" 2>&1; then
        result=ok
    else
        result=FAILED
        status=1
    fi
    execs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')"
    peak="$(grep -o 'stat::peak_rss_mb: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')"
    echo "$t: $result, $execs executions in ${seconds}s, peak RSS ${peak} MB, corpus $(ls "corpus/$t" | wc -l) files"
    if [ "$result" = FAILED ]; then tail -n 40 "$log"; fi
    rm -f "$log"
done
exit "$status"
