# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # The options that say which records a photo module works on (see module_utils/_base.py).
    DOCUMENTATION = r"""
options:
  module:
    description:
      - The Bigin module of the records, case-insensitive.
      - V(Companies) is the UI's name for V(Accounts) and means the same.
    type: str
    required: true
  record_id:
    description:
      - The ID of a record, or a list of them. Each is 1 to 19 digits.
      - A repeated ID is worked on once and reported at each of its positions in RV(records).
    type: list
    elements: raw
    required: true
    aliases: [id, record_ids]
  concurrency:
    description:
      - How many records are worked on at once (1 to 20). Bigin limits concurrent API calls per organisation,
        and rate-limited requests are retried (see O(max_retries)).
    type: int
    default: 4
"""
