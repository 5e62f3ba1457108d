# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of zoho.bigin.bigin_photo: finds ``src`` on the controller the way ansible.builtin.copy does.

With ``remote_src: false`` (the default) and ``state: present``, ``src`` is looked
up through the task's search path (the role's ``files/``, the playbook's
``files/``, the playbook's directory; an absolute path as given). Then:

* the task runs on the controller (connection ``local``, including
  ``delegate_to: localhost`` with the implicit localhost): the module gets the
  resolved absolute path, a file or a directory (restore);
* the task runs on another host: a file is sent to a temporary directory on
  that host (removed afterwards) and the module gets that copy; a directory is
  never copied over: the task fails and asks for ``remote_src: true`` with a
  directory that is on that host.

"Runs on the controller" means the connection plugin's transport is ``local``
(``ansible.builtin.local``, also what ``delegate_to: localhost`` uses for the
implicit localhost). Every other option goes to the module unchanged, with the
``module_defaults`` that ansible-core has already merged into the task's args.
"""

from __future__ import annotations

import os

from ansible.errors import AnsibleError, AnsibleFileNotFound
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase
from ansible.utils.vars import merge_hash

MODULE = "zoho.bigin.bigin_photo"
# What the module reports when it sent nothing (RV api_calls); the same when this plugin refuses the task.
NO_API_CALLS = {"total": 0, "by_method": {"GET": 0, "POST": 0, "DELETE": 0}, "token_refreshes": 0}


class _Refused(Exception):
    """The task is refused before the module runs; the message is for the user."""


class ActionModule(ActionBase):

    TRANSFERS_FILES = True
    _supports_check_mode = True
    _supports_async = True

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp  # no effect since ansible-core 2.5; the shell's tmpdir is shared instead
        wrap_async = bool(self._task.async_val) and not self._connection.has_native_async
        module_args = dict(self._task.args)
        try:
            try:
                local_src = self._controller_src(module_args)
                if local_src is not None:
                    module_args["src"] = self._src_for_module(local_src, module_args["src"])
            except _Refused as exc:
                result.update(failed=True, changed=False, msg=str(exc), records=[], api_calls=dict(NO_API_CALLS))
                return result
            result = merge_hash(result, self._execute_module(module_name=MODULE, module_args=module_args,
                                                             task_vars=task_vars, wrap_async=wrap_async))
        finally:
            if not wrap_async:  # async_wrapper removes its own tmpdir (and the file sent there) when the job ends
                self._remove_tmp_path(self._connection._shell.tmpdir)
        return result

    def _controller_src(self, args):
        """The controller path of ``src``, or None when the module is to get ``src`` as it is."""
        src = args.get("src")
        try:
            remote_src = boolean(args.get("remote_src", False), strict=True)
        except TypeError:
            raise _Refused("remote_src: %r is not a boolean" % (args.get("remote_src"),)) from None
        if remote_src or src is None or not isinstance(src, str) or args.get("state", "present") != "present":
            # A path on the target, nothing to upload (state=absent ignores src), or a value the module refuses.
            return None
        if not src:
            raise _Refused("src: an empty path names no file")
        try:
            return self._find_needle("files", src)
        except AnsibleFileNotFound as exc:
            searched = exc.paths or [os.path.expanduser(src)]
            raise _Refused("src: %s was not found on the Ansible controller; searched, in order: %s. "
                           "For a path on the host the task runs on, set remote_src: true."
                           % (src, ", ".join(searched))) from None
        except AnsibleError as exc:
            raise _Refused("src: %s could not be looked up on the Ansible controller (%s)"
                           % (src, getattr(exc, "message", exc))) from None

    def _runs_on_controller(self):
        return self._connection.transport == "local"

    def _src_for_module(self, local_src, src):
        """Where the module is to read ``src``: the controller path itself, or a copy sent to the target."""
        local_src = os.path.abspath(local_src)
        if self._runs_on_controller():
            return local_src
        if os.path.isdir(local_src):
            raise _Refused("src: %s is a directory on the Ansible controller (%s), and the task runs on another host "
                           "(connection %s); a directory is not copied to another host. Set remote_src: true with a "
                           "directory on that host, or run the task on the controller (delegate_to: localhost)."
                           % (src, local_src, self._connection.transport))
        tmpdir = self._connection._shell.tmpdir or self._make_tmp_path()
        # The module sends the file's name with the upload: the copy keeps it.
        remote_src = self._connection._shell.join_path(tmpdir, os.path.basename(local_src))
        self._transfer_file(local_src, remote_src)
        self._fixup_perms2((tmpdir, remote_src))
        return remote_src
