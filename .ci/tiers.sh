#!/usr/bin/env bash
# The whole suite as its two tiers side by side: the slow tier (real renders, about 50 minutes) in
# the background, the fast tier (about 20) in the foreground. The renders leave a core idle much of
# the time, so together they take about as long as the slow tier alone, not the sum (one run of the
# suite then fits CI's 90 minutes with room to spare). The slow tier's output follows the fast
# tier's; the exit status is the first failing tier's, 0 when both pass.
# Usage: .ci/tiers.sh PYTHON [pytest options...]
set -u
set -m   # the slow tier gets a process group of its own (and Ctrl-C, which a plain & would ignore)
py=$1
shift
log=$(mktemp "${TMPDIR:-/tmp}/sigsat-slow-tier.XXXXXX")
"$py" -m pytest -m slow "$@" >"$log" 2>&1 &
slow=$!
stop() { kill -TERM -- "-$slow" 2>/dev/null; wait "$slow" 2>/dev/null; rm -f "$log"; }
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
"$py" -m pytest -m "not slow" "$@"
fast=$?
wait "$slow"
slow_status=$?
echo
echo "================ slow tier (ran beside the fast tier) ================"
cat "$log"
rm -f "$log"
# pytest's 5 is "no test selected": fine for one tier (options may select only the other), not both.
if [ "$fast" -eq 5 ] && [ "$slow_status" -eq 5 ]; then exit 5; fi
for status in "$fast" "$slow_status"; do
    if [ "$status" -ne 0 ] && [ "$status" -ne 5 ]; then exit "$status"; fi
done
exit 0
