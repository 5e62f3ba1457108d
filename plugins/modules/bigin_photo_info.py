#!/usr/bin/python
# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: bigin_photo_info
short_description: Read the photo facts of Zoho Bigin records
version_added: 1.0.0
description:
  - Tells whether Zoho Bigin records (Contacts, Companies, Products) have a photo, and its size,
    SHA-256 and content type.
  - Read-only; works on one record or many in one task, several at a time.
author:
  - zoho.bigin maintainers (@zoho-bigin)
extends_documentation_fragment: [zoho.bigin.connection, zoho.bigin.records, zoho.bigin.attributes, zoho.bigin.attributes.info_module]
options:
  report:
    description:
      - Which records RV(records) lists. RV(summary) counts every record whatever this says.
      - V(all), the default, lists every record, since reading the photo facts is this module's job.
      - V(changes) lists only the records that failed or were not attempted, for a task that checks a large
        selection and needs only the problems; V(none) lists no record.
    type: str
    choices: [all, changes, none]
    default: all
    version_added: 1.1.0
seealso:
  - module: zoho.bigin.bigin_photo
"""

EXAMPLES = r"""
- name: Which contacts have a photo?
  zoho.bigin.bigin_photo_info:
    module: Contacts
    record_id: ["3000000038009", "3000000038010"]
    access_token: "{{ bigin_access_token }}"
  register: photos

- name: Which products have a photo? (one listing request per 200 products, a GET only for those with one)
  zoho.bigin.bigin_photo_info:
    module: Products
    all_records: true
    access_token: "{{ bigin_access_token }}"
  register: product_photos

- name: List the contacts with a photo
  ansible.builtin.debug:
    msg: "{{ photos.records | selectattr('present') | map(attribute='record_id') | list }}"
"""

RETURN = r"""
records:
  description:
    - One entry per record, in the order given (with O(criteria) or O(all_records), in Bigin's order).
    - A repeated O(record_id) is read once and reported at each of its positions.
    - Only the records O(report) asks for (by default every record).
  returned: always
  type: list
  elements: dict
  sample: [{"module": "Accounts", "record_id": "3000000040001", "present": true, "size": 2048, "content_type": "image/png",
            "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"},
           {"module": "Accounts", "record_id": "3000000040002", "present": false}]
  contains:
    module:
      description: The module's API name (V(Companies) is returned as V(Accounts)).
      type: str
    record_id:
      description: The record ID.
      type: str
    present:
      description: Whether the record has a photo.
      type: bool
      returned: when the record was read
    size:
      description: Size of the photo in bytes.
      type: int
      returned: when the record has a photo
    sha256:
      description: SHA-256 of the photo's bytes, hex.
      type: str
      returned: when the record has a photo
    content_type:
      description: The photo's content type, as the API gave it (by the image's bytes when the API gave none).
      type: str
      returned: when the record has a photo
    skipped:
      description: V(true) for a record the search returned that does not match O(criteria) exactly; it was left alone.
      type: bool
      returned: when the record was skipped
      version_added: 1.1.0
      sample: true
    skip_reason:
      description: Why the record was skipped.
      type: str
      returned: when the record was skipped
      version_added: 1.1.0
      sample: not an exact match of the criteria
    error:
      description: Why this record could not be read; the same fields as RV(zoho.bigin.bigin_photo#module:records[].error).
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
  version_added: 1.1.0
  sample: {"selected": 20, "changed": 2, "unchanged": 18, "failed": 0, "skipped": 0, "not_attempted": 0}
api_calls_estimate:
  description:
    - In check mode, the Bigin API requests a real run would send now, as described in
      RV(zoho.bigin.bigin_photo#module:api_calls_estimate).
  returned: in check mode
  type: int
  version_added: 1.1.0
  sample: 21
api_calls:
  description:
    - What the task cost in requests, as described in RV(zoho.bigin.bigin_photo#module:api_calls).
  returned: always, unless ansible-core rejects the options before the module runs
  type: dict
  version_added: 1.1.0
  sample: {"total": 1, "by_method": {"GET": 1, "POST": 0, "DELETE": 0}, "token_refreshes": 0}
api_trace:
  description: One entry per request attempt (C(method), C(path), C(status), C(attempt), C(ms)), without any token
    or secret; described in full in RV(zoho.bigin.bigin_photo#module:api_trace).
  returned: when run with verbosity 3 or more (C(-vvv))
  type: list
  elements: dict
  version_added: 1.1.0
"""

from ansible_collections.zoho.bigin.plugins.module_utils._base import BiginModule
from ansible_collections.zoho.bigin.plugins.module_utils._photo import Outcome, PhotoService
from ansible_collections.zoho.bigin.plugins.module_utils._sources import PHOTO_LISTING_FIELDS


class BiginPhotoInfo(BiginModule):
    argument_spec = {"report": {"type": "str", "choices": ["all", "changes", "none"], "default": "all"}}

    def run(self) -> None:
        service = PhotoService(self.client, self.module_name, state="info")
        outcomes = self.process(self.selected_pages(PHOTO_LISTING_FIELDS), Outcome.for_ref, service.work,
                                service.settle)
        self.finish(outcomes, Outcome.to_info)


def main() -> None:
    BiginPhotoInfo.execute()


if __name__ == "__main__":
    main()
