#!/usr/bin/python
# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: bigin_attachment_export
short_description: Back up the attachments of Zoho Bigin records to a directory, incrementally
version_added: 1.3.0
description:
  - Downloads the file attachments of each selected Zoho Bigin record (Contacts, Companies, Products) into O(dest),
    one directory per record, C({Module}-{record_id}) (the API module name, so Companies are C(Accounts)), mode 0700,
    holding one file per attachment, C({attachment_id}-{file name}), mode 0600.
  - The file name is the attachment's C(File_Name) made safe, with path separators, control characters and
    leading dots replaced by C(_), and shortened (its extension kept) to at most 232 bytes, so that the name of
    a kept version (with a timestamp) stays within the 255 bytes file systems take.
  - A link attachment (C($type) V(Link URL)) has no file; it is skipped and listed in RV(links).
  - Files are streamed, never held in memory; each is written to a temporary file beside its final name, synced,
    then given its name, so an interrupted run never leaves a partial file under a final name.
  - Incremental. C(dest/.bigin-attachments.json) (mode 0600) records each file written with its size and
    SHA-256. Bigin gives a new upload a new attachment ID, so a recorded file that still has its size and SHA-256
    is current and costs no request; only the attachments without such a file are downloaded.
  - A mirror with history. Only the files the manifest records with their SHA-256 are removed (O(prune)), and
    each first moves to C(dest/.versions/{Module}-{record_id}/) (O(keep_versions)). Any other file is left alone.
    A record whose file name is taken by a file the export did not write fails, naming it, unless that file holds
    the same bytes (it is then recorded as the export's); the other records go on.
author:
  - zoho.bigin maintainers (@zoho-bigin)
extends_documentation_fragment: [zoho.bigin.connection, zoho.bigin.records, zoho.bigin.report, zoho.bigin.attributes, zoho.bigin.attributes.actions]
attributes:
  check_mode:
    details: The attachments are listed; nothing is downloaded, and no file, directory or manifest is written or
      removed. RV(written), RV(removed) and RV(versions) name the files a real run would write, remove and keep, and
      RV(api_calls_estimate) counts its downloads.
  diff_mode:
    details: For every record, C(before) and C(after) map the names of the export's files in the record's directory
      to their C(size) and C(sha256) (in check mode, a file that would be written has its listed size only).
options:
  dest:
    description:
      - The directory that holds the records' directories, on the host the module runs on.
      - Created (mode 0700) if it does not exist. It must be a directory the task can write to; one that its group
        or others may write to is used with a warning.
      - M(zoho.bigin.bigin_photo_export) may use the same directory, its manifest and names do not meet these.
    type: path
    required: true
  prune:
    description:
      - With V(true), the file of an attachment that no longer exists in Bigin is removed from its record's
        directory (its last version is kept in C(dest/.versions/), see O(keep_versions)).
      - With V(false), such a file is kept, and still recorded, so that a later run with V(true) removes it.
      - Only the files the manifest records, with their SHA-256, are removed; a file changed since the export wrote
        it is left alone, with a warning. Files of records that are not selected are never touched.
    type: bool
    default: false
  keep_versions:
    description:
      - How many previous versions of each file to keep in C(dest/.versions/{Module}-{record_id}/), named
        C({attachment_id}-{file name}) with a UTC timestamp before the extension, when O(prune) removes the file.
        The oldest beyond this number are deleted (only while they hold the bytes the export moved there).
      - V(0) deletes a pruned file. 0 to 100.
    type: int
    default: 1
notes:
  - Requests per record, to budget Bigin's API credits, one GET to list the record's attachments (per 200 of them),
    plus one GET per attachment downloaded. A rerun with nothing new costs only the lists.
  - Each run reads every file the manifest records to check its SHA-256 (disk reads, no requests).
  - The OAuth token needs the module's read scope (for example C(ZohoBigin.modules.contacts.READ) or
    C(ZohoBigin.modules.ALL)) and C(ZohoBigin.modules.attachments.READ) (or C(ZohoBigin.modules.attachments.ALL)).
  - A task with several records works on all of them even when some fail, then fails if any failed; the manifest
    still records every file written.
  - C(changed) is true when a file was written or removed; updating the manifest alone is not a change.
  - A file larger than 100 MB (the API's upload limit) is refused; its record fails.
seealso:
  - module: zoho.bigin.bigin_attachment
  - module: zoho.bigin.bigin_attachment_info
  - module: zoho.bigin.bigin_photo_export
  - name: Bigin Download an Attachment API
    description: The API reference of the request this module sends for each file.
    link: https://www.bigin.com/developer/docs/apis/v2/download-attachments.html
"""

EXAMPLES = r"""
- name: Nightly, back up the attachments of every contact (cron or an AWX schedule runs the playbook)
  zoho.bigin.bigin_attachment_export:
    module: Contacts
    all_records: true
    dest: /var/backups/bigin-attachments
    prune: true
    keep_versions: 3
    access_token: "{{ bigin_access_token }}"

- name: Size tonight's export before running it (check mode sends only the lists)
  zoho.bigin.bigin_attachment_export:
    module: Contacts
    all_records: true
    dest: /var/backups/bigin-attachments
    access_token: "{{ bigin_access_token }}"
  check_mode: true
  register: plan

- name: Show what it would download
  ansible.builtin.debug:
    msg: "{{ plan.written | length }} files, {{ plan.api_calls_estimate }} API requests"

- name: Run it only when it fits in what is left of today's API credits
  zoho.bigin.bigin_attachment_export:
    module: Contacts
    all_records: true
    dest: /var/backups/bigin-attachments
    max_api_calls: 4000
    access_token: "{{ bigin_access_token }}"
  when: plan.api_calls_estimate <= 4000

- name: Back up the attachments of these companies
  zoho.bigin.bigin_attachment_export:
    module: Companies
    record_id: ["3000000040001", "3000000040002"]
    dest: /var/backups/bigin-attachments
    access_token: "{{ bigin_access_token }}"
  register: export

- name: List the links, which have no file to back up
  ansible.builtin.debug:
    msg: "{{ export.links | map(attribute='link_url') | list }}"
"""

RETURN = r"""
records:
  description:
    - One entry per selected record, as O(report) says (by default every record with O(record_id), and only those
      that changed, failed, were skipped or not attempted with O(criteria) or O(all_records)); RV(written),
      RV(removed), RV(versions) and RV(links) list every file and link whatever O(report) says.
  returned: always
  type: list
  elements: dict
  sample: [{"module": "Contacts", "record_id": "3000000038009", "changed": true, "removed": [],
            "written": ["/var/backups/bigin-attachments/Contacts-3000000038009/3000000970001-contract.pdf"]}]
  contains:
    module:
      description: The API name of the module (V(Companies) is returned as V(Accounts)).
      type: str
    record_id:
      description: The record ID.
      type: str
    changed:
      description: Whether a file of this record was (or in check mode would be) written or removed.
      type: bool
    written:
      description: The files of this record written (in check mode, that would be written).
      type: list
      elements: str
    removed:
      description: The files of this record removed by O(prune) (in check mode, that would be removed).
      type: list
      elements: str
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
      description:
        - Why this record failed; the same fields as RV(zoho.bigin.bigin_photo#module:records[].error). C(code) is
          V(FILE_NOT_WRITTEN_BY_EXPORT) when a name the export needs is taken by a file it did not write, and
          V(EXPORT_WRITE_FAILED) when a file could not be written or removed.
      type: dict
      returned: when this record failed
written:
  description: The files written (in check mode, that would be written), in the order of the records.
  returned: always
  type: list
  elements: str
  sample: [/var/backups/bigin-attachments/Contacts-3000000038009/3000000970001-contract.pdf]
removed:
  description: The files removed by O(prune) (in check mode, that would be removed); their previous version is in RV(versions).
  returned: always
  type: list
  elements: str
  sample: []
versions:
  description: The previous versions kept in C(dest/.versions/) by this run (in check mode, that would be kept), one per file removed.
  returned: always
  type: list
  elements: str
  sample: [/var/backups/bigin-attachments/.versions/Contacts-3000000038009/3000000970001-contract.20261203T020000123456Z.pdf]
links:
  description: The link attachments of the selected records, which have no file and were skipped.
  returned: always
  type: list
  elements: dict
  sample: [{"module": "Contacts", "record_id": "3000000038009", "id": "3000000970002", "file_name": "Website",
            "link_url": "https://www.zylker.example/"}]
  contains:
    module:
      description: The API name of the record's module.
      type: str
    record_id:
      description: The record ID.
      type: str
    id:
      description: The attachment ID.
      type: str
    file_name:
      description: The link's title (C(File_Name)).
      type: str
    link_url:
      description: The URL.
      type: str
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
    - In check mode, the Bigin API requests a real run would send now (the lists, and a download per file it would
      write), as described in RV(zoho.bigin.bigin_photo#module:api_calls_estimate).
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

from ansible_collections.zoho.bigin.plugins.module_utils._attachment_export import (
    AttachmentExportOutcome,
    AttachmentExportService,
)
from ansible_collections.zoho.bigin.plugins.module_utils._attachments import AttachmentService
from ansible_collections.zoho.bigin.plugins.module_utils._base import BiginModule
from ansible_collections.zoho.bigin.plugins.module_utils._files import check_directory, check_keep_versions


class BiginAttachmentExport(BiginModule):
    spec_parts = ("connection", "selection", "report", "export")

    def run(self) -> None:
        params, check_mode = self.params, self.module.check_mode
        check_keep_versions(params["keep_versions"])
        # Last of the checks, before any request: it may create dest.
        check_directory("dest", params["dest"], check_mode, self.module.warn)
        service = AttachmentExportService(AttachmentService(self.client, self.module_name, state="info"), params["dest"],
                                          prune=params["prune"], keep_versions=params["keep_versions"],
                                          check_mode=check_mode, warn=self.module.warn, plan=self.client.plan)
        outcomes = self.process(self.selected_pages(), AttachmentExportOutcome, service.export)
        self.finish(outcomes, AttachmentExportOutcome.to_export, AttachmentExportOutcome.totals, task_error=service.close())


def main() -> None:
    BiginAttachmentExport.execute()


if __name__ == "__main__":
    main()
