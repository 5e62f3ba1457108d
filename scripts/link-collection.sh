#!/usr/bin/env bash
# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# Usage: scripts/link-collection.sh COLLECTIONS_DIR
# Makes COLLECTIONS_DIR/ansible_collections/zoho/bigin a link to this checkout, so that plain
# pytest and ansible-playbook (ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_DIR) run the working tree
# itself, without staging. An existing link is left as it is.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
link="$1/ansible_collections/zoho/bigin"
mkdir -p "$(dirname "$link")"
[ -L "$link" ] || ln -sfn "$root" "$link"
