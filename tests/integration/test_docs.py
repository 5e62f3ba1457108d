# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ansible-doc renders every module completely (options, attributes, examples, return values); the README lists every make target."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import typing as t

import pytest
import yaml

from tests.conftest import REPO_ROOT, collections_path

ANSIBLE_DOC = os.path.join(os.path.dirname(sys.executable), "ansible-doc")
CONNECTION_OPTIONS = {"access_token", "client_id", "client_secret", "refresh_token", "data_center", "api_domain",
                      "accounts_url", "api_version", "timeout", "validate_certs", "ca_path", "max_retries", "token_cache"}


def ansible_doc(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections_path(), ANSIBLE_NOCOLOR="1")
    return subprocess.run([ANSIBLE_DOC, *args], env=env, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def docs() -> dict[str, t.Any]:
    proc = ansible_doc("--json", "zoho.bigin.bigin_photo", "zoho.bigin.bigin_photo_info",
                       "zoho.bigin.bigin_record_info", "zoho.bigin.bigin_photo_export")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.parametrize("name", ["zoho.bigin.bigin_photo", "zoho.bigin.bigin_photo_info",
                                  "zoho.bigin.bigin_record_info"])
def test_text_rendering_has_every_section(name: str) -> None:
    proc = ansible_doc(name)
    assert proc.returncode == 0, proc.stderr
    assert "ERROR" not in proc.stderr
    for section in ("OPTIONS", "ATTRIBUTES", "EXAMPLES", "RETURN VALUES", "REQUIREMENTS"):
        assert section in proc.stdout, section


@pytest.mark.parametrize("name", ["zoho.bigin.bigin_photo", "zoho.bigin.bigin_photo_info",
                                  "zoho.bigin.bigin_record_info"])
def test_connection_options_and_attributes_come_from_the_fragments(docs: dict[str, t.Any], name: str) -> None:
    doc = docs[name]["doc"]
    assert CONNECTION_OPTIONS | {"module", "record_id", "criteria", "all_records", "concurrency"} <= set(doc["options"])
    attributes = doc["attributes"]
    assert attributes["check_mode"]["support"] == "full"
    assert attributes["action_group"]["membership"] == ["zoho.bigin.all"]
    assert "records" in docs[name]["return"]


def test_photo_examples_cover_the_documented_scenarios(docs: dict[str, t.Any]) -> None:
    examples = yaml.safe_load(docs["zoho.bigin.bigin_photo"]["examples"])
    tasks = [task for entry in examples for task in entry.get("block", [entry])]
    photo = [task["zoho.bigin.bigin_photo"] for task in tasks if "zoho.bigin.bigin_photo" in task]
    assert any(p.get("state") == "absent" and isinstance(p.get("record_id"), str) and p["record_id"].isdigit()
               for p in photo), "delete one photo"
    assert any(p.get("state") == "absent" and (isinstance(p.get("record_id"), list) or "{{" in p.get("record_id", ""))
               for p in photo), "delete many"
    assert any(p.get("state") == "absent" and p.get("criteria") for p in photo), "delete by search"
    assert any(p.get("all_records") and p.get("force") is False for p in photo), "default photo where none"
    assert any("src" in p for p in photo), "upload"
    assert any(p.get("state") == "absent" and "backup_dir" in p for p in photo), "backup then delete"
    defaults = [entry["module_defaults"]["group/zoho.bigin.all"] for entry in examples if "module_defaults" in entry]
    assert defaults and {"client_id", "client_secret", "refresh_token"} <= set(defaults[0]), "module_defaults"


def test_export_options_and_the_restore_source_are_documented(docs: dict[str, t.Any]) -> None:
    doc = docs["zoho.bigin.bigin_photo_export"]["doc"]
    assert {"dest", "prune", "module", "record_id", "access_token"} <= set(doc["options"])
    assert doc["options"]["dest"]["required"] is True and doc["options"]["prune"]["default"] is False
    assert doc["attributes"]["action_group"]["membership"] == ["zoho.bigin.all"]
    assert doc["attributes"]["check_mode"]["support"] == "full"
    assert {"records", "written", "removed"} <= set(docs["zoho.bigin.bigin_photo_export"]["return"])
    src = " ".join(docs["zoho.bigin.bigin_photo"]["doc"]["options"]["src"]["description"])
    assert "directory" in src and "NO_SOURCE_FILE" in src


def test_readme_development_table_lists_every_make_target() -> None:
    """A contributor learns the build from one table: each documented (``##``) target has its row."""
    with open(os.path.join(REPO_ROOT, "Makefile"), encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    # A per-core rule is written sanity-$1: (in leg_rules) or pyver-%:; the README writes <core>.
    targets = {re.sub(r"\$1|%", "<core>", line.split(":", 1)[0])
               for comment, line in zip(lines, lines[1:]) if comment.startswith("## ") and ":" in line}
    with open(os.path.join(REPO_ROOT, "README.md"), encoding="utf-8") as handle:
        rows = [line.split("|")[1] for line in handle if line.startswith("| `make ")]
    documented = {name for row in rows for name in re.findall(r"`make ([^`\s]+)", row)}
    assert len(targets) > 25, targets
    assert targets <= documented, "README development table lacks: %s" % sorted(targets - documented)
    assert documented <= targets, "README documents targets the Makefile has not: %s" % sorted(documented - targets)
