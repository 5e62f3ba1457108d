#!/usr/bin/env bash
# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# Usage: scripts/run-pytest.sh LABEL PYTHON TESTDIR [pytest args...]
# Runs "PYTHON -m pytest TESTDIR args" with the interpreter's bin/ first on PATH
# (so ansible-playbook & co. come from the same venv), writes JUnit XML to
# build/test-results/LABEL.xml, and maps pytest's exit status to a clear verdict:
# exit 5 ("no tests collected") passes only when TESTDIR holds no test files yet.
set -uo pipefail
label=$1 python=$2 testdir=$3
shift 3
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
mkdir -p build/test-results
bindir=$(cd "$(dirname "$python")" && pwd)
echo "=== pytest [$label]: $python -m pytest $testdir $*"
PATH="$bindir:$PATH" "$python" -m pytest "$testdir" --junitxml="build/test-results/$label.xml" -o junit_suite_name="$label" "$@"
rc=$?
case $rc in
    0) echo "=== pytest [$label]: passed" ;;
    5)
        if [ -z "$(find "$testdir" -name 'test_*.py' -o -name '*_test.py' 2>/dev/null | head -1)" ]; then
            echo "=== pytest [$label]: no test files under $testdir yet; nothing to run (not a failure)"
            rm -f "build/test-results/$label.xml"
            rc=0
        else
            echo "=== pytest [$label]: FAILED: test files exist under $testdir but pytest collected no tests (exit 5)" >&2
        fi ;;
    1) echo "=== pytest [$label]: FAILED: some tests failed (exit 1)" >&2 ;;
    2) echo "=== pytest [$label]: FAILED: interrupted or collection error (exit 2)" >&2 ;;
    3) echo "=== pytest [$label]: FAILED: internal pytest error (exit 3)" >&2 ;;
    4) echo "=== pytest [$label]: FAILED: pytest usage error (exit 4)" >&2 ;;
    *) echo "=== pytest [$label]: FAILED: exit $rc" >&2 ;;
esac
exit $rc
