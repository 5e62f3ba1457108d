# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the bigin_photo_export module's entry point (plugins/modules/bigin_photo_export.py)."""

from __future__ import annotations

import errno
import os
import typing as t

import pytest

from ansible_collections.zoho.bigin.plugins.module_utils import _export
from ansible_collections.zoho.bigin.plugins.modules import bigin_photo_export
from tests.conftest import RECORD, sha
from tests.simulator.bigin_simulator import PNG_BLUE, PNG_RED
from tests.unit.plugins.conftest import NO_PHOTO, OTHER
from tests.unit.plugins.module_runner import Result


def test_a_failed_manifest_write_still_reports_what_was_written(
        run: t.Callable[..., Result], module_args: t.Callable[..., dict[str, t.Any]], tmp_path: t.Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    def disk_full(self: t.Any) -> bool:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(_export.Manifest, "save", disk_full)
    dest = tmp_path / "dest"
    result = run(module_args(state=None, record_id=[RECORD, NO_PHOTO, OTHER], dest=str(dest)), module=bigin_photo_export)

    assert result.rc == 1 and result["failed"] is True
    assert result["msg"].startswith("dest: the manifest %s could not be written (" % (dest / ".bigin-export.json"))
    assert result["error"]["code"] == "EXPORT_WRITE_FAILED"
    # Everything done so far is in the result, and changed lets handlers fire.
    assert result["changed"] is True
    assert sorted(result["written"]) == sorted([str(dest / ("Contacts-%s.png" % RECORD)),
                                                str(dest / ("Contacts-%s.png" % OTHER))])
    assert [entry["record_id"] for entry in result["records"]] == [RECORD, NO_PHOTO, OTHER]
    assert sha((dest / ("Contacts-%s.png" % RECORD)).read_bytes()) == sha(PNG_RED)
    assert sha((dest / ("Contacts-%s.png" % OTHER)).read_bytes()) == sha(PNG_BLUE)
    assert "api_calls" in result
