#!/usr/bin/env bash
# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# Usage: scripts/make-venv.sh [--seed-get-pip] DIR PYTHON CONSTRAINTS PIP_ARGS...
# Creates the virtual environment DIR (unless it exists), installs PIP_ARGS into it pinned by
# the CONSTRAINTS file, and touches DIR/.stamp, the file make compares with the requirement
# and constraint files. PYTHON is an interpreter (python3) or a version X.Y, which
# scripts/find-python looks up. --seed-get-pip: the venv runs ansible-test, whose pip
# bootstrap gets the offline stand-in (scripts/seed_get_pip.py).
set -euo pipefail
seed=false
if [ "${1:-}" = --seed-get-pip ]; then seed=true; shift; fi
dir=$1 python=$2 constraints=$3
shift 3
cd "$(dirname "$0")/.."
if [ ! -x "$dir/bin/python" ]; then
    case $python in
        [0-9]*.[0-9]*)
            found=$(scripts/find-python "$python")
            [ -n "$found" ] || { echo "no python$python for $dir" >&2; exit 1; }
            python=$found ;;
    esac
    "$python" -m venv "$dir"
fi
"$dir/bin/python" -m pip install -q "$@" -c "$constraints"
if $seed; then "$dir/bin/python" scripts/seed_get_pip.py; fi
touch "$dir/.stamp"
