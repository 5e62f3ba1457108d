#!/usr/bin/env bash
# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# Usage: scripts/build-docs-site.sh
# Builds the collection's HTML documentation site into build/docs/html: antsibull-docs
# sphinx-init --use-current makes a Sphinx project in build/docs-src, antsibull-docs collection
# writes the module pages and the guides of docs/docsite/ into it, and sphinx-build renders it
# with warnings as errors. Needs antsibull-docs, sphinx and sphinx-ansible-theme on PATH and
# ANSIBLE_COLLECTIONS_PATH holding ansible_collections/zoho/bigin (the Makefile sets both).
set -euo pipefail
cd "$(dirname "$0")/.."
src=build/docs-src
out=build/docs
rm -rf "$src" "$out"
# antsibull-docs wants its directories owned by us and writable by nobody else.
mkdir -p "$src" && chmod 0700 "$src"
antsibull-docs sphinx-init --use-current --squash-hierarchy --fail-on-error --dest-dir "$src" \
    --project zoho.bigin --copyright "zoho.bigin contributors" \
    --title "zoho.bigin collection documentation" --html-short-title zoho.bigin zoho.bigin
# Builds run offline: no intersphinx inventories to download (a failed download is a warning);
# scripts/sphinx_offline_refs.py links the few docs.ansible.com labels the module pages use.
cat >> "$src/conf.py" <<CONF

# make docs-site: offline build
import sys
sys.path.insert(0, "$(pwd)/scripts")
extensions.append("sphinx_offline_refs")
intersphinx_mapping = {}
CONF
mkdir -p "$src/rst" && chmod 0700 "$src/rst"
antsibull-docs --config-file "$src/antsibull-docs.cfg" collection --cleanup everything --fail-on-error \
    --use-current --squash-hierarchy --dest-dir "$src/rst" zoho.bigin
sphinx-build -M html "$src/rst" "$out" -c "$src" -W --keep-going -q
echo "docs site: $out/html/index.html"
