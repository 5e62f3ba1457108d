# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What bigin_record_info does: records and their fields, from the listing or one GET per id.

This file is private to the collection: its API may change without notice.
"""

from __future__ import annotations

import typing as t

from ansible_collections.zoho.bigin.plugins.module_utils._client import BiginClient
from ansible_collections.zoho.bigin.plugins.module_utils._records import (
    ALWAYS_FIELDS,
    RecordRef,
    RecordResult,
    RecordsService,
    check_fields,
)
from ansible_collections.zoho.bigin.plugins.module_utils._sources import PHOTO_LISTING_FIELDS, photo_marker

DEFAULT_FIELDS: dict[str, tuple[str, ...]] = {
    "Contacts": ("First_Name", "Last_Name", "Email"),
    "Accounts": ("Account_Name",),
    "Products": ("Product_Name",),
}


class RecordInfo(RecordResult):
    """One record as read; ``found`` is None until an id given by the user is read, False when Bigin does not know it."""

    def __init__(self, ref: RecordRef):
        super().__init__(ref.module_name, ref.record_id, ref)
        self.found: bool | None = True if ref.listed else None


class RecordInfoService:
    """Records of one module with the requested fields."""

    def __init__(self, client: BiginClient, module_name: str, fields: list[str] | None):
        self.records = RecordsService(client, module_name)
        # Checked before any request (the module calls this before selecting records).
        self.fields = (check_fields(fields, always=ALWAYS_FIELDS + PHOTO_LISTING_FIELDS) if fields is not None
                       else list(DEFAULT_FIELDS[module_name]))
        # What a listing and a GET ask for: Record_Image too, for has_photo.
        self.listing_fields = list(PHOTO_LISTING_FIELDS) + self.fields

    @staticmethod
    def result_for(ref: RecordRef) -> RecordInfo:
        return RecordInfo(ref)

    @staticmethod
    def settle(info: RecordInfo) -> bool:
        """A listed record is known already: nothing to read."""
        return info.ref.listed

    def read(self, info: RecordInfo) -> None:
        """A listed record is known already; an id given by the user costs one GET (204: not found)."""
        if info.ref.listed:
            return
        ref = self.records.get(info.record_id, self.listing_fields)
        info.found = ref is not None
        if ref is not None:
            info.ref = ref

    def render(self, info: RecordInfo) -> dict[str, t.Any]:
        result: dict[str, t.Any] = {"id": info.record_id, "found": bool(info.found),
                                    "has_photo": photo_marker(info.ref) is not None if info.found else None}
        if info.found:
            for name in self.fields:
                result[name] = info.ref.fields.get(name)
        if info.error is not None:
            result["error"] = info.error.to_dict()
        return result
