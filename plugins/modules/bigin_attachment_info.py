#!/usr/bin/python
# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: bigin_attachment_info
short_description: List the attachments of Zoho Bigin records
version_added: 1.1.0
description:
  - Lists the attachments of Zoho Bigin records (Contacts, Companies, Products), with their file name, size, creation
    time and creator, and with O(checksum=true) their SHA-256.
  - Read-only; works on one record or many in one task, several at a time.
author:
  - zoho.bigin maintainers (@zoho-bigin)
extends_documentation_fragment: [zoho.bigin.connection, zoho.bigin.records, zoho.bigin.attributes, zoho.bigin.attributes.info_module]
options:
  checksum:
    description:
      - With V(true), every file attachment is downloaded, streamed and hashed (never kept, never held in memory),
        to return its C(sha256). One more request per attachment.
    type: bool
    default: false
  report:
    description:
      - Which records RV(records) lists. RV(summary) counts every record whatever this says.
      - V(all), the default, lists every record; V(changes) only those that failed or were not attempted; V(none) none.
    type: str
    choices: [all, changes, none]
    default: all
notes:
  - Requests per record, one GET to list its attachments (per 200 of them), plus with O(checksum=true) one GET per file
    attachment.
  - The OAuth token needs the module's read scope (for example C(ZohoBigin.modules.contacts.READ) or
    C(ZohoBigin.modules.ALL)) and C(ZohoBigin.modules.attachments.READ) (or C(ZohoBigin.modules.attachments.ALL)).
seealso:
  - module: zoho.bigin.bigin_attachment
  - name: Bigin Get Attachments API
    description: The API reference of the request this module sends.
    link: https://www.bigin.com/developer/docs/apis/v2/get-attachments.html
"""

EXAMPLES = r"""
- name: What is attached to these contacts, with checksums?
  zoho.bigin.bigin_attachment_info:
    module: Contacts
    record_id: ["3000000038009", "3000000038010"]
    checksum: true
    access_token: "{{ bigin_access_token }}"
  register: found

- name: Show the names of the first contact's attachments
  ansible.builtin.debug:
    msg: "{{ found.records[0].attachments | map(attribute='file_name') | list }}"
"""

RETURN = r"""
records:
  description: One entry per record, in the order given (with O(criteria) or O(all_records), in Bigin's order).
  returned: always
  type: list
  elements: dict
  contains:
    module:
      description: The API name of the module (V(Companies) is returned as V(Accounts)).
      type: str
      sample: Contacts
    record_id:
      description: The record ID.
      type: str
      sample: "3000000038009"
    attachments:
      description:
        - The record's attachments, in Bigin's order (newest first), each with C(id), C(file_name), C(size) (bytes),
          C(created_time), C(created_by) (C(name), C(id), C(email)), C(type) (V(Attachment) for a file, V(Link URL)
          for a link), C(link_url) for a link, and C(sha256) with O(checksum=true) for a file.
      type: list
      elements: dict
      returned: when the record was read
      sample: [{"id": "3000000970001", "file_name": "contract.pdf", "size": 48213, "created_time": "2026-11-26T12:00:00+00:00",
                "created_by": {"name": "Patricia Boyle", "id": "3000000000001", "email": "p.boyle@zylker.example"},
                "type": "Attachment",
                "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}]
    error:
      description: Why this record failed (C(code), C(http_status), C(message), C(resolution), C(details)).
      type: dict
      returned: when this record failed
error:
  description: The first record's error, when the task failed.
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
  description: One entry per request attempt; described in full in RV(zoho.bigin.bigin_photo#module:api_trace).
  returned: when run with verbosity 3 or more (C(-vvv))
  type: list
  elements: dict
"""

from ansible_collections.zoho.bigin.plugins.module_utils._attachments import AttachmentOutcome, AttachmentService
from ansible_collections.zoho.bigin.plugins.module_utils._base import BiginModule


class BiginAttachmentInfo(BiginModule):
    argument_spec = {
        "checksum": {"type": "bool", "default": False},
        "report": {"type": "str", "choices": ["all", "changes", "none"], "default": "all"},
    }

    def run(self) -> None:
        service = AttachmentService(self.client, self.module_name, state="info", checksum=self.params["checksum"],
                                    check_mode=self.module.check_mode)
        outcomes = self.process(self.selected_pages(), AttachmentOutcome.for_ref, service.work)
        self.finish(outcomes, AttachmentOutcome.to_info)


def main() -> None:
    BiginAttachmentInfo.execute()


if __name__ == "__main__":
    main()
