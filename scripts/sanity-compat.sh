#!/usr/bin/env bash
# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# Usage: scripts/sanity-compat.sh PYBIN STAGE "VERSION..." [ansible-test args...]
# Runs ansible-test's compile and import sanity tests (ansible-test from PATH) on the staged
# collection STAGE once per target Python VERSION that PYBIN holds a link for
# (scripts/link-pythons.sh), each as the step sanity-compat-pyVERSION. Every version runs even
# after a failure; the exit status is 1 when any failed.
set -euo pipefail
pybin=$1 stage=$2 versions=$3
shift 3
cd "$(dirname "$0")/.."
export PATH="$pybin:$PATH"
rc=0
for version in $versions; do
    [ -e "$pybin/python$version" ] || continue
    scripts/step.sh "sanity-compat-py$version" "$stage" \
        ansible-test sanity --venv --test compile --test import --python "$version" "$@" || rc=1
done
exit "$rc"
