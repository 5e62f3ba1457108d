#!/usr/bin/env bash
# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# Usage: scripts/run-ansible-test-units.sh CORE STAGE PYVER [ansible-test args...]
# Runs "ansible-test units" on tests/unit/plugins in the staged collection STAGE on pythonPYVER
# (ansible-test from PATH) as the step ansible-test-units-CORE (scripts/step.sh), and copies
# ansible-test's JUnit files to build/test-results/ansible-test-units-CORE/ so that every unit
# test counts in the summary. With no test file under tests/unit/plugins it says so and passes.
set -euo pipefail
core=$1 stage=$2 pyver=$3
shift 3
label="ansible-test-units-$core"
cd "$(dirname "$0")/.."
if [ -z "$(find tests/unit/plugins -name 'test_*.py' -print -quit 2>/dev/null)" ]; then
    echo "=== $label: no tests under tests/unit/plugins yet"
    exit 0
fi
# Only this run's JUnit files, none left from an earlier one.
rm -rf "$stage/tests/output/junit"
rc=0
scripts/step.sh "$label" "$stage" ansible-test units --venv --python "$pyver" "$@" tests/unit/plugins/ || rc=$?
mkdir -p "build/test-results/$label"
# A run that failed early may have written none: the step's own verdict still counts.
cp "$stage"/tests/output/junit/*.xml "build/test-results/$label/" 2>/dev/null || true
exit "$rc"
