# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Make ``ansible_collections.zoho.bigin`` importable when pytest runs from a plain checkout.

ansible-test already runs from ``.../ansible_collections/zoho/bigin``; a checkout
elsewhere gets a symlink farm under ``build/collections`` (git-ignored), which is
also what the integration tests point ``ANSIBLE_COLLECTIONS_PATH`` at.
"""

from __future__ import annotations

import os
import sys

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLLECTIONS_DIR = os.path.join(REPO_ROOT, "build", "collections")


def _in_collection_tree() -> bool:
    parts = REPO_ROOT.split(os.sep)
    return parts[-3:-2] == ["ansible_collections"] and parts[-2:] == ["zoho", "bigin"]


def collections_path() -> str:
    """Return a directory holding ``ansible_collections/zoho/bigin`` for this checkout."""
    if _in_collection_tree():
        return os.path.dirname(os.path.dirname(os.path.dirname(REPO_ROOT)))
    link = os.path.join(COLLECTIONS_DIR, "ansible_collections", "zoho", "bigin")
    if not os.path.islink(link):
        os.makedirs(os.path.dirname(link), exist_ok=True)
        try:
            os.symlink(REPO_ROOT, link)
        except FileExistsError:  # another xdist worker made it first
            pass
    return COLLECTIONS_DIR


_path = collections_path()
if _path not in sys.path:
    sys.path.insert(0, _path)
if REPO_ROOT not in sys.path:
    sys.path.insert(0, REPO_ROOT)
