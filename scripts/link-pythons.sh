#!/usr/bin/env bash
# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# Usage: scripts/link-pythons.sh DIR VERSION...
# Links DIR/pythonVERSION to a working interpreter of each VERSION (scripts/find-python), for
# scripts/sanity-compat.sh: ansible-test finds interpreters as "pythonX.Y" on PATH, where pyenv
# shims of unselected versions exist but fail. A version with no interpreter loses its link.
set -euo pipefail
dir=$1
shift
cd "$(dirname "$0")/.."
mkdir -p "$dir"
for version in "$@"; do
    python=$(scripts/find-python "$version")
    if [ -n "$python" ]; then
        ln -sfn "$python" "$dir/python$version"
    else
        echo "=== python$version not found: no compile/import sanity on it"
        rm -f "$dir/python$version"
    fi
done
