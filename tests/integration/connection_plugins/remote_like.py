# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test-only connection: this machine, reached as a remote host would be.

ansible.builtin.local under another transport name. The bigin_photo action plugin
takes only the ``local`` transport for the controller, so with this connection it
does what it does for any remote host: it makes a temporary directory under the
host's ``ansible_remote_tmp``, sends ``src`` there with put_file and removes it
afterwards. Each put_file is appended as a JSON line to $REMOTE_LIKE_LOG, so a test
can tell what was sent where.
"""

from __future__ import annotations

DOCUMENTATION = r"""
name: remote_like
short_description: The local machine, treated as a remote host (integration tests only)
description:
  - Runs commands on this machine like M(ansible.builtin.local), but reports another transport name, so that
    action plugins send files to the host's remote temporary directory as for any remote host.
  - Appends each file transfer, as a JSON line with C(in) and C(out), to the file named by E(REMOTE_LIKE_LOG).
author: zoho.bigin maintainers (@zoho-bigin)
options:
  become_success_timeout:
    description: Seconds to wait for become to succeed (read by the local connection of ansible-core 2.19 and later).
    type: int
    default: 10
    vars:
      - name: ansible_local_become_success_timeout
  become_strip_preamble:
    description: Whether become output before the command is removed (ansible-core 2.19 and later).
    type: bool
    default: true
    vars:
      - name: ansible_local_become_strip_preamble
extends_documentation_fragment:
  - connection_pipelining
"""

import json
import os

from ansible.plugins.connection.local import Connection as LocalConnection


class Connection(LocalConnection):

    transport = "zoho.bigin.remote_like"

    def put_file(self, in_path, out_path):
        super().put_file(in_path, out_path)
        log = os.environ.get("REMOTE_LIKE_LOG")
        if log:
            with open(log, "a", encoding="utf-8") as handle:
                handle.write(json.dumps({"in": in_path, "out": out_path}) + "\n")
