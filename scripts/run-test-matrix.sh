#!/usr/bin/env bash
# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# Usage: scripts/run-test-matrix.sh MAKE CORE=PYVER... -- ONCE_GOAL...
# make test-matrix: runs "make matrix-CORE" for each ansible-core CORE whose pythonPYVER
# scripts/find-python finds (the others are reported as skipped, not failed), then the
# ONCE_GOALs in one make, then "make summary". Each leg runs even when an earlier one failed,
# and each prints its duration. Exit status 1 when anything failed. Make's flags (-k, -n)
# reach every sub-make through MAKEFLAGS.
set -euo pipefail
make=$1
shift
legs=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do legs+=("$1"); shift; done
[ $# -gt 0 ] && shift
cd "$(dirname "$0")/.."

available=() skipped_cores="" skipped_pythons=""
for leg in ${legs[@]+"${legs[@]}"}; do
    if [ -n "$(scripts/find-python "${leg#*=}")" ]; then
        available+=("$leg")
    else
        skipped_cores+=" ${leg%%=*}" skipped_pythons+=" ${leg#*=}"
    fi
done
if [ -n "$skipped_cores" ]; then
    echo "=== skipping ansible-core$skipped_cores: python$skipped_pythons not found"
fi

rc=0
for leg in ${available[@]+"${available[@]}"}; do
    start=$(date +%s)
    "$make" --no-print-directory "matrix-${leg%%=*}" || rc=1
    echo "=== matrix leg ansible-core ${leg%%=*} (python${leg#*=}): $(( $(date +%s) - start ))s"
done
# With ONCE empty, a bare make would run the default goal (make test) again.
if [ $# -gt 0 ]; then
    start=$(date +%s)
    "$make" --no-print-directory "$@" || rc=1
    echo "=== $*: $(( $(date +%s) - start ))s"
fi
"$make" --no-print-directory summary || rc=1
exit "$rc"
