#!/bin/sh
# Makes the README's screenshots from the real app under Xvfb, driven with xdotool (clicks at the
# places the screens put their widgets at 1100x760, keys elsewhere), in English
# (docs/screenshots/*.png) and in French (docs/screenshots/fr/*.png).
# Needs: apt-get install -y xvfb xdotool imagemagick python3 age; a built fourmi.
# Usage: packaging/screenshots.sh [path/to/fourmi]   (default: target/release/fourmi)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
F=${1:-$ROOT/target/release/fourmi}
WORK=$(mktemp -d)
trap 'kill $APP 2>/dev/null || true; kill $XVFB 2>/dev/null || true; rm -rf "$WORK"' EXIT
export DISPLAY=:97
Xvfb :97 -screen 0 1100x760x24 >/dev/null 2>&1 & XVFB=$!
APP=
sleep 1
PASS="correct horse battery"
echo "$PASS" > "$WORK/pass"

# A data folder: a coordinator, a monitor, a supervisor, and 40 COVID-19 interviews, 15 approved.
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
  "$F" --data-dir "$D" -u sam --passphrase-file "$WORK/pass" records approve "$u" >/dev/null
done
# The demo data (the Bamako case study), for the export report and a table.
age-keygen -o "$WORK/hq.txt" 2>/dev/null
"$F" --data-dir "$WORK/demo" demo --recipient "$(grep 'public key' "$WORK/hq.txt" | awk '{print $4}')" >/dev/null

start() { LIBGL_ALWAYS_SOFTWARE=1 "$F" --data-dir "$1" >/dev/null 2>&1 & APP=$!; sleep 3
  W=$(xdotool search --name '^fourmi$' | head -1); xdotool windowfocus "$W"; sleep 0.3; }
stop() { kill $APP; wait $APP 2>/dev/null || true; APP=; }
shot() { sleep 0.8; import -window root "$OUT/$1.png"; }
at() { xdotool mousemove "$1" "$2" click 1; sleep 0.6; }
login() { xdotool type --delay 20 "$1"; xdotool key Tab; xdotool type --delay 20 "$2"; xdotool key Return; sleep 2.5; }
scroll() { xdotool mousemove 600 500; for i in 1 2 3 4 5 6 7 8 9 10; do xdotool click 5; done; sleep 0.5; }

for LANG_UI in En Fr; do
  if [ "$LANG_UI" = En ]; then OUT=$ROOT/docs/screenshots; else OUT=$ROOT/docs/screenshots/fr; fi
  mkdir -p "$OUT" "$WORK/fresh-$LANG_UI"
  for dir in "$D" "$WORK/demo" "$WORK/fresh-$LANG_UI"; do printf '{"lang":"%s","scale":1.15,"lock_minutes":10}\n' "$LANG_UI" > "$dir/ui.json"; done

  start "$WORK/fresh-$LANG_UI"; shot setup; stop
  start "$D"; login sam "$PASS"; shot home-supervisor
  at 106 142; shot records                  # Records
  at 106 59; at 260 292; shot record        # Home, then the first record awaiting review
  at 106 184; shot tallies                  # Tallies
  stop
  start "$D"; login ana "$PASS"
  at 106 101; at 236 146                    # New interview, the COVID-19 survey
  at 236 399; at 236 517; at 236 669        # face to face, Mali, Bamako
  scroll; shot start
  at 299 736; sleep 1; shot question        # Start the interview: the neighbourhood
  xdotool key 2 Return; sleep 0.5; shot consent
  xdotool key Return; sleep 0.3; xdotool key ctrl+j; shot jump-list
  stop
  start "$WORK/demo"; login coordinator "demo passphrase"
  at 107 266; at 290 303; sleep 3; shot export   # Export, Check the batch
  at 107 225; sleep 1.5                           # Tables
  at 440 186; xdotool type --delay 15 "perpetrators"; sleep 0.5; at 320 221
  at 870 186; xdotool type --delay 15 "incident_type"; sleep 0.5; at 770 221
  at 495 255; xdotool type --delay 15 "\${incident_city} = 'bamako'"; at 286 290; shot tables
  stop
  rm -f "$D/ui.json" "$WORK/demo/ui.json"
done
echo "screenshots written to docs/screenshots (English) and docs/screenshots/fr (French)"
