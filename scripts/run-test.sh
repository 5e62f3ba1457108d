#!/usr/bin/env bash
# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# Usage: scripts/run-test.sh MAKE GOAL...
# make test: runs the GOALs in one make, then "make summary" (one "summary: N passed, N failed,
# N skipped" line over all JUnit results) even when a goal failed. The exit status is make's
# when a goal failed, 1 when only the summary did (a failed test or none at all), else 0.
# Make's flags (-k, -n, -j) reach both through MAKEFLAGS.
set -euo pipefail
make=$1
shift
rc=0
"$make" --no-print-directory "$@" || rc=$?
"$make" --no-print-directory summary || rc=1
exit "$rc"
