# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests of the simulator as a standalone process (tests/simulator/cli.py: ``main`` and the demo seed).

Run the way ``make demo`` and the README run it: ``python tests/simulator/bigin_simulator.py ...``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import typing as t

import requests

from tests.conftest import REPO_ROOT
from tests.simulator import bigin_simulator as bs

from .conftest import auth

SCRIPT = os.path.join(REPO_ROOT, "tests", "simulator", "bigin_simulator.py")


def test_standalone_process(tmp_path: t.Any) -> None:
    port_file = tmp_path / "port"
    proc = subprocess.Popen(
        [sys.executable, SCRIPT, "--port", "0", "--port-file", str(port_file), "--demo", "--lifetime", "30",
         "--latency-ms", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 10
        while not port_file.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert port_file.exists(), "simulator did not write its port file"
        url = "http://127.0.0.1:%d" % int(port_file.read_text())
        resp = requests.get(url + "/bigin/v2/Contacts/3000000038009/photo", headers=auth("demo-token"))
        assert resp.status_code == 200 and bs.image_type(resp.content)
        assert requests.get(url + "/bigin/v2/Contacts/3000000038011/photo",
                            headers=auth("demo-token")).status_code == 204
        assert requests.get(url + "/bigin/v2/Accounts/3000000040001/photo",
                            headers=auth("demo-token")).status_code == 200
        body = requests.post(url + "/oauth/v2/token", data={
            "grant_type": "refresh_token", "client_id": "demo-client", "client_secret": "demo-secret",
            "refresh_token": "demo-refresh"}).json()
        assert body["api_domain"] == url
        state = requests.get(url + "/_simulator/state").json()
        assert len(state["records"]) == 4 and state["tokens_issued"] == 1
        assert "demo-token" not in json.dumps(state)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=10)
        assert proc.returncode == 0
        for secret in (b"demo-secret", b"demo-token", b"demo-refresh"):
            assert secret not in out + err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_standalone_lifetime() -> None:
    # The timeout fails the test if the simulator does not stop by itself.
    proc = subprocess.run([sys.executable, SCRIPT, "--lifetime", "0.3"], capture_output=True, timeout=20, check=False)
    assert proc.returncode == 0


def test_standalone_profile_flags(tmp_path: t.Any) -> None:
    port_file = tmp_path / "port"
    proc = subprocess.Popen(
        [sys.executable, SCRIPT, "--port", "0", "--port-file", str(port_file), "--demo", "--lifetime", "30",
         "--no-photo-get", "404", "--token-throttle-status", "200", "--search-equals", "word"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 10
        while not port_file.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        url = "http://127.0.0.1:%d" % int(port_file.read_text())
        profile = requests.get(url + "/_simulator/profile", timeout=10).json()["profile"]
        assert profile == dict(bs.DEFAULT_PROFILE, no_photo_get="404", token_throttle_status="200", search_equals="word")
        resp = requests.get(url + "/bigin/v2/Contacts/3000000038011/photo", headers=auth("demo-token"), timeout=10)
        assert resp.status_code == 404 and resp.json()["code"] == "NOT_FOUND"
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=10)
        assert proc.returncode == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_standalone_refuses_an_unknown_profile_value() -> None:
    proc = subprocess.run([sys.executable, SCRIPT, "--lifetime", "0", "--marker-on-replace", "sometimes"],
                          capture_output=True, text=True, timeout=20, check=False)
    assert proc.returncode == 2 and "--marker-on-replace" in proc.stderr and "'new', 'same'" in proc.stderr
