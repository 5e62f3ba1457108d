#!/usr/bin/env bash
# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# Usage: scripts/clean.sh
# Removes what builds and test runs leave in the checkout: build/ (staged collection, results,
# artifacts, docs, the galaxy-importer venv), ansible-test's tests/output, pytest and hypothesis
# caches, and every __pycache__ outside the venvs. The venvs stay (make distclean removes them).
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf build tests/output .pytest_cache .hypothesis
find . -name __pycache__ -type d -not -path './.venv*' -prune -exec rm -rf {} +
