# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # The report option of the modules that work on records (see module_utils/_runner.py, RecordRunner.finish).
    DOCUMENTATION = r"""
options:
  report:
    description:
      - Which records RV(records) lists. RV(summary) counts every record whatever this says.
      - V(all) lists every record, in order.
      - V(changes) lists only the records that changed, failed, were skipped or were not attempted. A run over
        100,000 records that changes nothing then returns a small result, which keeps AWX's job events and the
        controller fast.
      - V(none) lists no record.
      - The default is V(all) with O(record_id) and V(changes) with O(criteria) or O(all_records).
    type: str
    choices: [all, changes, none]
    version_added: 1.1.0
"""
