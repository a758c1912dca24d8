#!/bin/sh
# Makes the README's screenshots from the real app under Xvfb, driven with xdotool.
# Needs: apt-get install -y xvfb xdotool imagemagick python3 age; a built fourmi (cargo build --release).
# Usage: packaging/screenshots.sh [path/to/fourmi]   (writes docs/screenshots/*.png)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
F=${1:-$ROOT/target/release/fourmi}
OUT=$ROOT/docs/screenshots
WORK=$(mktemp -d)
trap 'kill $APP 2>/dev/null || true; kill $XVFB 2>/dev/null || true; rm -rf "$WORK"' EXIT
mkdir -p "$OUT"
export DISPLAY=:97
Xvfb :97 -screen 0 1100x760x24 >/dev/null 2>&1 & XVFB=$!
sleep 1
PASS="correct horse battery"
echo "$PASS" > "$WORK/pass"

# A demo data folder: a coordinator, a monitor, a supervisor, and 40 COVID-19 interviews.
D=$WORK/data
"$F" --data-dir "$D" --passphrase-file "$WORK/pass" setup --name chief --device bamako-1 >/dev/null
for a in "ana monitor" "sam supervisor"; do
  set -- $a
  "$F" --data-dir "$D" -u chief --passphrase-file "$WORK/pass" account add "$1" --role "$2" --new-passphrase-file "$WORK/pass" >/dev/null
done
python3 - "$WORK/covid.jsonl" <<'PY'
import json, random, sys
random.seed(4)
base = {"monitor": "mon01", "mode": "face_to_face", "country": "mali", "city": "bamako", "neighbourhood": "niamakoro",
        "consent": "yes", "arrived_within_year": "yes", "c1": "yes", "c2": "yes", "c3": "agree", "c4": "agree",
        "c5": "agree", "c6": ["ngo_un"], "c7": ["media"], "c10": ["ngo_un"], "c11": ["fever"], "c12": ["older"],
        "c13": ["mask"], "c15": "no", "c17": "dont_know", "c18": ["money"], "c19": ["none"], "c20": ["movement"],
        "c23": "no", "c26": "no", "c29": "same", "situation": "better", "smuggler_need": "dont_know",
        "covid_factor_leaving": "no", "destination": "mali"}
with open(sys.argv[1], "w") as f:
    for i in range(40):
        r = dict(base, age=random.randint(18, 45), sex=random.choice(["male", "female"]),
                 nationality=random.choice(["guinea", "guinea", "niger", "burkina_faso"]),
                 c21=random.choice(["same", "lost"]))
        if r["c21"] == "lost":
            r["c22"] = ["basic_goods"]
        f.write(json.dumps(r) + "\n")
PY
"$F" --data-dir "$D" -u ana --passphrase-file "$WORK/pass" records add --form "$ROOT/forms/4mi-covid19.toml" --answers "$WORK/covid.jsonl" --finalize >/dev/null
for u in $("$F" --data-dir "$D" -u sam --passphrase-file "$WORK/pass" records list --status completed | cut -f1 | head -15); do
  "$F" --data-dir "$D" -u sam --passphrase-file "$WORK/pass" records approve "$u"
done

start() { LIBGL_ALWAYS_SOFTWARE=1 "$F" --data-dir "$1" >/dev/null 2>&1 & APP=$!; sleep 3
  W=$(xdotool search --name '^fourmi$' | head -1); xdotool windowfocus "$W"; sleep 0.3; }
stop() { kill $APP; wait $APP 2>/dev/null || true; }
shot() { sleep 0.8; import -window root "$OUT/$1.png"; }
at() { xdotool mousemove "$1" "$2" click 1; sleep 0.6; }
login() { xdotool type --delay 20 "$1"; xdotool key Tab; xdotool type --delay 20 "$PASS"; xdotool key Return; sleep 1.5; }

start "$WORK/fresh"; shot setup; stop
start "$D"; login sam; shot home-supervisor
at 106 142; shot records
at 106 59; at 260 292; shot record
at 106 184; shot tallies
stop; start "$D"; login ana
at 106 101; at 236 146; at 263 399; at 263 517; at 263 669
xdotool mousemove 500 500; for i in 1 2 3 4 5 6 7 8 9 10; do xdotool click 5; done; sleep 0.5; shot start
at 299 736; for i in 1 2 3 4; do xdotool key Return; sleep 0.3; done; shot question
xdotool key 2; xdotool key Return; sleep 0.3; shot consent
xdotool key Return; sleep 0.3; xdotool key ctrl+j; shot jump-list
stop

# The demo data (the Bamako case study): the export report and a table.
age-keygen -o "$WORK/hq.txt" 2>/dev/null
"$F" --data-dir "$WORK/demo" demo --recipient "$(grep 'public key' "$WORK/hq.txt" | awk '{print $4}')" >/dev/null
PASS="demo passphrase"
start "$WORK/demo"; login coordinator
at 107 266; at 290 235; sleep 2; shot export
at 107 225; sleep 1.5
at 440 186; xdotool type --delay 15 "perpetrators"; sleep 0.5; at 330 221
at 870 186; xdotool type --delay 15 "incident_type"; sleep 0.5; at 770 221
at 495 256; xdotool type --delay 15 "\${incident_city} = 'bamako'"; at 286 290; shot tables
stop
echo "screenshots written to $OUT"
