#!/usr/bin/python
# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: bigin_record_info
short_description: Read Zoho Bigin records chosen by ID, by search criteria, or all of them
version_added: 1.1.0
description:
  - Returns the records of a Zoho Bigin module (Contacts, Companies, Products) with the fields asked for,
    and whether each has a photo.
  - Chooses the records by ID (O(record_id)), by a search (O(criteria)) or takes every record (O(all_records)).
  - Read-only.
author:
  - zoho.bigin maintainers (@zoho-bigin)
extends_documentation_fragment: [zoho.bigin.connection, zoho.bigin.records, zoho.bigin.attributes, zoho.bigin.attributes.info_module]
options:
  fields:
    description:
      - API names of the fields to return, such as V(Last_Name) or V(Account_Name); at most 48.
      - C(id) and C(Record_Image) are always read (C(Record_Image) gives RV(records[].has_photo)).
      - Default for V(Contacts) C(First_Name), C(Last_Name), C(Email); for V(Accounts) C(Account_Name);
        for V(Products) C(Product_Name).
    type: list
    elements: str
notes:
  - With O(criteria) or O(all_records), one request per 200 records. With O(record_id), one request per record.
seealso:
  - module: zoho.bigin.bigin_photo
  - module: zoho.bigin.bigin_photo_info
  - name: Bigin Get Records API
    description: The API reference of the listing this module reads.
    link: https://www.bigin.com/developer/docs/apis/v2/get-records.html
"""

EXAMPLES = r"""
- name: Which companies have no photo?
  zoho.bigin.bigin_record_info:
    module: Companies
    all_records: true
    access_token: "{{ bigin_access_token }}"
  register: companies

- name: Report them
  ansible.builtin.debug:
    msg: "{{ companies.records | rejectattr('has_photo') | map(attribute='Account_Name') | list }}"

- name: Contacts whose last name starts with Old, with their company
  zoho.bigin.bigin_record_info:
    module: Contacts
    criteria: "(Last_Name:starts_with:Old)"
    fields: [Last_Name, Email, Account_Name]
    access_token: "{{ bigin_access_token }}"
  register: old_contacts
"""

RETURN = r"""
records:
  description:
    - One entry per record, in the order Bigin gave them (with O(record_id), in the order given).
    - Each has the requested fields as Bigin returned them, besides the keys below; a lookup field
      (such as C(Account_Name) of a contact) is a dict with C(id) and C(name).
  returned: always
  type: list
  elements: dict
  sample: [{"id": "3000000038009", "found": true, "has_photo": false, "First_Name": "Ada", "Last_Name": "Old",
            "Email": "ada@old.example"}]
  contains:
    id:
      description: The record ID.
      type: str
    found:
      description: Whether the record exists (false for an unknown O(record_id)).
      type: bool
    has_photo:
      description: Whether the record has a photo (from its C(Record_Image) field); null when not found.
      type: bool
    skipped:
      description: V(true) for a record the search returned that does not match O(criteria) exactly; it was left alone.
      type: bool
      returned: when the record was skipped
      sample: true
    skip_reason:
      description: Why the record was skipped.
      type: str
      returned: when the record was skipped
      sample: not an exact match of the criteria
    error:
      description: Why this record could not be read; the same fields as RV(zoho.bigin.bigin_photo#module:records[].error).
      type: dict
      returned: when this record failed
error:
  description: The first record's error, when the task failed (the same fields as RV(records[].error)).
  returned: failure
  type: dict
summary:
  description:
    - The counts of the records, as described in RV(zoho.bigin.bigin_photo#module:summary).
  returned: always, unless the task failed before selecting records
  type: dict
  sample: {"selected": 20, "changed": 2, "unchanged": 18, "failed": 0, "skipped": 0, "not_attempted": 0}
api_calls_estimate:
  description:
    - In check mode, the Bigin API requests a real run would send now, as described in
      RV(zoho.bigin.bigin_photo#module:api_calls_estimate).
  returned: in check mode
  type: int
  sample: 21
api_calls:
  description:
    - What the task cost in requests, as described in RV(zoho.bigin.bigin_photo#module:api_calls).
  returned: always, unless ansible-core rejects the options before the module runs
  type: dict
  sample: {"total": 1, "by_method": {"GET": 1, "POST": 0, "DELETE": 0}, "token_refreshes": 0}
api_trace:
  description:
    - One entry per request attempt, as described in RV(zoho.bigin.bigin_photo#module:api_trace).
  returned: when run with verbosity 3 or more (C(-vvv))
  type: list
  elements: dict
"""

from ansible_collections.zoho.bigin.plugins.module_utils._base import BiginModule
from ansible_collections.zoho.bigin.plugins.module_utils._record_info import RecordInfoService


class BiginRecordInfo(BiginModule):
    spec_parts = ("connection", "selection")  # no report: its job is to return every record
    argument_spec = {
        "fields": {"type": "list", "elements": "str"},
    }

    def run(self) -> None:
        service = RecordInfoService(self.client, self.module_name, self.params["fields"])
        infos = self.process(self.selected_pages(service.listing_fields), service.result_for, service.read,
                             service.settle)
        self.finish(infos, service.render)


def main() -> None:
    BiginRecordInfo.execute()


if __name__ == "__main__":
    main()
