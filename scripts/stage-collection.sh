#!/usr/bin/env bash
# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# Copy this checkout (git-tracked files plus untracked files that are not ignored)
# into DEST (default build/ansible_collections/zoho/bigin), where ansible-test and
# antsibull-docs find the collection in an ansible_collections/<ns>/<name> tree.
# The copy is refreshed in place: files that left the checkout are removed, while
# tests/output (ansible-test's results) is kept between runs.
# The copy gets its own (empty) git repository: ansible-test looks for the nearest
# .git upwards and would otherwise pick this checkout, where build/ is ignored, and
# skip every file. With a repo of its own, "git ls-files -co --exclude-standard"
# lists the copy (no commit is needed) and the copied .gitignore still applies.
set -euo pipefail
cd "$(dirname "$0")/.."
DEST="${1:-build/ansible_collections/zoho/bigin}"
mkdir -p "$DEST"
list=$(mktemp)
trap 'rm -f "$list" "$list.old"' EXIT
# Deleted-but-still-tracked files are dropped by the existence test.
git ls-files -co --exclude-standard | sort -u | while IFS= read -r f; do
    if [ -f "$f" ] || [ -L "$f" ]; then printf '%s\n' "$f"; fi
done > "$list"
# Remove files that are no longer part of the checkout (never tests/output).
(cd "$DEST" && find . \( -path ./tests/output -o -path ./.git \) -prune -o \( -type f -o -type l \) -print | sed 's|^\./||' | sort) > "$list.old"
comm -23 "$list.old" "$list" | while IFS= read -r f; do rm -f "$DEST/$f"; done
tar -cf - -T "$list" | tar -xf - -C "$DEST"
find "$DEST" -mindepth 1 \( -path "$DEST/tests/output" -o -path "$DEST/.git" \) -prune -o -type d -empty -print0 | xargs -0 -r rmdir 2>/dev/null || true
[ -d "$DEST/.git" ] || git -C "$DEST" init -q
echo "staged $(wc -l < "$list") files into $DEST"
