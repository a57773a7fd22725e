#!/usr/bin/env bash
# Make sure a headless Chromium exists for the browser tests (docs/testing.md).
#
# Idempotent: if one is already there it only prints its path. Otherwise it installs
# Debian's `chromium` package with apt-get (through sudo when not root). It never
# downloads a browser build of its own (no `playwright install`).
#
# Looks, in order, at: $TTHC_CHROMIUM, /usr/bin/chromium, `chromium` on PATH,
# `google-chrome` on PATH. Exits non-zero with a clear message if none can be had.
set -euo pipefail

find_chromium() {
    if [[ -n "${TTHC_CHROMIUM:-}" ]]; then
        if [[ -x "$TTHC_CHROMIUM" ]]; then
            echo "$TTHC_CHROMIUM"
            return 0
        fi
        echo "ensure-chromium: TTHC_CHROMIUM=$TTHC_CHROMIUM is not an executable file" >&2
        return 1
    fi
    local candidate
    for candidate in /usr/bin/chromium "$(command -v chromium || true)" \
        "$(command -v google-chrome || true)"; do
        if [[ -n "$candidate" && -x "$candidate" ]]; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

if found=$(find_chromium); then
    echo "ensure-chromium: using $found"
    exit 0
fi
if [[ -n "${TTHC_CHROMIUM:-}" ]]; then
    # An explicit override that is wrong is an error, not a reason to install something else.
    exit 1
fi

echo "ensure-chromium: no Chromium found; installing Debian's chromium package"
if [[ "$(id -u)" -eq 0 ]]; then
    sudo=()
elif command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
else
    echo "ensure-chromium: not root and no sudo; install it yourself:" \
        "apt-get install chromium (or set TTHC_CHROMIUM to a Chromium binary)" >&2
    exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure-chromium: apt-get not available; install Chromium by hand" \
        "and set TTHC_CHROMIUM to its path" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
if ! "${sudo[@]}" apt-get update -qq \
    || ! "${sudo[@]}" apt-get install -y -qq chromium; then
    echo "ensure-chromium: apt-get could not install chromium; the browser tests need it" \
        "(install it by hand or set TTHC_CHROMIUM)" >&2
    exit 1
fi

if found=$(find_chromium); then
    echo "ensure-chromium: installed $found"
    exit 0
fi
echo "ensure-chromium: chromium was installed but no binary was found" >&2
exit 1
