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
extends_documentation_fragment:
  - zoho.bigin.connection
  - zoho.bigin.records
  - zoho.bigin.attributes
  - zoho.bigin.attributes.info_module
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
  description: One entry per record, in the order given (with O(criteria) or O(all_records), in Bigin's order).
  returned: always
  type: list
  elements: dict
  contains:
    module:
      description: The API name of the module (V(Companies) is returned as V(Accounts)).
      type: str
      sample: Accounts
    record_id:
      description: The record ID.
      type: str
      sample: "3000000040001"
    present:
      description: Whether the record has a photo.
      type: bool
      returned: when the record was read
      sample: true
    size:
      description: Size of the photo in bytes.
      type: int
      returned: when the record has a photo
      sample: 2048
    sha256:
      description: SHA-256 of the photo's bytes, hex.
      type: str
      returned: when the record has a photo
      sample: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
    content_type:
      description: The photo's content type, as the API gave it (by the image's bytes when the API gave none).
      type: str
      returned: when the record has a photo
      sample: image/png
    error:
      description: Why this record could not be read, with C(code), C(http_status), C(message), C(resolution), C(details).
      type: dict
      returned: when this record failed
error:
  description: The first record's error, when the task failed.
  returned: failure
  type: dict
api_calls:
  description:
    - What the task cost in requests, to budget Bigin's daily API credits.
    - C(total) and C(by_method) count the requests sent to the Bigin API (every attempt, retries included;
      C(by_method) always has C(GET), C(POST) and C(DELETE)).
    - C(token_refreshes) counts the requests sent to the accounts server's token endpoint (retries included);
      they are not API calls.
    - Zero counts when the task failed on its input before any request.
  returned: always, unless ansible-core rejects the options before the module runs
  type: dict
  version_added: 1.1.0
  sample: {"total": 4, "by_method": {"GET": 3, "POST": 0, "DELETE": 1}, "token_refreshes": 1}
api_trace:
  description:
    - One entry per request attempt, in the order they started, with C(method), C(path) (the URL path, without
      host or query string), C(status) (V(null) when no answer came), C(attempt) (1 for the first try of a
      request) and C(ms) (milliseconds until the answer was read).
    - Token endpoint requests appear with their path C(/oauth/v2/token). No token, secret or header is included.
  returned: when run with verbosity 3 or more (C(-vvv))
  type: list
  elements: dict
  version_added: 1.1.0
  sample: [{"method": "POST", "path": "/oauth/v2/token", "status": 200, "attempt": 1, "ms": 41.2},
           {"method": "GET", "path": "/bigin/v2/Contacts/3000000038009/photo", "status": 429, "attempt": 1, "ms": 12.0},
           {"method": "GET", "path": "/bigin/v2/Contacts/3000000038009/photo", "status": 200, "attempt": 2, "ms": 15.3}]
"""

from ansible_collections.zoho.bigin.plugins.module_utils._base import BiginModule
from ansible_collections.zoho.bigin.plugins.module_utils._photo import Outcome, PhotoService


class BiginPhotoInfo(BiginModule):
    def run(self) -> None:
        service = PhotoService(self.client, self.module_name)
        outcomes = self.results_for(self.select_records(), Outcome.for_ref)
        self.finish(self.run_records(outcomes, service.read_photo), Outcome.to_info)


def main() -> None:
    BiginPhotoInfo.execute()


if __name__ == "__main__":
    main()
