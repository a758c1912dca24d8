#!/usr/bin/env bash
# Runs fuzz targets for a number of executions each (default 10 million), one after another,
# starting from the committed seeds; a crash, a hang (over 10 s) or 2 GB of memory stops the
# run with the input saved under fuzz/artifacts/. Usage: fuzz/run.sh [RUNS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")"
runs="${1:-10000000}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(expr form_md form_toml form_spreadsheet answers batch keyring attachment)
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t"
    echo "== $t: $runs executions"
    cargo +nightly fuzz run -O "$t" "corpus/$t" "seeds/$t" -- \
        -runs="$runs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 2>&1 \
        | grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|==|SUMMARY|Done)" || true
done
