# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # The options that say which records a module works on (see module_utils/_base.py and _records.py).
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
      - Exactly one of O(record_id), O(criteria) and O(all_records=true) must be given.
    type: list
    elements: raw
    aliases: [id, record_ids]
  criteria:
    description:
      - The records that match a Bigin search criteria expression, such as V((Email:ends_with:old.example\)) or
        V(((Last_Name:starts_with:Old\)and(Email:equals:a@b.c\))). Operators include C(equals), C(not_equal),
        C(starts_with) and C(in) (comma-separated values); conditions are joined with C(and) or C(or) in parentheses.
      - Checked before any request (non-empty, balanced parentheses, no control characters, at most 10 conditions,
        C(and) and C(or) not mixed without parentheses, operators C(equals), C(not_equal), C(starts_with),
        C(ends_with), C(in)); values may carry Bigin's backslash escapes C(\\(), C(\\\)) and C(\\,).
      - Each record the search returns is checked against the criteria as written (C(equals) is the whole value,
        case-insensitive; Bigin's own C(equals) may also match words inside a value). A record that does not match
        is left alone and reported with C(skipped) and C(skip_reason) in RV(records) and counted in RV(summary).
      - Bigin's search reaches at most 2,000 records. When more match, the task fails before acting on any record;
        use narrower criteria or O(all_records).
      - Needs the OAuth scope C(ZohoSearch.securesearch.READ) besides the module's C(READ) scope.
      - The photo field C(Record_Image) cannot be searched on; O(all_records) lists it for every record.
    type: str
  all_records:
    description:
      - With V(true), every record of O(module), listed 200 at a time (beyond 2,000 records with page tokens).
    type: bool
    default: false
  concurrency:
    description:
      - How many records are worked on at once (1 to 20). Bigin limits concurrent API calls per organisation,
        and rate-limited requests are retried (see O(max_retries)).
      - Listing and search pages are read one after the other.
    type: int
    default: 4
"""
