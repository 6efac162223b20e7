#!/usr/bin/env bash
# Installs the Debian packages sigsat needs, only those missing; elsewhere lists what to install.
# Usage: system-deps.sh PYTHON PACKAGE...
set -euo pipefail
python=$1; shift
wanted=("$@")

# The interpreter must be able to make a venv and compile extensions (Debian splits these out).
if ! "$python" -c 'import venv, ensurepip' 2>/dev/null; then wanted+=(python3-venv); fi
if ! "$python" -c 'import os, sysconfig, sys; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' 2>/dev/null; then
    wanted+=(python3-dev)
fi
# npm fetches reveal.js at set-up; some machines have it from another source than Debian's package.
command -v npm >/dev/null || wanted+=(npm)

# The browser tests need a Chromium that runs. On Ubuntu (and its derivatives) the chromium
# packages only install a stub for a snap, which does not run in containers: there any working
# Chromium or Chrome on PATH will do, and without one we stop and say what to install. Debian's
# chromium is a real package and is installed as before.
os_release=${SIGSAT_OS_RELEASE:-/etc/os-release}
ubuntu_like=$( (. "$os_release" 2>/dev/null; echo " ${ID:-} ${ID_LIKE:-} ") | grep -c ' ubuntu ' || true)
if [ "$ubuntu_like" -gt 0 ] && [[ " ${wanted[*]} " == *" chromium "* ]]; then
    if ! bash "$(dirname "$0")/find-browser.sh" >/dev/null; then
        echo "sigsat: the browser tests need a Chromium or Chrome that runs, and Ubuntu's chromium package is a snap that does not run here: install Google Chrome (google-chrome-stable from https://www.google.com/chrome/) or a chromium not packaged as a snap, so that chromium, chromium-browser or google-chrome is on PATH; or run make test-fast, which needs no browser" >&2
        exit 1
    fi
    kept=()
    for pkg in "${wanted[@]}"; do [ "$pkg" = chromium ] || kept+=("$pkg"); done
    wanted=(${kept[@]+"${kept[@]}"})
fi

if command -v dpkg-query >/dev/null && command -v apt-get >/dev/null; then
    missing=()
    for pkg in "${wanted[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && exit 0
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    echo "Installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    exit 0
fi

# No apt-get: check for what matters and say what to install.
problems=()
command -v pkg-config >/dev/null && pkg-config --exists pangocairo cairo || problems+=("pango and cairo with headers, and pkg-config")
command -v latex >/dev/null || problems+=("a LaTeX distribution with the standalone, preview and amsmath packages")
command -v dvisvgm >/dev/null || problems+=("dvisvgm")
command -v cc >/dev/null || problems+=("a C compiler")
command -v espeak-ng >/dev/null || problems+=("espeak-ng (the offline voice; or render with --narration none)")
command -v npm >/dev/null || problems+=("npm (fetches reveal.js for the HTML deck at set-up)")
if [ ${#problems[@]} -gt 0 ]; then
    echo "sigsat needs these, and apt-get is not available to install them:" >&2
    printf '  - %s\n' "${problems[@]}" >&2
    echo "macOS (Homebrew): brew install pango cairo pkg-config dvisvgm espeak-ng sox node && brew install --cask basictex" >&2
    echo "Fedora: dnf install pango-devel cairo-devel pkgconf texlive-scheme-basic texlive-standalone texlive-preview dvisvgm gcc python3-devel espeak-ng sox npm" >&2
    exit 1
fi
