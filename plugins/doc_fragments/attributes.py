# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # Every zoho.bigin module belongs to the action group zoho.bigin.all.
    DOCUMENTATION = r"""
options: {}
attributes:
  action_group:
    description: Use C(group/zoho.bigin.all) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - zoho.bigin.all
"""

    # Modules that change records.
    ACTIONS = r"""
options: {}
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details: No upload or delete request is sent in check mode; photos are only read.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
    details: For every record read, C(before) and C(after) hold C(present), and C(size) and C(sha256) where known.
"""

    # Modules that only read.
    INFO_MODULE = r"""
options: {}
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details: This module only reads, so it does the same in check mode.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: N/A
    details: This module never changes anything.
"""

    # Modules that write files on the host they run on (bigin_photo_export).
    FILES = r"""
options: {}
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details: Photos are read as in a normal run; no file, directory or manifest is written or removed.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
    details: For every record, C(before) and C(after) describe its file in O(dest) (C(present), C(size), C(sha256)).
"""
