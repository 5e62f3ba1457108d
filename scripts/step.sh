#!/usr/bin/env bash
# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# Usage: scripts/step.sh LABEL DIR COMMAND [ARGS...]
# Runs COMMAND in DIR and records its verdict as a one-case JUnit file
# build/test-results/steps/LABEL.xml, so that checks which are not pytest runs
# (ansible-test sanity, ansible-lint, antsibull-docs, ...) count in the summary.
set -uo pipefail
label=$1 dir=$2
shift 2
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/build/test-results/steps"
mkdir -p "$out"
echo "=== $label: $*"
start=$(date +%s)
(cd "$dir" && "$@")
rc=$?
secs=$(( $(date +%s) - start ))
if [ "$rc" -eq 0 ]; then
    verdict="" ; echo "=== $label: passed (${secs}s)"
else
    verdict="<failure message=\"exit status $rc\"/>" ; echo "=== $label: FAILED with exit status $rc (${secs}s)" >&2
fi
printf '<?xml version="1.0" encoding="utf-8"?>\n<testsuite name="%s" tests="1" failures="%d" time="%d"><testcase classname="make" name="%s" time="%d">%s</testcase></testsuite>\n' \
    "$label" "$([ "$rc" -eq 0 ] && echo 0 || echo 1)" "$secs" "$label" "$secs" "$verdict" > "$out/$label.xml"
exit $rc
