#!/usr/bin/env bash
# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# Execution Environment check (no container engine needed): ansible-builder must find the
# collection's Python dependency through meta/execution-environment.yml, and must turn
# examples/execution-environment.yml into a complete build context.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$root"
ansible-galaxy collection build --output-path "$tmp" . >/dev/null
artifact=$(ls "$tmp"/zoho-bigin-*.tar.gz)
ANSIBLE_COLLECTIONS_PATH="$tmp/collections" ansible-galaxy collection install -p "$tmp/collections" "$artifact" >/dev/null
deps=$(ansible-builder introspect --sanitize "$tmp/collections")
echo "$deps"
grep -q "^- 'requests.*from collection zoho.bigin" <<<"$deps" || { echo "ansible-builder did not find requests" >&2; exit 1; }
cp examples/execution-environment.yml "$tmp/"
(cd "$tmp" && ansible-builder create -f execution-environment.yml -c context >/dev/null)
test -f "$tmp/context/_build/$(basename "$artifact")" || { echo "build context lacks the collection" >&2; exit 1; }
[ -f "$tmp/context/Containerfile" ] || [ -f "$tmp/context/Dockerfile" ] || { echo "no Containerfile in the build context" >&2; exit 1; }
echo "ansible-builder: dependencies found, build context complete"
