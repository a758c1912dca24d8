#!/usr/bin/env bash
# Installs dist/fourmi_*.deb with apt, checks what it put on the system (the binary, the desktop
# entry, the icon, the AppStream metainfo, the man page, the completions), runs the command-line
# round trip from the installed binary, then removes the package.
# Needs root (or sudo), apt, age, python3, and a package built by packaging/build.sh linux.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""; if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
DEB=$(ls -t dist/fourmi_*.deb | head -1)
echo "== installing $DEB ($(du -h "$DEB" | cut -f1))"
$SUDO apt-get install -y -qq "./$DEB" >/dev/null
trap '$SUDO apt-get remove -y -qq fourmi >/dev/null 2>&1 || true' EXIT
for f in /usr/bin/fourmi /usr/share/applications/org.fourmi.fourmi.desktop \
         /usr/share/icons/hicolor/scalable/apps/fourmi.svg /usr/share/icons/hicolor/256x256/apps/fourmi.png \
         /usr/share/metainfo/org.fourmi.fourmi.metainfo.xml /usr/share/man/man1/fourmi.1.gz \
         /usr/share/bash-completion/completions/fourmi; do
    [ -s "$f" ] || { echo "FAILED: the package did not install $f" >&2; exit 1; }
done
/usr/bin/fourmi --version
WORK=$(mktemp -d)
mkdir -p "$WORK/usb"
XDG_DATA_HOME=$WORK/xdg USB=$WORK/usb USB_UNIX=$WORK/usb packaging/roundtrip.sh "$WORK" /usr/bin/fourmi
[ -s "$WORK/xdg/fourmi/fourmi.db" ] || { echo "FAILED: the data is not in the default data folder" >&2; exit 1; }
rm -rf "$WORK"
$SUDO apt-get remove -y -qq fourmi >/dev/null
[ ! -e /usr/bin/fourmi ] || { echo "FAILED: removing the package left /usr/bin/fourmi" >&2; exit 1; }
trap - EXIT
echo "== the package installs, runs the round trip, and removes cleanly"
