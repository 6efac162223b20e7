#!/usr/bin/env bash
# Prints the path of the first Chromium-family browser on PATH that actually runs, for the browser
# tests (tests/test_gallery_browser.py asks this script too, so both agree); exit status 1 when
# there is none. "Runs" matters: on Ubuntu the chromium and chromium-browser packages only install
# a stub for a snap, and snaps do not run in containers.
for name in chromium chromium-browser google-chrome google-chrome-stable; do
    path=$(command -v "$name") || continue
    version=$(timeout 20 "$path" --version 2>/dev/null) || continue
    case "$version" in
        Chromium*|"Google Chrome"*) echo "$path"; exit 0 ;;
    esac
done
exit 1
