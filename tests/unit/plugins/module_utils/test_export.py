# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the export service (module_utils/_export.py), in the order of its source.

The listing rules run on hand-made listed RecordRefs with a fake client that counts requests.
"""

from __future__ import annotations

import json
import os
import re
import stat
import typing as t

import pytest

from ansible_collections.zoho.bigin.plugins.module_utils import _export, _files
from ansible_collections.zoho.bigin.plugins.module_utils._client import HTTPResult
from ansible_collections.zoho.bigin.plugins.module_utils._errors import BiginAPIError, BiginError, InputError
from ansible_collections.zoho.bigin.plugins.module_utils._export import (
    MANIFEST_NAME,
    TEMP_PREFIX,
    VERSIONS_DIR,
    ExportOutcome,
    ExportService,
    check_dest,
)
from ansible_collections.zoho.bigin.plugins.module_utils._files import parse_photo_file_name
from ansible_collections.zoho.bigin.plugins.module_utils._records import RecordRef
from ansible_collections.zoho.bigin.plugins.module_utils._restore import SourceDir
from tests.conftest import sha
from tests.simulator.bigin_simulator import BMP_MIN, GIF_MIN, JPEG_MIN, PNG_BLUE, PNG_RED
from tests.unit.plugins.conftest import A, B, C


class FakeClient:
    """Answers photo GETs from ``photos`` (record id -> bytes or None) and counts every request.

    It finds the record id among the request's arguments, whatever their shape, so it keeps
    working when the client's signature moves from (module, record_id) to an API path.
    """

    def __init__(self, photos: dict[str, bytes | None], fail: t.Iterable[str] = ()):
        self.photos = photos
        self.fail = set(fail)
        self.calls: list[tuple[str, str]] = []

    def request(self, method: str, *args: t.Any, **kwargs: t.Any) -> HTTPResult:
        text = " ".join(str(value) for value in list(args) + list(kwargs.values()))
        found = [record_id for record_id in self.photos if re.search(r"(?<![0-9])%s(?![0-9])" % record_id, text)]
        assert len(found) == 1, text
        record_id = found[0]
        self.calls.append((method, record_id))
        if record_id in self.fail:
            raise BiginAPIError(500, "INTERNAL_ERROR", "Internal Server Error")
        data = self.photos[record_id]
        if data is None:
            return HTTPResult(204, {}, b"", True, False)
        content_type = "image/jpeg" if data.startswith(b"\xff\xd8") else "image/png"
        return HTTPResult(200, {"Content-Type": content_type, "Content-Length": str(len(data))}, data, True, False)


def listed(record_id: str, marker: str | None) -> RecordRef:
    return RecordRef("Contacts", record_id, listed=True, fields={"id": record_id, "Record_Image": marker})


def export(client: FakeClient, dest: str, refs: list[RecordRef], prune: bool = False,
           check_mode: bool = False, keep_versions: int = 1, warnings: list[str] | None = None) -> list[ExportOutcome]:
    """What the module does: every record, each failure its own, the warning of files left alone, the manifest."""
    warn = (warnings if warnings is not None else []).append
    service = ExportService(client, dest, prune, check_mode, warn, keep_versions)  # type: ignore[arg-type]
    outcomes = [ExportOutcome(ref) for ref in refs]
    for out in outcomes:
        try:
            service.export(out)
        except BiginError as exc:
            out.error = exc
    service.warn_left_alone()
    service.save()
    return outcomes


def read(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def manifest(dest: str) -> dict[str, t.Any]:
    with open(os.path.join(dest, MANIFEST_NAME), encoding="utf-8") as handle:
        return json.load(handle)["records"]


# -- TEMP_PREFIX: the export's temporary files -------------------------------------------------------

def test_temporary_names_never_look_final(tmp_path: t.Any, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    real_replace = os.replace

    def spy(src: str, dst: str) -> None:
        seen.append(os.path.basename(src))
        real_replace(src, dst)

    monkeypatch.setattr(_files.os, "replace", spy)
    export(FakeClient({A: PNG_RED}), str(tmp_path), [listed(A, "m1")])
    assert len(seen) == 2  # the photo, then the manifest
    assert all(name.startswith(TEMP_PREFIX) and name.endswith(".tmp") for name in seen)
    assert [parse_photo_file_name(name, "Contacts") for name in seen] == [None, None]
    assert SourceDir(str(tmp_path), "Contacts").record_ids() == [A]


# -- check_dest --------------------------------------------------------------------------------------

def test_check_dest(tmp_path: t.Any) -> None:
    missing = str(tmp_path / "a" / "b")
    check_dest(missing, check_mode=True)
    assert not os.path.exists(missing)
    check_dest(missing, check_mode=False)
    assert stat.S_IMODE(os.stat(missing).st_mode) == 0o700
    (tmp_path / "file").write_bytes(b"x")
    with pytest.raises(InputError, match="dest: .* not a directory"):
        check_dest(str(tmp_path / "file"), check_mode=False)


# -- Manifest ----------------------------------------------------------------------------------------

def test_unreadable_manifest_is_a_warning_not_a_failure(tmp_path: t.Any) -> None:
    dest = str(tmp_path)
    with open(os.path.join(dest, MANIFEST_NAME), "w", encoding="utf-8") as handle:
        handle.write("{not json")
    warnings: list[str] = []
    service = ExportService(FakeClient({A: PNG_RED}), dest, False, False, warnings.append)  # type: ignore[arg-type]
    out = ExportOutcome(listed(A, "m1"))
    service.export(out)
    assert service.save() is True
    assert len(warnings) == 1 and MANIFEST_NAME in warnings[0]
    assert manifest(dest)["Contacts/%s" % A]["sha256"] == sha(PNG_RED)


# -- ExportService: the listing rules ----------------------------------------------------------------

def test_listed_record_unchanged_costs_no_request(tmp_path: t.Any) -> None:
    dest = str(tmp_path)
    client = FakeClient({A: PNG_RED, B: JPEG_MIN})
    first = export(client, dest, [listed(A, "m1"), listed(B, "m2")])
    assert client.calls == [("GET", A), ("GET", B)]
    assert [out.changed for out in first] == [True, True]
    assert manifest(dest)["Contacts/%s" % A] == {"record_image": "m1", "file": "Contacts-%s.png" % A,
                                                 "sha256": sha(PNG_RED)}

    client.calls.clear()
    again = export(client, dest, [listed(A, "m1"), listed(B, "m2")])
    assert client.calls == []
    assert [(out.changed, out.present, out.after.sha256) for out in again] == [  # type: ignore[union-attr]
        (False, True, sha(PNG_RED)), (False, True, sha(JPEG_MIN))]
    assert again[1].to_export() == {"module": "Contacts", "record_id": B, "changed": False, "present": True,
                                    "path": os.path.join(dest, "Contacts-%s.jpg" % B),
                                    "sha256": sha(JPEG_MIN), "size": len(JPEG_MIN)}


def test_webp_photo_is_exported_once_and_then_costs_nothing(tmp_path: t.Any) -> None:
    # Bigin may hold a WebP photo (it cannot be uploaded): it is backed up like the others, not read every run.
    webp = b"RIFF\x1a\0\0\0WEBPVP8X" + b"\0" * 18
    dest = str(tmp_path)
    client = FakeClient({A: webp})
    first = export(client, dest, [listed(A, "m1")])
    assert first[0].changed is True and read(os.path.join(dest, "Contacts-%s.webp" % A)) == webp
    client.calls.clear()
    again = export(client, dest, [listed(A, "m1")])
    assert client.calls == [] and again[0].changed is False
    assert again[0].to_export()["path"] == os.path.join(dest, "Contacts-%s.webp" % A)


def test_listed_record_without_photo_costs_no_request(tmp_path: t.Any) -> None:
    client = FakeClient({A: PNG_RED, B: None})
    outcomes = export(client, str(tmp_path), [listed(A, None), listed(B, "")])
    assert client.calls == []
    assert [(out.present, out.changed) for out in outcomes] == [(False, False), (False, False)]
    assert outcomes[0].to_export() == {"module": "Contacts", "record_id": A, "changed": False, "present": False}
    assert not os.path.exists(os.path.join(str(tmp_path), MANIFEST_NAME))  # nothing to remember, nothing written


def test_dest_is_read_once_not_looked_up_per_record(tmp_path: t.Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # A nightly export lists every record: a few stat calls each (one per image type) cost seconds at 10,000.
    dest = str(tmp_path)
    client = FakeClient({A: PNG_RED})
    export(client, dest, [listed(A, "m1")])
    stats: list[t.Any] = []
    real_stat = os.stat

    def counting_stat(path: t.Any, *args: t.Any, **kwargs: t.Any) -> t.Any:
        stats.append(path)
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", counting_stat)
    others = [listed(str(4000000000000 + i), None) for i in range(300)]
    outcomes = export(FakeClient({}), dest, [listed(A, "m1")] + others, prune=True)
    assert [out.present for out in outcomes[:2]] == [True, False] and not any(out.changed for out in outcomes)
    assert len(stats) < 10, stats[:10]


def test_dest_not_listable_falls_back_to_looking_names_up(tmp_path: t.Any, monkeypatch: pytest.MonkeyPatch) -> None:
    dest = str(tmp_path)
    client = FakeClient({A: PNG_RED, B: None})
    export(client, dest, [listed(A, "m1"), listed(B, "m2")])

    def unreadable(path: t.Any) -> t.Any:
        raise PermissionError(13, "Permission denied", path)

    monkeypatch.setattr(os, "scandir", unreadable)
    client.calls.clear()
    again = export(client, dest, [listed(A, "m1"), listed(B, None)])
    assert client.calls == [] and [(out.present, out.changed) for out in again] == [(True, False), (False, False)]
    pruned = export(client, dest, [listed(A, None)], prune=True)[0]
    assert pruned.changed is True and not os.path.exists(os.path.join(dest, "Contacts-%s.png" % A))


@pytest.mark.parametrize("what", ["new marker", "file deleted", "manifest lost"])
def test_listed_record_is_read_again_when_anything_differs(tmp_path: t.Any, what: str) -> None:
    dest = str(tmp_path)
    client = FakeClient({A: PNG_RED})
    export(client, dest, [listed(A, "m1")])
    client.calls.clear()
    path = os.path.join(dest, "Contacts-%s.png" % A)
    marker = "m1"
    if what == "new marker":
        marker = "m2"
    elif what == "file deleted":
        os.unlink(path)
    else:
        os.unlink(os.path.join(dest, MANIFEST_NAME))
    out = export(client, dest, [listed(A, marker)])[0]
    assert client.calls == [("GET", A)]
    assert read(path) == PNG_RED
    # The bytes decide whether the file is rewritten, not the marker; a lost manifest's file holding
    # the same photo is taken back as the export's.
    assert out.changed is (what == "file deleted") and out.error is None
    assert manifest(dest)["Contacts/%s" % A]["record_image"] == marker


def test_unlisted_record_costs_one_get_each_time(tmp_path: t.Any) -> None:
    dest = str(tmp_path)
    client = FakeClient({A: PNG_RED})
    export(client, dest, [RecordRef("Contacts", A)])
    export(client, dest, [RecordRef("Contacts", A)])
    assert client.calls == [("GET", A), ("GET", A)]
    # Unknown Record_Image: a later listing reads the record once, then trusts the manifest.
    assert manifest(dest)["Contacts/%s" % A]["record_image"] is None
    export(client, dest, [listed(A, "m1")])
    export(client, dest, [listed(A, "m1")])
    assert client.calls == [("GET", A)] * 3


def test_stale_marker_answered_204_counts_as_no_photo(tmp_path: t.Any) -> None:
    client = FakeClient({A: None})
    out = export(client, str(tmp_path), [listed(A, "m1")])[0]
    assert client.calls == [("GET", A)]
    assert (out.present, out.changed, out.error) == (False, False, None)


def test_failed_get_leaves_the_file_and_the_manifest_entry(tmp_path: t.Any) -> None:
    dest = str(tmp_path)
    client = FakeClient({A: PNG_RED, B: GIF_MIN})
    export(client, dest, [listed(A, "m1"), listed(B, "m1")])
    before = manifest(dest)
    client.photos[A] = PNG_BLUE
    client.fail = {A}
    outcomes = export(client, dest, [listed(A, "m2"), listed(B, "m1")])
    assert outcomes[0].error is not None and outcomes[0].changed is False
    assert read(os.path.join(dest, "Contacts-%s.png" % A)) == PNG_RED
    assert manifest(dest) == before
    assert sorted(os.listdir(dest)) == sorted([MANIFEST_NAME, "Contacts-%s.png" % A, "Contacts-%s.gif" % B])


def test_prune_and_check_mode(tmp_path: t.Any) -> None:
    dest = str(tmp_path)
    client = FakeClient({A: PNG_RED, B: BMP_MIN, C: None})
    export(client, dest, [listed(A, "m1"), listed(B, "m1")])
    snapshot = {name: read(os.path.join(dest, name)) for name in os.listdir(dest)}
    client.calls.clear()

    # Check mode: predicts the removal and the new file, changes nothing on disk.
    client.photos[C] = JPEG_MIN
    outcomes = export(client, dest, [listed(A, None), listed(B, "m1"), listed(C, "m9")], prune=True, check_mode=True)
    assert [out.changed for out in outcomes] == [True, False, True]
    assert outcomes[0].removed == [os.path.join(dest, "Contacts-%s.png" % A)]
    assert outcomes[2].written == os.path.join(dest, "Contacts-%s.jpg" % C)
    assert {name: read(os.path.join(dest, name)) for name in os.listdir(dest)} == snapshot
    assert client.calls == [("GET", C)]

    # Without prune the file stays; with it, exactly that file leaves dest, kept as the record's last version.
    kept = export(client, dest, [listed(A, None)])[0]
    assert (kept.changed, kept.path) == (False, os.path.join(dest, "Contacts-%s.png" % A))
    pruned = export(client, dest, [listed(A, None)], prune=True)[0]
    assert pruned.changed is True and pruned.to_export()["present"] is False and "path" not in pruned.to_export()
    assert sorted(os.listdir(dest)) == sorted([MANIFEST_NAME, VERSIONS_DIR, "Contacts-%s.bmp" % B])
    assert len(pruned.versions) == 1 and read(pruned.versions[0]) == PNG_RED
    assert manifest(dest)["Contacts/%s" % A] == {
        "record_image": None, "file": None, "sha256": None,
        "versions": [{"file": os.path.relpath(pruned.versions[0], dest), "sha256": sha(PNG_RED)}]}


def test_diff_states_are_the_file_before_and_after(tmp_path: t.Any) -> None:
    dest = str(tmp_path)
    client = FakeClient({A: PNG_RED})
    out = export(client, dest, [listed(A, "m1")])[0]
    assert out.before.to_dict() == {"present": False}  # type: ignore[union-attr]
    assert out.after.to_dict() == {"present": True, "size": len(PNG_RED), "sha256": sha(PNG_RED)}  # type: ignore
    client.photos[A] = PNG_BLUE
    out = export(client, dest, [listed(A, "m2")])[0]
    assert out.before.sha256 == sha(PNG_RED) and out.after.sha256 == sha(PNG_BLUE)  # type: ignore[union-attr]


# -- a mirror with history: only the export's own files are replaced or removed (issue 15) ----------

def export_warned(client: FakeClient, dest: str, refs: list[RecordRef], prune: bool = False,
                  keep_versions: int = 1) -> tuple[list[ExportOutcome], list[str]]:
    warnings: list[str] = []
    return export(client, dest, refs, prune, keep_versions=keep_versions, warnings=warnings), warnings


def test_prune_leaves_a_hand_placed_file_alone_with_one_warning(tmp_path: t.Any) -> None:
    dest = str(tmp_path)
    placed = {A: tmp_path / ("Contacts-%s.png" % A), B: tmp_path / ("Contacts-%s.jpg" % B)}
    for path in placed.values():
        path.write_bytes(b"the user's own file")
    outcomes, warnings = export_warned(FakeClient({}), dest, [listed(A, None), listed(B, None)], prune=True)
    assert [(out.changed, out.error, out.removed) for out in outcomes] == [(False, None, []), (False, None, [])]
    assert all(path.read_bytes() == b"the user's own file" for path in placed.values())
    assert len(warnings) == 1 and warnings[0].startswith("dest: 2 file(s) with export names were not written")
    assert str(placed[A]) in warnings[0] and str(placed[B]) in warnings[0]
    assert not os.path.exists(os.path.join(dest, VERSIONS_DIR))


def test_a_type_change_leaves_a_foreign_file_of_the_old_type(tmp_path: t.Any) -> None:
    dest = str(tmp_path)
    (tmp_path / ("Contacts-%s.png" % A)).write_bytes(b"placed by hand")
    outcomes, warnings = export_warned(FakeClient({A: JPEG_MIN}), dest, [listed(A, "m1")])
    assert outcomes[0].changed is True and outcomes[0].removed == []
    assert read(os.path.join(dest, "Contacts-%s.png" % A)) == b"placed by hand"
    assert read(os.path.join(dest, "Contacts-%s.jpg" % A)) == JPEG_MIN
    assert len(warnings) == 1 and "Contacts-%s.png" % A in warnings[0]


def test_a_foreign_file_under_the_records_name_fails_that_record_only(tmp_path: t.Any) -> None:
    dest = str(tmp_path)
    (tmp_path / ("Contacts-%s.png" % A)).write_bytes(b"\x89PNG\r\n\x1a\n placed by hand")
    outcomes, warnings = export_warned(FakeClient({A: PNG_RED, B: PNG_BLUE}), dest, [listed(A, "m1"), listed(B, "m1")])
    assert isinstance(outcomes[0].error, _export.ForeignFile) and outcomes[0].changed is False
    assert "was left alone and the photo of Contacts/%s was not written" % A in str(outcomes[0].error)
    assert read(os.path.join(dest, "Contacts-%s.png" % A)) == b"\x89PNG\r\n\x1a\n placed by hand"
    assert outcomes[1].error is None and read(os.path.join(dest, "Contacts-%s.png" % B)) == PNG_BLUE
    assert "Contacts/%s" % A not in manifest(dest) and warnings == []


def test_an_edited_export_file_is_no_longer_the_exports(tmp_path: t.Any) -> None:
    dest = str(tmp_path)
    client = FakeClient({A: PNG_RED})
    export(client, dest, [listed(A, "m1")])
    path = os.path.join(dest, "Contacts-%s.png" % A)
    with open(path, "ab") as handle:
        handle.write(b"edited")
    client.photos[A] = PNG_BLUE
    out = export(client, dest, [listed(A, "m2")])[0]
    assert isinstance(out.error, _export.ForeignFile)
    assert read(path) == PNG_RED + b"edited"
    pruned, warnings = export_warned(client, dest, [listed(A, None)], prune=True)
    assert pruned[0].changed is False and read(path) == PNG_RED + b"edited" and len(warnings) == 1


def test_a_replaced_photo_keeps_its_previous_version(tmp_path: t.Any) -> None:
    dest = str(tmp_path)
    client = FakeClient({A: PNG_RED})
    export(client, dest, [listed(A, "m1")])
    client.photos[A] = PNG_BLUE
    out = export(client, dest, [listed(A, "m2")])[0]
    assert out.changed is True and out.removed == [] and len(out.versions) == 1
    version = out.versions[0]
    assert os.path.dirname(version) == os.path.join(dest, VERSIONS_DIR)
    assert re.fullmatch(r"Contacts-%s\.[0-9]{8}T[0-9]{12}Z\.png" % A, os.path.basename(version))
    assert read(version) == PNG_RED and read(os.path.join(dest, "Contacts-%s.png" % A)) == PNG_BLUE
    assert stat.S_IMODE(os.stat(os.path.join(dest, VERSIONS_DIR)).st_mode) == 0o700
    # The restore of dest sees the current photo only, never a version.
    assert SourceDir(dest, "Contacts").path_for(A) == os.path.join(dest, "Contacts-%s.png" % A)


def test_versions_are_bounded_by_keep_versions(tmp_path: t.Any) -> None:
    dest = str(tmp_path)
    client = FakeClient({A: PNG_RED})
    export(client, dest, [listed(A, "m0")])
    history = [PNG_BLUE, GIF_MIN, PNG_RED, BMP_MIN]
    for number, photo in enumerate(history, 1):
        client.photos[A] = photo
        export_warned(client, dest, [listed(A, "m%d" % number)], keep_versions=2)
    kept = sorted(os.listdir(os.path.join(dest, VERSIONS_DIR)))
    # The two before the current one (BMP): GIF, then the second red PNG.
    assert [read(os.path.join(dest, VERSIONS_DIR, name)) for name in kept] == [GIF_MIN, PNG_RED]
    assert [v["file"] for v in manifest(dest)["Contacts/%s" % A]["versions"]] == [
        os.path.join(VERSIONS_DIR, name) for name in kept]


def test_a_version_changed_by_hand_is_not_deleted_when_trimmed(tmp_path: t.Any) -> None:
    dest = str(tmp_path)
    client = FakeClient({A: PNG_RED})
    export(client, dest, [listed(A, "m0")])
    client.photos[A] = PNG_BLUE
    first = export(client, dest, [listed(A, "m1")])[0].versions[0]
    with open(first, "ab") as handle:
        handle.write(b"annotated")
    client.photos[A] = GIF_MIN
    export(client, dest, [listed(A, "m2")])
    assert read(first) == PNG_RED + b"annotated"
    assert len(os.listdir(os.path.join(dest, VERSIONS_DIR))) == 2


def test_keep_versions_zero_replaces_and_prunes_without_history(tmp_path: t.Any) -> None:
    dest = str(tmp_path)
    client = FakeClient({A: PNG_RED})
    export(client, dest, [listed(A, "m0")])
    client.photos[A] = JPEG_MIN
    outcomes, dummy = export_warned(client, dest, [listed(A, "m1")], keep_versions=0)
    assert outcomes[0].removed == [os.path.join(dest, "Contacts-%s.png" % A)] and outcomes[0].versions == []
    outcomes, dummy = export_warned(client, dest, [listed(A, None)], prune=True, keep_versions=0)
    assert outcomes[0].changed is True and outcomes[0].versions == []
    assert sorted(os.listdir(dest)) == [MANIFEST_NAME]


def test_a_type_change_moves_the_old_file_into_history(tmp_path: t.Any) -> None:
    dest = str(tmp_path)
    client = FakeClient({A: PNG_RED})
    export(client, dest, [listed(A, "m0")])
    client.photos[A] = JPEG_MIN
    out = export(client, dest, [listed(A, "m1")])[0]
    assert out.removed == [os.path.join(dest, "Contacts-%s.png" % A)]
    assert read(out.versions[0]) == PNG_RED and out.versions[0].endswith(".png")
    assert sorted(os.listdir(dest)) == sorted([MANIFEST_NAME, VERSIONS_DIR, "Contacts-%s.jpg" % A])


def test_check_mode_names_the_version_and_keeps_everything(tmp_path: t.Any) -> None:
    dest = str(tmp_path)
    client = FakeClient({A: PNG_RED, B: PNG_RED})
    export(client, dest, [listed(A, "m0"), listed(B, "m0")])
    snapshot = sorted(os.listdir(dest))
    client.photos[A] = PNG_BLUE
    outcomes = export(client, dest, [listed(A, "m1"), listed(B, None)], prune=True, check_mode=True)
    assert [out.changed for out in outcomes] == [True, True]
    assert all(len(out.versions) == 1 and VERSIONS_DIR in out.versions[0] for out in outcomes)
    assert sorted(os.listdir(dest)) == snapshot


def test_a_lost_manifest_takes_back_identical_files_only(tmp_path: t.Any) -> None:
    dest = str(tmp_path)
    client = FakeClient({A: PNG_RED, B: PNG_RED})
    export(client, dest, [listed(A, "m0"), listed(B, "m0")])
    os.unlink(os.path.join(dest, MANIFEST_NAME))
    client.photos[B] = PNG_BLUE
    outcomes = export(client, dest, [listed(A, "m0"), listed(B, "m1")])
    assert outcomes[0].error is None and outcomes[0].changed is False
    assert isinstance(outcomes[1].error, _export.ForeignFile)
    assert read(os.path.join(dest, "Contacts-%s.png" % B)) == PNG_RED
    assert set(manifest(dest)) == {"Contacts/%s" % A}


# -- special files in dest (issue 15) ---------------------------------------------------------------

def test_a_symlink_with_an_export_name_is_neither_followed_nor_replaced(tmp_path: t.Any) -> None:
    dest = tmp_path / "dest"
    dest.mkdir()
    target = tmp_path / "elsewhere.png"
    target.write_bytes(PNG_BLUE)
    (dest / ("Contacts-%s.png" % A)).symlink_to(target)
    outcomes, warnings = export_warned(FakeClient({A: PNG_RED}), str(dest), [listed(A, "m1")])
    assert isinstance(outcomes[0].error, _export.ForeignFile)
    # Its state is the link's own: present, no size or SHA-256 of the target.
    assert outcomes[0].before.to_dict() == {"present": True}  # type: ignore[union-attr]
    assert os.path.islink(dest / ("Contacts-%s.png" % A)) and target.read_bytes() == PNG_BLUE
    pruned, warnings = export_warned(FakeClient({}), str(dest), [listed(A, None)], prune=True)
    assert os.path.islink(dest / ("Contacts-%s.png" % A)) and len(warnings) == 1


@pytest.mark.parametrize("kind", ["fifo", "symlink to /dev/zero", "symlink"])
def test_a_special_manifest_is_not_read(tmp_path: t.Any, kind: str) -> None:
    dest = str(tmp_path)
    path = os.path.join(dest, MANIFEST_NAME)
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "symlink":
        real = tmp_path / "real.json"
        real.write_text(json.dumps({"version": 1, "records": {"Contacts/%s" % A: {"file": "x"}}}))
        os.symlink(real, path)
    else:
        os.symlink("/dev/zero", path)
    warnings: list[str] = []
    service = ExportService(FakeClient({}), dest, False, False, warnings.append)  # type: ignore[arg-type]
    assert service.manifest.records == {}
    assert len(warnings) == 1 and "unreadable" in warnings[0]


def test_an_oversized_manifest_is_not_read(tmp_path: t.Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_export, "MAX_MANIFEST_BYTES", 100)
    (tmp_path / MANIFEST_NAME).write_text(json.dumps({"version": 1, "records": {"k": {"file": "x" * 200}}}))
    warnings: list[str] = []
    service = ExportService(FakeClient({}), str(tmp_path), False, False, warnings.append)  # type: ignore[arg-type]
    assert service.manifest.records == {} and "larger than 100 bytes" in warnings[0]
