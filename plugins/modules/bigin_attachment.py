#!/usr/bin/python
# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: bigin_attachment
short_description: Manage the attachments of Zoho Bigin records
version_added: 1.1.0
description:
  - Uploads a file as an attachment of Zoho Bigin records (Contacts, Companies, Products), or deletes attachments,
    idempotently by file name and SHA-256.
  - Works on one record or many in one task, several at a time. Files are streamed both ways, never held in memory.
author:
  - zoho.bigin maintainers (@zoho-bigin)
extends_documentation_fragment: [zoho.bigin.connection, zoho.bigin.records, zoho.bigin.report, zoho.bigin.attributes, zoho.bigin.attributes.actions]
attributes:
  check_mode:
    details: No upload or delete request is sent in check mode, and no backup is written; attachments are listed,
      and downloaded to be compared (to hash them, never kept) as a real run would.
  diff_mode:
    details: For every record read, C(before) and C(after) hold its C(attachments) (C(id), C(file_name), C(size),
      and C(sha256) where known).
options:
  state:
    description:
      - V(present) makes sure each record has an attachment named O(name) with the content of O(src).
      - V(absent) deletes every attachment of the record named O(name) (links included), or with
        O(all_attachments=true) every attachment of the record.
    type: str
    choices: [present, absent]
    default: present
  src:
    description:
      - Path of the file to upload. Required with O(state=present); ignored with O(state=absent).
      - With O(remote_src=false) (the default), a path on the Ansible controller, found as M(ansible.builtin.copy)
        finds its O(ansible.builtin.copy#module:src). In a role, first the role's C(files/) directory, then the
        role's directory and its C(tasks/) directory; last the playbook directory's C(files/) and the playbook
        directory itself. An absolute path is used as given. A path found nowhere fails the task, naming every
        place searched, before any request is sent. When the task runs on another host than the controller, the
        file is copied to a temporary directory there and removed after the task.
      - With O(remote_src=true), a path on the host the module runs on, used as given.
      - A regular file (a symbolic link to one is followed) of at most 100 MB, the API's upload limit; a larger
        one fails the task before any request is sent.
    type: path
  remote_src:
    description:
      - V(false) looks for O(src) on the Ansible controller and sends it to the host the task runs on, when that is
        another host. V(true) takes O(src) as a path on the host the module runs on.
    type: bool
    default: false
  name:
    description:
      - The attachment's file name.
      - With O(state=present), the name the file is uploaded as; by default the base name of O(src).
      - With O(state=absent), the name of the attachments to delete (compared exactly, case included).
        Required with O(state=absent) unless O(all_attachments=true).
    type: str
  force:
    description:
      - With V(true), O(state=present) uploads O(src) unless an attachment named O(name) already has its content
        (same SHA-256). Comparing downloads the attachments of that name and of the same size, streamed and hashed,
        never kept.
      - With V(false), a record that has an attachment named O(name) keeps it, whatever its content; nothing is
        downloaded.
      - Either way, an upload adds an attachment, and older attachments of the same name are kept (names are not unique
        in Bigin). Delete them first with O(state=absent) to replace them.
    type: bool
    default: true
  all_attachments:
    description:
      - With V(true) and O(state=absent), every attachment of each record is deleted. Not with O(name), nor with
        O(state=present).
    type: bool
    default: false
  backup_dir:
    description:
      - With O(state=absent), each file attachment about to be deleted is first downloaded into this directory, as
        C({Module}-{record_id}-{attachment_id}-{file_name}) (the file name without path separators, control
        characters or leading dots), complete on disk before the delete is sent. The paths are returned in
        RV(records[].backup_files). A link attachment has no file, and is deleted without a backup.
      - An existing file of that name is never replaced. One with the same content (a backup an earlier run made)
        is kept, and another fails the record, which is then left untouched. If the backup cannot be written, the
        attachment is left in place and the record reported as failed.
      - The directory is created (mode 0700) if it does not exist. Ignored with O(state=present).
    type: path
notes:
  - Requests per record, to budget Bigin's API credits, one GET to list the record's attachments (per 200 of
    them), then one request per download (comparison with O(force=true), backup), upload and delete.
  - The OAuth token needs two scopes for each request, the module's (for example C(ZohoBigin.modules.contacts.READ)
    or C(ZohoBigin.modules.ALL)) and the attachments' (C(ZohoBigin.modules.attachments.READ), C(.CREATE) to upload,
    C(.DELETE) to delete, or C(ZohoBigin.modules.attachments.ALL)).
  - A task with several records works on all of them even when some fail, then fails if any failed.
seealso:
  - module: zoho.bigin.bigin_attachment_info
  - name: Bigin Upload an Attachment API
    description: The API reference of the request this module sends to upload.
    link: https://www.bigin.com/developer/docs/apis/v2/upload-attachment.html
"""

EXAMPLES = r"""
- name: Attach the signed contract to a contact (uploaded again only if its content changed)
  zoho.bigin.bigin_attachment:
    module: Contacts
    record_id: "3000000038009"
    src: files/contract-2026.pdf
    access_token: "{{ bigin_access_token }}"

- name: Attach the price list to every product that has none of that name yet
  zoho.bigin.bigin_attachment:
    module: Products
    all_records: true
    src: files/price-list.pdf
    force: false
    access_token: "{{ bigin_access_token }}"

