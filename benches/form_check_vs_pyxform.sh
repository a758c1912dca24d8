#!/usr/bin/env bash
# Whole-process comparison: `fourmi form check` against pyxform's `xls2xform` (from PyPI) on the
# same real XLSForm (the bundled 4Mi core survey as .xlsx, pyxform's own spec test form, and the
# largest real questionnaire of ../shared/corpus/real-xlsforms that pyxform accepts).
# Needs: `pip install pyxform`; uses hyperfine when installed, else a plain timing loop.
# Run: bash benches/form_check_vs_pyxform.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q
fourmi=target/release/fourmi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$fourmi" form convert forms/4mi-core.toml "$work/4mi-core.xlsx"
forms=("$work/4mi-core.xlsx")
spec=../shared/corpus/pyxform-example-files/example_xls/xlsform_spec_test.xlsx
[ -f "$spec" ] && forms+=("$spec")
# The largest real questionnaire of the corpus (by survey rows, from pyxform's verdicts).
real=../shared/corpus/real-xlsforms
if [ -f "$real/pyxform_verdicts.tsv" ]; then
    largest=$(awk -F'\t' 'NR > 1 && $2 == "accept" { print $4 "\t" $1 }' "$real/pyxform_verdicts.tsv" | sort -n | tail -1 | cut -f2)
    [ -n "$largest" ] && forms+=("$real/forms/$largest")
fi
command -v xls2xform >/dev/null || { echo "xls2xform not found: pip install pyxform" >&2; exit 1; }

time_runs() { # command... -> mean seconds over 20 runs
    python3 - "$@" <<'PY'
import subprocess, sys, time
runs = 20
t = time.perf_counter()
for _ in range(runs):
    subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print((time.perf_counter() - t) / runs)
PY
}

for f in "${forms[@]}"; do
    ours=$(time_runs "$fourmi" form check "$f")
    theirs=$(time_runs xls2xform "$f" "$work/out.xml")
    python3 -c "import sys; o,t=float(sys.argv[2]),float(sys.argv[3]); print(f'{sys.argv[1]}: fourmi {o*1000:.1f} ms, xls2xform {t*1000:.1f} ms, {t/o:.0f}x faster')" "$(basename "$f")" "$ours" "$theirs"
done
