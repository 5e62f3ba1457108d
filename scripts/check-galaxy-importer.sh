#!/usr/bin/env bash
# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# Usage: scripts/check-galaxy-importer.sh PYTHON ARTIFACT
# Runs Galaxy's importer (what Galaxy and Automation Hub run on every upload) on a built
# collection artifact with tests/galaxy-importer.cfg (no container-based ansible-test), and
# fails on a non-zero exit or on any WARNING/ERROR/CRITICAL line it prints.
set -uo pipefail
python=$1 artifact=$2
root=$(cd "$(dirname "$0")/.." && pwd)
artifact=$(cd "$(dirname "$artifact")" && pwd)/$(basename "$artifact")
work="$root/build/galaxy-importer"
rm -rf "$work" && mkdir -p "$work/tmp"
bindir=$(cd "$(dirname "$python")" && pwd)
python="$bindir/$(basename "$python")"
# Its own tools (ansible-doc, ansible-lint) come from its venv; its scratch files stay in build/.
(cd "$work" && GALAXY_IMPORTER_CONFIG="$root/tests/galaxy-importer.cfg" PATH="$bindir:$PATH" \
    TMPDIR="$work/tmp" HOME="$work/tmp" "$python" -m galaxy_importer.main "$artifact") 2>&1 | tee "$work/importer.log"
rc=${PIPESTATUS[0]}
if [ "$rc" -ne 0 ]; then
    echo "galaxy-importer exited $rc" >&2
    exit "$rc"
fi
if grep -qE '^(WARNING|ERROR|CRITICAL)' "$work/importer.log"; then
    echo "galaxy-importer printed warnings or errors (see above)" >&2
    exit 1
fi
if ! grep -q '^Importer processing completed successfully' "$work/importer.log"; then
    echo "galaxy-importer did not report success" >&2
    exit 1
fi