- name: Upload a report under another name
  zoho.bigin.bigin_attachment:
    module: Companies
    record_id: "3000000040001"
    src: /srv/reports/latest.xlsx
    remote_src: true
    name: quarterly-report.xlsx
    access_token: "{{ bigin_access_token }}"

- name: Delete the old contract of some contacts, backed up first
  zoho.bigin.bigin_attachment:
    module: Contacts
    record_id: ["3000000038009", "3000000038010"]
    name: contract-2025.pdf
    state: absent
    backup_dir: /var/backups/bigin-attachments
    access_token: "{{ bigin_access_token }}"

- name: Delete every attachment of a contact
  zoho.bigin.bigin_attachment:
    module: Contacts
    record_id: "3000000038011"
    state: absent
    all_attachments: true
    access_token: "{{ bigin_access_token }}"
"""

RETURN = r"""
records:
  description:
    - One entry per record, in the order given (with O(criteria) or O(all_records), in Bigin's order).
    - Only the records O(report) asks for; by default every record with O(record_id), and only those that changed,
      failed, were skipped or not attempted with O(criteria) or O(all_records).
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
    changed:
      description: Whether this record's attachments were (or in check mode would be) changed.
      type: bool
    before:
      description:
        - The record's attachments before the task, in Bigin's order, each with C(id), C(file_name), C(size) (bytes),
          C(sha256) when it was downloaded, and C(link_url) for a link.
      type: list
      elements: dict
      returned: when the record was read
      sample: [{"id": "3000000970001", "file_name": "contract-2026.pdf", "size": 48213}]
    after:
      description:
        - The record's attachments after the task (in check mode, what they would be); an upload is last, with
          C(sha256) (and no C(id) in check mode).
      type: list
      elements: dict
      returned: when the record was read
      sample: [{"id": "3000000970002", "file_name": "contract-2026.pdf", "size": 48213,
                "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}]
    uploaded:
      description: The IDs of the attachments uploaded to this record (none in check mode).
      type: list
      elements: str
      returned: always
      sample: ["3000000970002"]
    deleted:
      description: The IDs of the attachments deleted (in check mode, that would be deleted).
      type: list
      elements: str
      returned: always
      sample: ["3000000970001"]
    backup_files:
      description: Paths of the backups of the attachments deleted, in the order they were written.
      type: list
      elements: str
      returned: when O(backup_dir) is set and a file attachment was deleted
      sample: [/var/backups/bigin-attachments/Contacts-3000000038009-3000000970001-contract-2025.pdf]
    error:
      description:
        - Why this record failed. C(code), C(http_status), C(message), C(resolution) and C(details) for API errors;
          C(code) and C(message) otherwise.
      type: dict
      returned: when this record failed
      sample: {"code": "OAUTH_SCOPE_MISMATCH", "http_status": 401, "message": "Unauthorized",
               "resolution": "This request needs ...", "details": {}}
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
  description: One entry per request attempt (C(method), C(path), C(status), C(attempt), C(ms)), without any token
    or secret; described in full in RV(zoho.bigin.bigin_photo#module:api_trace).
  returned: when run with verbosity 3 or more (C(-vvv))
  type: list
  elements: dict
"""

from ansible_collections.zoho.bigin.plugins.module_utils._attachments import (
    AttachmentOutcome,
    AttachmentService,
    Source,
    check_name,
)
from ansible_collections.zoho.bigin.plugins.module_utils._base import BiginModule
from ansible_collections.zoho.bigin.plugins.module_utils._errors import InputError
from ansible_collections.zoho.bigin.plugins.module_utils._files import check_backup_dir


class BiginAttachment(BiginModule):
    argument_spec = {
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        "src": {"type": "path"},
        "name": {"type": "str"},
        "force": {"type": "bool", "default": True},
        "all_attachments": {"type": "bool", "default": False},
        "backup_dir": {"type": "path"},
        # Read by the action plugin (plugins/action/bigin_attachment.py), which resolves and sends src.
        "remote_src": {"type": "bool", "default": False},
    }
    module_kwargs = {"required_if": [["state", "present", ["src"]]]}

    def run(self) -> None:
        params, check_mode = self.params, self.module.check_mode
        present = params["state"] == "present"
        if params["all_attachments"] and present:
            raise InputError("all_attachments: true only goes with state=absent")
        if params["all_attachments"] and params["name"] is not None:
            raise InputError("name and all_attachments are mutually exclusive: give one of them with state=absent")
        if not present and not params["all_attachments"] and params["name"] is None:
            raise InputError("name: required with state=absent, to say which attachments to delete "
                             "(or all_attachments: true for every one)")
        source = Source(params["src"], params["name"]) if present else None
        name = check_name(params["name"], upload=False) if not present and params["name"] is not None else None
        backup_dir = params["backup_dir"] if not present else None
        if backup_dir:  # last: it may create the directory, which only valid input should do
            check_backup_dir(backup_dir, check_mode, self.module.warn)
        service = AttachmentService(self.client, self.module_name, state=params["state"], source=source, name=name,
                                    force=params["force"], all_attachments=params["all_attachments"],
                                    backup_dir=backup_dir, check_mode=check_mode)
        outcomes = self.process(self.selected_pages(), AttachmentOutcome.for_ref, service.work)
        self.finish(outcomes, AttachmentOutcome.to_dict)


def main() -> None:
    BiginAttachment.execute()


if __name__ == "__main__":
    main()
