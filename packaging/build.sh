#!/usr/bin/env bash
# Builds every artefact fourmi ships into dist/:
#   fourmi_<version>-1_amd64.deb          the Debian/Ubuntu package (cargo-deb)
#   fourmi-<version>-x86_64-linux.tar.gz  the Linux binary, man pages, completions, icon, desktop entry
#   fourmi-<version>-setup.exe            the Windows installer (NSIS), per-user, no administrator rights
#   fourmi-<version>-x86_64-windows.zip   the Windows exe alone (for a USB stick)
# Usage: packaging/build.sh [linux|windows|all]   (default: all)
# Needs (Debian): build-essential, gcc-mingw-w64-x86-64, nsis, zip; rustup target
# x86_64-pc-windows-gnu; cargo-deb (installed here if missing). Each target builds in its own
# folder (target/, target-windows/), so one never invalidates the other.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WHAT=${1:-all}
VERSION=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
DIST=$ROOT/dist
mkdir -p "$DIST"
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
stamp() { date +%s; }

linux() {
    local t0; t0=$(stamp)
    cargo build --release --locked
    rm -rf target/packaging-files
    target/release/fourmi packaging-files target/packaging-files
    if ! command -v cargo-deb >/dev/null 2>&1; then
        cargo install cargo-deb --locked
    fi
    cargo deb --no-build --no-strip --output "$DIST/"
    local name=fourmi-$VERSION-x86_64-linux
    local stage; stage=$(mktemp -d)
    mkdir -p "$stage/$name/man" "$stage/$name/completions"
    cp target/release/fourmi README.md assets/icon/fourmi.svg packaging/linux/org.fourmi.fourmi.desktop "$stage/$name/"
    cp target/packaging-files/*.1 "$stage/$name/man/"
    cp target/packaging-files/fourmi.bash target/packaging-files/_fourmi target/packaging-files/fourmi.fish "$stage/$name/completions/"
    tar -C "$stage" --owner=0 --group=0 --mtime="@$SOURCE_DATE_EPOCH" -czf "$DIST/$name.tar.gz" "$name"
    rm -rf "$stage"
    echo "linux: $(( $(stamp) - t0 )) s"
}

windows() {
    local t0; t0=$(stamp)
    rustup target add x86_64-pc-windows-gnu >/dev/null 2>&1 || true
    CARGO_TARGET_DIR=target-windows cargo build --release --locked --target x86_64-pc-windows-gnu
    local exe=$ROOT/target-windows/x86_64-pc-windows-gnu/release/fourmi.exe
    x86_64-w64-mingw32-strip "$exe" 2>/dev/null || true
    (cd packaging/windows && makensis -V2 -DVERSION="$VERSION" -DEXE="$exe" -DOUT="$DIST/fourmi-$VERSION-setup.exe" fourmi.nsi)
    local zipdir; zipdir=$(mktemp -d)
    cp "$exe" README.md "$zipdir/"
    (cd "$zipdir" && zip -q -X "$DIST/fourmi-$VERSION-x86_64-windows.zip" fourmi.exe README.md)
    rm -rf "$zipdir"
    echo "windows: $(( $(stamp) - t0 )) s"
}

case $WHAT in
    linux) linux ;;
    windows) windows ;;
    all) linux; windows ;;
    *) echo "usage: $0 [linux|windows|all]" >&2; exit 2 ;;
esac
ls -l "$DIST"
