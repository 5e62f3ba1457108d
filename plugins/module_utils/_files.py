# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""File-system helpers every feature that writes files shares.

This file is private to the collection: its API may change without notice.
"""

from __future__ import annotations

import os


def sync_directory(directory: str) -> None:
    """fsync ``directory``, so that a file just created or renamed in it survives a power cut.

    The file's own fsync keeps its bytes; only the directory's keeps its name.  A file system
    that cannot sync a directory (some network ones) is accepted as it is.
    """
    try:
        dir_fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)
