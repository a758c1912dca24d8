#!/usr/bin/env bash
# Exports fourmi's icon (assets/icon/fourmi.svg) to the PNG sizes the app, the Linux desktop
# entry and the Windows installer use. Needs ImageMagick.
set -euo pipefail
cd "$(dirname "$0")/../assets/icon"
for size in 256 128 64 48 32 16; do
    convert -background none fourmi.svg -resize "${size}x${size}" "fourmi-$size.png"
done
# The Windows icon (the exe's resource, the installer, the shortcuts): every size in one file.
convert fourmi-16.png fourmi-32.png fourmi-48.png fourmi-64.png fourmi-128.png fourmi-256.png fourmi.ico
