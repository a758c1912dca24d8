#!/usr/bin/env bash
# The command-line round trip an installed fourmi must pass, on Linux or under Wine: first-run
# setup in the platform's default data folder, accounts, interviews, approvals, a batch written to
# a "USB stick", headquarters init / devices add / import, form check on the bundled forms,
# tables. Used by packaging/test-deb.sh and packaging/test-windows.sh.
#
# Usage: roundtrip.sh WORK FOURMI...   (FOURMI: the command, e.g. /usr/bin/fourmi or wine64 x.exe)
# Environment: USB (the folder the batch goes to, as fourmi must name it: E:\ under Wine),
# USB_UNIX (the same folder from here), TOWIN (a command mapping a path to fourmi's form, or
# empty). Needs python3 and age-keygen (Debian: age).
set -euo pipefail
WORK=$1; shift
FOURMI=("$@")
SRC=$(cd "$(dirname "$0")/.." && pwd)
p() { if [ -n "${TOWIN:-}" ]; then $TOWIN "$1"; else printf '%s' "$1"; fi; }
f() { "${FOURMI[@]}" "$@"; }
say() { printf '== %s\n' "$*"; }
fail() { printf 'FAILED: %s\n' "$*" >&2; exit 1; }

PASS=$WORK/pass
printf 'correct horse battery staple\n' > "$PASS"
age-keygen -o "$WORK/hq-identity.txt" 2> "$WORK/keygen.txt"
RECIPIENT=$(sed -n 's/^# public key: //p' "$WORK/hq-identity.txt")

say "setup in the default data folder"
f setup --name chief --device field-1 --recipient "$RECIPIENT" --passphrase-file "$(p "$PASS")"
f -u chief --passphrase-file "$(p "$PASS")" account add ana --role monitor --new-passphrase-file "$(p "$PASS")"
f -u chief --passphrase-file "$(p "$PASS")" account add sam --role supervisor --new-passphrase-file "$(p "$PASS")"

say "records add (12 COVID-19 interviews, accents in the answers)"
python3 - "$WORK/covid.jsonl" <<'PY'
import json, sys
base = {"monitor": "mon01", "mode": "face_to_face", "country": "mali", "city": "bamako", "neighbourhood": "niamakoro",
        "consent": "yes", "arrived_within_year": "yes", "c1": "yes", "c2": "yes", "c3": "agree", "c4": "agree",
        "c5": "agree", "c6": ["ngo_un"], "c7": ["media"], "c10": ["ngo_un"], "c11": ["fever"], "c12": ["older"],
        "c13": ["mask"], "c15": "no", "c17": "dont_know", "c18": ["money"], "c19": ["none"], "c20": ["movement"],
        "c21": "same", "c23": "no", "c26": "no", "c29": "same", "situation": "better", "smuggler_need": "dont_know",
        "covid_factor_leaving": "no", "destination": "mali"}
with open(sys.argv[1], "w", encoding="utf-8") as out:
    for i in range(12):
        r = dict(base, age=20 + i, sex=["male", "female"][i % 2], nationality=["guinea", "niger"][i % 2])
        out.write(json.dumps(r, ensure_ascii=False) + "\n")
PY
f -u ana --passphrase-file "$(p "$PASS")" records add --form "$(p "$SRC/forms/4mi-covid19.toml")" --answers "$(p "$WORK/covid.jsonl")" --finalize

say "approve"
UUIDS=$(f -u sam --passphrase-file "$(p "$PASS")" records list --status completed | cut -f1 | tr -d '\r')
[ "$(printf '%s\n' "$UUIDS" | grep -c .)" = 12 ] || fail "12 completed records expected, got: $UUIDS"
for u in $UUIDS; do f -u sam --passphrase-file "$(p "$PASS")" records approve "$u" >/dev/null; done

say "export to $USB"
f -u chief --passphrase-file "$(p "$PASS")" export --yes --to "$USB"
BATCH=$(ls "$USB_UNIX"/fourmi-*.batch | head -1)
[ -s "$BATCH" ] || fail "no batch written on the stick"
DEVICE=$(f -u chief --passphrase-file "$(p "$PASS")" device pubkey | tr -d '\r')

say "headquarters"
HQ=$WORK/hq
f hq init --data-dir "$(p "$HQ")" --identity "$(p "$WORK/hq-identity.txt")"
f hq devices add --data-dir "$(p "$HQ")" --name field-1 $DEVICE
f hq import --data-dir "$(p "$HQ")" "$(p "$BATCH")" | tee "$WORK/import.txt"
grep -q "12" "$WORK/import.txt" || fail "the import did not report 12 records"
f hq import --data-dir "$(p "$HQ")" "$(p "$BATCH")" > "$WORK/again.txt" || fail "importing the same batch again must succeed (idempotent)"

say "form check on the bundled forms"
for form in "$SRC"/forms/*.toml; do f form check "$(p "$form")"; done

say "tables"
f tables --hq --data-dir "$(p "$HQ")" --form 4mi_covid19 sex --by nationality | tee "$WORK/tables.txt"
grep -q "Base" "$WORK/tables.txt" || fail "no table was printed"
f tables --hq --data-dir "$(p "$HQ")" --form 4mi_covid19 sex --csv "$(p "$WORK/tables")" --excel-fr
head -c 3 "$WORK/tables/tables-sex.csv" | od -An -tx1 | grep -q "ef bb bf" || fail "the Excel CSV has no byte-order mark"

say "check and audit"
f -u chief --passphrase-file "$(p "$PASS")" check
f -u chief --passphrase-file "$(p "$PASS")" audit verify
say "round trip passed"
