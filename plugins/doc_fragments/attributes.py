# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # Generic wording only: each module says what check and diff mode mean for it in ``details``
    # under its own ``attributes:`` (merged over these).

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

    # Modules that change something (records in Bigin, or files on the host they run on).
    ACTIONS = r"""
options: {}
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
"""

    # Modules that only read.
    INFO_MODULE = r"""
options: {}
attributes:
  check_mode:
    support: full
    description: Can run in check_mode and return changed status prediction without modifying target.
    details: This module only reads, so it does the same in check mode.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: N/A
    details: This module never changes anything.
"""
