# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a module's main(), or build its instance, in-process with given arguments, on every supported ansible-core."""

from __future__ import annotations

import contextlib
import json
import typing as t
from unittest import mock

import pytest
from ansible.module_utils import basic

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core < 2.19
    @contextlib.contextmanager  # type: ignore[no-redef]
    def patch_module_args(args: dict[str, t.Any] | None = None) -> t.Iterator[None]:
        serialized = json.dumps({"ANSIBLE_MODULE_ARGS": args or {}}).encode()
        with mock.patch.object(basic, "_ANSIBLE_ARGS", serialized):
            yield


class Result(dict):  # type: ignore[type-arg]
    """The module's JSON result, its exit status and its raw output."""

    rc: int
    output: str


def run_main(module: t.Any, args: dict[str, t.Any], capsys: pytest.CaptureFixture[str],
             check: bool = False, diff: bool = False) -> Result:
    """Call ``module.main()`` with ``args`` (check and diff mode as asked); return its parsed result."""
    with patch_module_args(dict(args, _ansible_check_mode=check, _ansible_diff=diff)):
        with pytest.raises(SystemExit) as info:
            module.main()
    output = capsys.readouterr().out
    result = Result(json.loads(output))
    result.rc = int(info.value.code or 0)
    result.output = output
    return result


def instance(args: dict[str, t.Any], cls: t.Any) -> t.Any:
    """Build an instance of a module's class from ``args`` (argument parsing only: no request is sent)."""
    with patch_module_args(dict(args)):
        return cls()
