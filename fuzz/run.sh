#!/usr/bin/env bash
# Runs fuzz targets for a number of executions each (default 10 million), one after another,
# starting from the committed seeds; a crash, a hang (over 10 s) or 2 GB of memory stops the
# run with the input saved under fuzz/artifacts/. Usage: fuzz/run.sh [RUNS] [TARGET...]
# The fuzzed code is safe Rust, so the targets are built without AddressSanitizer (`-s none`,
# in their own target folder): five times the executions for the same bugs. Inputs are cut at
# MAX_LEN bytes (default 8192; seeds longer than that are truncated, which fuzzes their starts).
set -euo pipefail
cd "$(dirname "$0")"
runs="${1:-10000000}"
max_len="${MAX_LEN:-8192}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(expr form_md form_toml form_spreadsheet answers batch keyring attachment)
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t"
    echo "== $t: $runs executions"
    cargo +nightly fuzz run -O -s none --target-dir target-nosan "$t" "corpus/$t" "seeds/$t" -- \
        -runs="$runs" -timeout=10 -rss_limit_mb=2048 -max_len="$max_len" -print_final_stats=1 2>&1 \
        | grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|==|SUMMARY|Done)" || true
done
