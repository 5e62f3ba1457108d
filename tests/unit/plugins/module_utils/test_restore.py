# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of restore's sources (module_utils/_restore.py): which file, and its checks before any request."""

from __future__ import annotations

import os
import typing as t

import pytest

from ansible_collections.zoho.bigin.plugins.module_utils._errors import InputError
from ansible_collections.zoho.bigin.plugins.module_utils._restore import (
    NoSourceFile,
    SourceDir,
    SourceFileError,
    check_source,
)
from tests.simulator.bigin_simulator import BMP_MIN, GIF_MIN, JPEG_MIN, PNG_BLUE, PNG_RED
from tests.unit.plugins.conftest import A, B, C


# -- check_source and SourceDir.check ----------------------------------------------------------------

def test_source_checks_before_any_request(tmp_path: t.Any) -> None:
    (tmp_path / ("Contacts-%s.png" % A)).write_bytes(GIF_MIN)  # a GIF named .png is fine: the bytes decide
    (tmp_path / ("Contacts-%s.png" % B)).write_bytes(b"")
    check_source(str(tmp_path / ("Contacts-%s.png" % A)))
    # The checks a single src gets: header and 10 megapixels too, and WebP (exportable, not uploadable) refused.
    (tmp_path / "huge.gif").write_bytes(b"GIF89a" + (5000).to_bytes(2, "little") * 2 + b"\0" * 8)
    with pytest.raises(InputError, match="10 megapixels"):
        check_source(str(tmp_path / "huge.gif"))
    (tmp_path / "cut.png").write_bytes(PNG_RED[:12])
    with pytest.raises(InputError, match="corrupt PNG"):
        check_source(str(tmp_path / "cut.png"))
    (tmp_path / ("Contacts-%s.webp" % C)).write_bytes(b"RIFF\x1a\0\0\0WEBPVP8X" + b"\0" * 18)
    with pytest.raises(InputError, match="Contacts-%s.webp is not a PNG, JPEG, GIF or BMP" % C):
        SourceDir(str(tmp_path), "Contacts").check([C])
    with pytest.raises(InputError, match="is empty"):
        SourceDir(str(tmp_path), "Contacts").check([A, B])
    (tmp_path / ("Contacts-%s.jpg" % A)).write_bytes(JPEG_MIN)
    with pytest.raises(InputError, match="keep one"):
        SourceDir(str(tmp_path), "Contacts").check([A])


# -- SourceDir: which file ---------------------------------------------------------------------------

def test_source_dir_prefers_the_export_then_the_newest_backup(tmp_path: t.Any) -> None:
    names = {
        "Contacts-%s.png" % A: PNG_RED,
        "Contacts-%s-20260101T000000000000Z.gif" % A: GIF_MIN,
        "Contacts-%s-20250101T120000000000Z.png" % B: PNG_RED,
        "Contacts-%s-20261231T235959999999Z.jpg" % B: JPEG_MIN,
        "Contacts-%s-20260601T000000000000Z.bmp" % B: BMP_MIN,
        "Accounts-%s.png" % C: PNG_BLUE,
        "Contacts-%s.txt" % C: b"x",
        "Contacts-%s-yesterday.png" % C: PNG_BLUE,
        ".bigin-export-abc.tmp": PNG_BLUE,
    }
    for name, data in names.items():
        (tmp_path / name).write_bytes(data)
    source = SourceDir(str(tmp_path), "Contacts")
    assert source.record_ids() == [A, B]
    assert source.path_for(A) == str(tmp_path / ("Contacts-%s.png" % A))
    assert source.path_for(B) == str(tmp_path / ("Contacts-%s-20261231T235959999999Z.jpg" % B))
    assert source.image(B).data == JPEG_MIN
    assert SourceDir(str(tmp_path), "Accounts").record_ids() == [C]
    with pytest.raises(NoSourceFile) as info:
        source.image(C)
    assert info.value.code == "NO_SOURCE_FILE"
    assert str(tmp_path / ("Contacts-%s" % C)) in str(info.value)


# -- SourceDir: links and special files (issue 15) ----------------------------------------------------

def test_a_link_inside_the_directory_is_followed(tmp_path: t.Any) -> None:
    (tmp_path / "originals").mkdir()
    (tmp_path / "originals" / "red.png").write_bytes(PNG_RED)
    (tmp_path / ("Contacts-%s.png" % A)).symlink_to(tmp_path / "originals" / "red.png")
    source = SourceDir(str(tmp_path), "Contacts")
    source.check([A])
    image = source.image(A)
    assert image.data == PNG_RED and image.filename == "Contacts-%s.png" % A


@pytest.mark.parametrize("kind", ["link out", "link to /dev/zero", "fifo", "dangling link"])
def test_a_file_that_is_not_read_fails_its_record_only(tmp_path: t.Any, kind: str) -> None:
    src = tmp_path / "src"
    src.mkdir()
    outside = tmp_path / "secret.png"
    outside.write_bytes(PNG_BLUE)
    bad = src / ("Contacts-%s.png" % A)
    if kind == "link out":
        bad.symlink_to(outside)
    elif kind == "link to /dev/zero":
        bad.symlink_to("/dev/zero")
    elif kind == "fifo":
        os.mkfifo(bad)
    else:
        bad.symlink_to(src / "gone.png")
    # An older backup of A must not stand in for the refused file.
    (src / ("Contacts-%s-20260101T000000000000Z.png" % A)).write_bytes(PNG_RED)
    (src / ("Contacts-%s.png" % B)).write_bytes(PNG_RED)
    source = SourceDir(str(src), "Contacts")
    assert source.record_ids() == [A, B]
    source.check([A, B])  # no error before any request: A fails on its own, B is restored
    assert source.image(B).data == PNG_RED
    with pytest.raises(SourceFileError) as info:
        source.image(A)
    assert str(info.value).startswith("src: %s " % bad) and str(info.value).endswith("; it was not read")


def test_a_directory_with_a_photo_name_is_not_a_file(tmp_path: t.Any) -> None:
    (tmp_path / ("Contacts-%s.png" % A)).mkdir()
    assert SourceDir(str(tmp_path), "Contacts").record_ids() == []
