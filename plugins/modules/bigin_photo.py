#!/usr/bin/python
# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: bigin_photo
short_description: Manage the photo of Zoho Bigin records
version_added: 1.0.0
description:
  - Uploads, replaces or deletes the photo of Zoho Bigin records (Contacts, Companies, Products), idempotently.
  - Works on one record or many in one task, several at a time.
author:
  - zoho.bigin maintainers (@zoho-bigin)
extends_documentation_fragment: [zoho.bigin.connection, zoho.bigin.records, zoho.bigin.report, zoho.bigin.attributes, zoho.bigin.attributes.actions]
attributes:
  check_mode:
    details: No upload or delete request is sent in check mode; photos are only read.
  diff_mode:
    details: For every record read, C(before) and C(after) hold C(present), and C(size) and C(sha256) where known.
options:
  state:
    description:
      - V(present) makes sure the records have the photo in O(src); V(absent) makes sure they have no photo.
      - With V(absent), a record that has no photo is left alone (not changed).
    type: str
    choices: [present, absent]
    default: present
  src:
    description:
      - Path of the image to upload. Required with O(state=present).
      - With O(remote_src=false) (the default), a path on the Ansible controller, found as M(ansible.builtin.copy)
        finds its O(ansible.builtin.copy#module:src). In a role, first the role's C(files/) directory, then the
        role's directory and its C(tasks/) directory (then those of the roles that depend on it); last the playbook
        directory's C(files/) and the playbook directory itself. An absolute path is used as given.
        A path found nowhere fails the task, naming every place searched, before any request is sent.
        When the task runs on another host than the controller, the file is copied to a temporary directory there
        and removed after the task.
      - With O(remote_src=true), a path on the host the module runs on, used as given (a relative path is relative
        to the module's working directory there).
      - A PNG, JPEG, GIF or BMP image of at most 10 MB and 10 megapixels (width x height, read from its header).
      - Or a directory, to restore photos saved by M(zoho.bigin.bigin_photo_export) or O(backup_dir).
        Each record's photo is then its own file there, C({Module}-{record_id}.{ext}) (an export; C(Module) is
        the API name, so Companies are C(Accounts)), or else the newest C({Module}-{record_id}-{UTC timestamp}.{ext})
        (a O(backup_dir) file). Comparison and O(force) work as with a single file.
      - With a directory, a selected record that has no file there fails with C(NO_SOURCE_FILE), naming the path
        looked for; the other records are still worked on.
      - With a directory, O(record_id), O(criteria) and O(all_records) may all be left out; the records are then
        those of O(module) that have a file there. Otherwise (a single file, or O(state=absent)) one of them is
        required.
      - With a directory, every file of O(module) there (with O(record_id), every selected record's file) is checked
        (type, 10 MB, 10 megapixels) before any request is sent.
      - A directory on the controller is used as it is only when the task runs on the controller (connection
        C(local), for example a play on C(localhost) or a task delegated to C(localhost)). It is never copied to another host;
        there the task fails and asks for O(remote_src=true) with a directory on that host.
      - Ignored with O(state=absent).
    type: path
  remote_src:
    description:
      - V(false) (the default) looks for O(src) on the Ansible controller (through the search path of roles and
        playbooks) and sends a file to the host the task runs on, when that is another host.
      - V(true) takes O(src) as a path on the host the module runs on; nothing is looked up or copied. Needed for a
        restore from a directory on another host than the controller.
      - Has no effect with O(state=absent) or on a task without O(src).
    type: bool
    default: false
    version_added: 1.1.0
  force:
    description:
      - As in M(ansible.builtin.copy). With V(true), a record whose photo differs from O(src)
        (compared by SHA-256 of the bytes) gets it replaced. With V(false), only records without a photo get one.
    type: bool
    default: true
  backup_dir:
    description:
      - When set, a photo about to be deleted or replaced is first saved in this directory,
        as C({Module}-{record_id}-{UTC timestamp}.{ext}), and its path is returned in RV(records[].backup_file).
      - If the backup cannot be written, that record is left untouched and reported as failed.
      - The directory is created (mode 0700) if it does not exist.
    type: path
notes:
  - With O(record_id), the photo's presence is read with one GET per record; the image itself is downloaded
    only when its bytes are needed (O(backup_dir), diff mode, O(force) comparison) or it is small.
  - With O(criteria) or O(all_records), the listing (one request per 200 records) says which records have a
    photo. V(absent) sends a DELETE only where there is one, and a GET first only for O(backup_dir) or diff
    mode; V(present) with O(force=false) sends a POST only where there is none and no GET; with O(force=true),
    a GET only where there is a photo.
  - After an upload the photo is read back once (one GET), which proves the upload landed; RV(records[].after)
    reports what Bigin holds. Bigin's docs do not say it stores the bytes it is given; when it keeps a different
    image, the pair "O(src)'s SHA-256, the stored SHA-256" is remembered for the record in a 0600 file beside the
    token cache (C($XDG_CACHE_HOME/zoho.bigin/stored-uploads.json)), so the same task run again from the same
    controller is V(ok) without an upload. Without that file (another controller, a cleared cache) one upload more
    is sent, never a wrong V(ok).
  - A photo GET that answers 204, an empty 200, 404 C(NOT_FOUND) or 400 C(INVALID_DATA) "No such photo exists"
    means "no photo" (Bigin's docs imply the first; the others are what it might send instead).
  - A task with several records works on all of them even when some fail, then fails if any failed.
    After an error that cannot depend on the record (a rejected token, a missing OAuth scope, an unknown module),
    the records not yet started are not attempted. Per-record refusals (no permission on the record, a locked
    record, an invalid id) do not stop the others, unless 10 records in a row fail with the same one and none has
    succeeded.
seealso:
  - module: zoho.bigin.bigin_photo_info
  - name: Bigin Delete Photo API
    description: The API reference of the request this module sends for O(state=absent).
    link: https://www.bigin.com/developer/docs/apis/v2/delete-image.html
"""

EXAMPLES = r"""
- name: Delete the photo of one contact
  zoho.bigin.bigin_photo:
    module: Contacts
    record_id: "3000000038009"
    state: absent
    access_token: "{{ bigin_access_token }}"

- name: Delete the photos of many contacts, eight at a time
  zoho.bigin.bigin_photo:
    module: Contacts
    record_id: "{{ contact_ids }}"
    state: absent
    concurrency: 8
    access_token: "{{ bigin_access_token }}"

- name: Upload a logo for a company (replaced if different)
  zoho.bigin.bigin_photo:
    module: Companies
    record_id: "3000000040001"
    src: files/logo.png
    access_token: "{{ bigin_access_token }}"

- name: Back up the photos, then delete them
  zoho.bigin.bigin_photo:
    module: Products
    record_id: ["3000000050001", "3000000050002"]
    state: absent
    backup_dir: /var/backups/bigin-photos
    access_token: "{{ bigin_access_token }}"

- name: Delete the photos of every contact whose email is at the old domain (needs ZohoSearch.securesearch.READ)
  zoho.bigin.bigin_photo:
    module: Contacts
    criteria: "(Email:ends_with:@old-company.example)"
    state: absent
    access_token: "{{ bigin_access_token }}"

- name: Give every product without a photo the default one
  zoho.bigin.bigin_photo:
    module: Products
    all_records: true
    src: files/default-product.png
    force: false
    access_token: "{{ bigin_access_token }}"

- name: After a mistaken deletion, put back every contact photo exported by bigin_photo_export
  zoho.bigin.bigin_photo:
    module: Contacts
    src: /var/backups/bigin-photos
    access_token: "{{ bigin_access_token }}"

- name: Restore one contact's photo from its newest backup_dir file
  zoho.bigin.bigin_photo:
    module: Contacts
    record_id: "3000000038009"
    src: /var/backups/bigin-photos
    access_token: "{{ bigin_access_token }}"

- name: Set the connection once for every zoho.bigin module, with refresh credentials
  module_defaults:
    group/zoho.bigin.all:
      data_center: eu
      client_id: "{{ bigin_client_id }}"
      client_secret: "{{ bigin_client_secret }}"
      refresh_token: "{{ bigin_refresh_token }}"
  block:
    - name: Give every listed contact the standard photo, only where it has none
      zoho.bigin.bigin_photo:
        module: Contacts
        record_id: "{{ contact_ids }}"
        src: files/avatar.png
        force: false

    - name: Delete a contact's photo
      zoho.bigin.bigin_photo:
        module: Contacts
        record_id: "3000000038010"
        state: absent
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
      description: Whether this record's photo was (or in check mode would be) changed.
      type: bool
    before:
      description: The photo before the task; C(size) and C(sha256) where known.
      type: dict
      returned: when the record was read
      sample: {"present": true, "size": 2048, "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}
    after:
      description:
        - The photo after the task (in check mode, what it would be). After an upload, what Bigin holds, read back
          with one GET.
        - C(reencoded) is V(true) when Bigin holds a different image than O(src) (it re-encoded the upload); a
          warning says so, and a rerun with the same O(src) is V(ok) (see the notes).
      type: dict
      returned: when the record was read
      sample: {"present": true, "size": 5123, "sha256": "9f2c...", "reencoded": true}
    backup_file:
      description: Path of the backup of the photo that was deleted or replaced.
      type: str
      returned: when O(backup_dir) is set and a photo was deleted or replaced
      sample: /var/backups/bigin-photos/Contacts-3000000038009-20261126T120000123456Z.png
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
      description:
        - Why this record failed. C(code), C(http_status), C(message) (as the API gave it),
          C(resolution) (the documented one) and C(details) for API errors; C(code) and C(message) otherwise.
      type: dict
      returned: when this record failed
      sample: {"code": "NO_PERMISSION", "http_status": 403, "message": "Permission denied to delete images",
               "resolution": "The user does not have permission to delete images. Contact your system administrator.",
               "details": {}}
error:
  description: The first record's error, when the task failed (the same fields as RV(records[].error)).
  returned: failure
  type: dict
  sample: {"code": "NO_PERMISSION", "http_status": 403, "message": "Permission denied to delete images",
           "resolution": "The user does not have permission to delete images. Contact your system administrator.",
           "details": {}}
summary:
  description:
    - How many records were selected (a repeated O(record_id) counts once) and what became of them; each record
      is counted once, in the first of C(failed), C(not_attempted), C(skipped), C(changed), C(unchanged) that applies.
  returned: always, unless the task failed before selecting records
  type: dict
  version_added: 1.1.0
  sample: {"selected": 20000, "changed": 12, "unchanged": 19988, "failed": 0, "skipped": 0, "not_attempted": 0}
api_calls_estimate:
  description:
    - In check mode, how many Bigin API requests a real run would send now (token requests apart), that is those check mode
      sent (listing, search, reads) plus the uploads, deletes and reads it left out. Use it to size a scheduled
      task, and O(max_api_calls), before running it.
  returned: in check mode
  type: int
  version_added: 1.1.0
  sample: 112
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

import os

from ansible_collections.zoho.bigin.plugins.module_utils._auth import default_cache_dir
from ansible_collections.zoho.bigin.plugins.module_utils._base import BiginModule
from ansible_collections.zoho.bigin.plugins.module_utils._errors import InputError
from ansible_collections.zoho.bigin.plugins.module_utils._files import check_backup_dir
from ansible_collections.zoho.bigin.plugins.module_utils._photo import Outcome, PhotoService
from ansible_collections.zoho.bigin.plugins.module_utils._records import RecordRef
from ansible_collections.zoho.bigin.plugins.module_utils._restore import SourceDir
from ansible_collections.zoho.bigin.plugins.module_utils._sources import PHOTO_LISTING_FIELDS, Image
from ansible_collections.zoho.bigin.plugins.module_utils._stored import StoredCopies


class BiginPhoto(BiginModule):
    argument_spec = {
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        "src": {"type": "path"},
        "force": {"type": "bool", "default": True},
        "backup_dir": {"type": "path"},
        # Read by the action plugin (plugins/action/bigin_photo.py), which resolves and sends src.
        "remote_src": {"type": "bool", "default": False},
    }
    module_kwargs = {"required_if": [["state", "present", ["src"]]]}

    def without_selection(self) -> None:
        """src a directory names the records itself; run() refuses no selection otherwise."""

    def run(self) -> None:
        params, check_mode = self.params, self.module.check_mode
        present, src = params["state"] == "present", params["src"]
        source_dir = SourceDir(src, self.module_name) if present and os.path.isdir(src) else None
        if source_dir is None and self.selection is None:
            raise InputError("give exactly one of record_id, criteria or all_records=true to say which records "
                             "(or none of them with src a directory)")
        if source_dir is not None:  # every file checked before any request, those of listed records included
            selection = self.selection
            source_dir.check(selection.ids if selection is not None and selection.ids is not None
                             else source_dir.record_ids())
        image = Image(src) if present and source_dir is None else None
        backup_dir = params["backup_dir"]
        if backup_dir:  # last: it may create the directory, which only valid input should do
            check_backup_dir(backup_dir, check_mode, self.module.warn)
        # Only for uploads: what Bigin made of earlier ones (a re-encoded copy is then no reason to upload again).
        stored = StoredCopies(default_cache_dir(), self.client.api_domain, self.module.warn) if present else None
        # The image of a record: its file in src a directory, else src for every record.
        service = PhotoService(self.client, self.module_name, state=params["state"],
                               image=source_dir.image if source_dir is not None else lambda _record_id: image,
                               force=params["force"], backup_dir=backup_dir, diff=self.module._diff,
                               check_mode=check_mode, stored=stored, warn=self.module.warn)
        if self.selection is None:  # src a directory and no selection option: the records with a file there
            pages = iter([[RecordRef(self.module_name, record_id) for record_id in source_dir.record_ids()]])  # type: ignore[union-attr]
        else:
            pages = self.selected_pages(PHOTO_LISTING_FIELDS)
        outcomes = self.process(pages, Outcome.for_ref, service.work, service.settle)
        if stored is not None and not check_mode:
            stored.save()
        self.finish(outcomes, Outcome.to_dict)


def main() -> None:
    BiginPhoto.execute()


if __name__ == "__main__":
    main()
