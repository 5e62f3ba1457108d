#!/usr/bin/env bash
# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# Usage: scripts/update-constraints.sh PYTHON DEFAULT_CORE=PYVER GI_VENV [CORE=PYVER...]
# Re-resolves the newest versions and rewrites tests/constraints/: ansible-core-DEFAULT_CORE.txt
# (.venv, installed with PYTHON), ansible-core-CORE.txt for every other CORE (its .venv-CORE,
# on pythonPYVER; skipped when scripts/find-python finds none) and galaxy-importer.txt (GI_VENV,
# with PYTHON). Each file is a pip freeze of a fresh venv under two comment lines.
set -euo pipefail
python=$1 default=$2 gi_venv=$3
shift 3
default_core=${default%%=*} default_pyver=${default#*=}
cd "$(dirname "$0")/.."
venv=build/constraints-venv
trap 'rm -rf "$venv"' EXIT

# freeze PYTHON FILE LINE1 LINE2 PIP_ARGS...: FILE = LINE1, LINE2 and the pip freeze of a fresh
# venv of PYTHON with PIP_ARGS installed.
freeze() {
    local interpreter=$1 file=$2 line1=$3 line2=$4
    shift 4
    rm -rf "$venv" && "$interpreter" -m venv "$venv"
    "$venv/bin/python" -m pip install -q "$@"
    { echo "$line1"; echo "$line2"; "$venv/bin/python" -m pip freeze; } > "$file"
}

refresh="# Refresh: make constraints-update"
freeze "$python" "tests/constraints/ansible-core-$default_core.txt" \
    "# pip freeze of .venv (python$default_pyver, ansible-core $default_core): make venv / make test." "$refresh" \
    -r tests/requirements-dev.txt "ansible-core==$default_core.*"
for leg in "$@"; do
    core=${leg%%=*} pyver=${leg#*=}
    [ "$core" != "$default_core" ] || continue
    py=$(scripts/find-python "$pyver")
    if [ -z "$py" ]; then echo "skip $core: no interpreter"; continue; fi
    freeze "$py" "tests/constraints/ansible-core-$core.txt" \
        "# pip freeze of .venv-$core (python$pyver, ansible-core $core): make test-matrix." "$refresh" \
        -r tests/requirements-matrix.txt "ansible-core==$core.*"
done
# galaxy-importer gets a venv of its own: its pins clash with .venv's.
freeze "$python" tests/constraints/galaxy-importer.txt \
    "# pip freeze of $gi_venv (python$default_pyver): make galaxy-importer. A venv of its own:" \
    "# galaxy-importer pins attrs<24, which clashes with .venv. Refresh: make constraints-update" \
    galaxy-importer "ansible-core==$default_core.*"
