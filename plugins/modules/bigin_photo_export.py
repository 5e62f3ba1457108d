#!/usr/bin/python
# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: bigin_photo_export
short_description: Back up the photos of Zoho Bigin records to a directory, incrementally
version_added: 1.1.0
description:
  - Saves the photo of each selected Zoho Bigin record (Contacts, Companies, Products) as one file in O(dest),
    named C({Module}-{record_id}.{ext}) (the API module name, so Companies are C(Accounts); C(ext) from the
    image's bytes), mode 0600.
  - Each file is written atomically (a temporary file in O(dest), synced, then renamed), so an interrupted run
    never leaves a partial photo under a final name; the next run completes it.
  - Incremental. C(dest/.bigin-export.json) (mode 0600) remembers, per record, the C(Record_Image) value
    from the listing and the SHA-256 of the file written. When the records are selected by a listing, a record
    whose C(Record_Image) is unchanged and whose file still has the remembered SHA-256 is not downloaded again.
    Otherwise the photo is downloaded (one GET) and the file rewritten only if its bytes differ.
  - A mirror with history. The export replaces or removes only the files it wrote itself, as its manifest records
    them with their SHA-256, and keeps the previous version of each in C(dest/.versions/) (O(keep_versions)).
    Any other file with an export name (placed by hand, edited since, a link) is left alone, and one warning
    names them; a record whose file name is taken by such a file fails, unless that file holds the same photo
    (it is then recorded as the export's).
  - Restore such a directory with M(zoho.bigin.bigin_photo) and O(zoho.bigin.bigin_photo#module:src) set to it.
author:
  - zoho.bigin maintainers (@zoho-bigin)
extends_documentation_fragment: [zoho.bigin.connection, zoho.bigin.records, zoho.bigin.report, zoho.bigin.attributes, zoho.bigin.attributes.actions]
attributes:
  check_mode:
    details: Photos are read as in a normal run; no file, directory or manifest is written or removed.
  diff_mode:
    details: For every record, C(before) and C(after) describe its file in O(dest) (C(present), C(size), C(sha256)).
options:
  dest:
    description:
      - The directory that holds the photos, on the host the module runs on.
      - Created (mode 0700) if it does not exist.
      - Several modules can share one directory.
    type: path
    required: true
  prune:
    description:
      - With V(true), the file of a selected record that no longer has a photo is removed from O(dest)
        (its last version is kept in C(dest/.versions/), see O(keep_versions)).
      - With V(false), such a file is kept (and still reported in RV(records[].path)).
      - Files of records that are not selected are never touched.
    type: bool
    default: false
  keep_versions:
    description:
      - How many previous versions of each record's file to keep in C(dest/.versions/), named
        C({Module}-{record_id}.{UTC timestamp}.{ext}), when the export replaces the file (the photo changed in
        Bigin) or removes it (O(prune)). The oldest beyond this number are deleted.
      - V(0) keeps none. 0 to 100.
      - So a mistaken bulk change in Bigin followed by the nightly export never destroys the only copy of a
        photo; to put a version back, copy it to C(dest/{Module}-{record_id}.{ext}) or upload it with
        M(zoho.bigin.bigin_photo) and O(zoho.bigin.bigin_photo#module:src) set to the file.
    type: int
    default: 1
    version_added: 1.1.0
  verify:
    description:
      - With V(false), a listed record whose C(Record_Image) marker is the one the manifest recorded is taken as
        unchanged, and its photo is not downloaded (one listing request per 200 records, nothing more).
      - With V(true), every listed photo is downloaded and its file rewritten when its SHA-256 differs from the
        manifest's. Bigin's docs do not say that C(Record_Image) changes when a photo is replaced; a scheduled full
        check (weekly, say) with V(true) catches a replacement that kept the marker. It costs one GET per photo.
    type: bool
    default: false
    version_added: 1.1.0
notes:
  - A record whose photo cannot be read keeps its file as it was. A task with several records works on all of them
    even when some fail, then fails if any failed; the manifest still records the ones that succeeded.
  - C(changed) is true when a photo file was written or removed; updating the manifest alone is not a change.
  - Check mode sends only reads and writes nothing, not even the manifest or O(dest) itself.
seealso:
  - module: zoho.bigin.bigin_photo
  - module: zoho.bigin.bigin_photo_info
"""

EXAMPLES = r"""
- name: Nightly, back up the photo of every contact (cron or an AWX schedule runs the playbook)
  zoho.bigin.bigin_photo_export:
    module: Contacts
    all_records: true
    dest: /var/backups/bigin-photos
    access_token: "{{ bigin_access_token }}"

- name: Size tonight's export before running it (check mode sends only the listing and reads)
  zoho.bigin.bigin_photo_export:
    module: Contacts
    all_records: true
    dest: /var/backups/bigin-photos
    access_token: "{{ bigin_access_token }}"
  check_mode: true
  register: plan

- name: Run it only when it fits in what is left of today's API credits
  zoho.bigin.bigin_photo_export:
    module: Contacts
    all_records: true
    dest: /var/backups/bigin-photos
    max_api_calls: 4000
    access_token: "{{ bigin_access_token }}"
  when: plan.api_calls_estimate <= 4000

- name: Weekly, download every photo to catch replacements that kept their Record_Image marker
  zoho.bigin.bigin_photo_export:
    module: Contacts
    all_records: true
    dest: /var/backups/bigin-photos
    verify: true
    access_token: "{{ bigin_access_token }}"

- name: Back up the photos of these contacts
  zoho.bigin.bigin_photo_export:
    module: Contacts
    record_id: "{{ contact_ids }}"
    dest: /var/backups/bigin-photos
    access_token: "{{ bigin_access_token }}"

- name: Back up the photos of these products, removing the files of those that lost theirs
  zoho.bigin.bigin_photo_export:
    module: Products
    record_id: "{{ product_ids }}"
    dest: /var/backups/bigin-photos
    prune: true
    access_token: "{{ bigin_access_token }}"
  register: export

- name: Put the exported photos back (only where they differ)
  zoho.bigin.bigin_photo:
    module: Products
    record_id: "{{ export.records | selectattr('present') | map(attribute='record_id') | list }}"
    src: /var/backups/bigin-photos
    access_token: "{{ bigin_access_token }}"
"""

RETURN = r"""
records:
  description:
    - One entry per selected record, as O(report) says (by default every record with O(record_id), and only those
      that changed, failed or were not attempted with O(criteria) or O(all_records)); RV(written) and RV(removed)
      list every file whatever O(report) says.
  returned: always
  type: list
  elements: dict
  sample: [{"module": "Contacts", "record_id": "3000000038009", "present": true, "changed": true, "size": 2048,
            "path": "/var/backups/bigin-photos/Contacts-3000000038009.png",
            "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}]
  contains:
    module:
      description: The API name of the module (V(Companies) is returned as V(Accounts)).
      type: str
    record_id:
      description: The record ID.
      type: str
    present:
      description: Whether the record has a photo in Bigin.
      type: bool
      returned: when the record was read or listed
    path:
      description: The record's file in O(dest) after the task (in check mode, as it would be).
      type: str
      returned: when that file exists
    sha256:
      description: SHA-256 of that file, hex.
      type: str
      returned: when RV(records[].path) is returned
    size:
      description: Size of that file in bytes.
      type: int
      returned: when RV(records[].path) is returned
    changed:
      description: Whether this record's file was (or in check mode would be) written or removed.
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
      description: Why this record failed; the same fields as RV(zoho.bigin.bigin_photo#module:records[].error).
      type: dict
      returned: when this record failed
written:
  description: The files written (in check mode, that would be written).
  returned: always
  type: list
  elements: str
  sample: [/var/backups/bigin-photos/Contacts-3000000038009.png]
removed:
  description:
    - The files removed from O(dest) (in check mode, that would be removed), pruned or replaced by a file of another
      type; their previous version is in RV(versions).
  returned: always
  type: list
  elements: str
  sample: []
versions:
  description:
    - The previous versions kept in C(dest/.versions/) by this run (in check mode, that would be kept), one per file
      replaced or removed.
  returned: always
  type: list
  elements: str
  sample: [/var/backups/bigin-photos/.versions/Contacts-3000000038009.20261203T020000123456Z.png]
  version_added: 1.1.0
error:
  description: The first failed record's RV(records[].error), when the task failed.
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
"""

from ansible_collections.zoho.bigin.plugins.module_utils._base import BiginModule
from ansible_collections.zoho.bigin.plugins.module_utils._errors import ExportError
from ansible_collections.zoho.bigin.plugins.module_utils._files import check_keep_versions
from ansible_collections.zoho.bigin.plugins.module_utils._export import ExportOutcome, ExportService, check_dest
from ansible_collections.zoho.bigin.plugins.module_utils._sources import PHOTO_LISTING_FIELDS


class BiginPhotoExport(BiginModule):
    spec_parts = ("connection", "selection", "report", "export")
    argument_spec = {
        "verify": {"type": "bool", "default": False},
    }

    def run(self) -> None:
        params, check_mode = self.params, self.module.check_mode
        # Before the listing, so a bad dest fails before any request; last of the checks: it may create dest.
        check_keep_versions(params["keep_versions"])
        check_dest(params["dest"], check_mode, self.module.warn)
        service = ExportService(self.client, params["dest"], params["prune"], check_mode, self.module.warn,
                                keep_versions=params["keep_versions"], verify=params["verify"])
        outcomes = self.process(self.selected_pages(PHOTO_LISTING_FIELDS), ExportOutcome, service.export)
        service.warn_left_alone()
        try:
            service.save()
            manifest_error = None
        except ExportError as exc:
            # The photos are on disk all the same: report them (and changed) with the failure.
            manifest_error = exc
        # A repeated record_id is worked on, and listed in written/removed, once.
        self.finish(outcomes, ExportOutcome.to_export, lambda unique: {
            "written": [out.written for out in unique if out.written],
            "removed": [path for out in unique for path in out.removed],
            "versions": [path for out in unique for path in out.versions],
        }, task_error=manifest_error)


def main() -> None:
    BiginPhotoExport.execute()


if __name__ == "__main__":
    main()
