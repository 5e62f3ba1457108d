# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What an action plugin needs to find a module's ``src`` on the controller the way ansible.builtin.copy does.

This file is private to the collection: its API may change without notice.

A subclass of :class:`SrcAction` names its module (``MODULE``). With ``remote_src: false``
(the default) and ``state: present``, ``src`` is looked up through the task's search path
(the role's ``files/``, the playbook's ``files/``, the playbook's directory; an absolute path
as given). A task that runs on the controller (connection ``local``) gives the module the
resolved absolute path; on another host the file is sent to a temporary directory there,
under its own base name (the module may send that name), and removed after the task.
A directory is refused before the module runs, unless ``ALLOW_DIRECTORY`` (then it is used in place on
the controller, and refused for another host). Every other option goes to the module
unchanged, with the ``module_defaults`` ansible-core has merged into the task's args.
"""

from __future__ import annotations

import os

from ansible.errors import AnsibleError, AnsibleFileNotFound
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase
from ansible.utils.vars import merge_hash

# What the module reports when it sent nothing (RV api_calls); the same when the plugin refuses the task.
NO_API_CALLS = {"total": 0, "by_method": {"GET": 0, "POST": 0, "DELETE": 0}, "token_refreshes": 0}


class Refused(Exception):
    """The task is refused before the module runs; the message is for the user."""


class SrcAction(ActionBase):
    """Run ``MODULE`` with its ``src`` found on the controller (and sent to the target when that is another host)."""

    MODULE = ""
    # Whether src may be a directory (bigin_photo's restore): used in place on the controller, never sent.
    ALLOW_DIRECTORY = False
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
            except Refused as exc:
                result.update(failed=True, changed=False, msg=str(exc), records=[], api_calls=dict(NO_API_CALLS))
                return result
            result = merge_hash(result, self._execute_module(module_name=self.MODULE, module_args=module_args,
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
            raise Refused("remote_src: %r is not a boolean" % (args.get("remote_src"),)) from None
        if remote_src or src is None or not isinstance(src, str) or args.get("state", "present") != "present":
            return None
        if not src:
            raise Refused("src: an empty path names no file")
        try:
            return self._find_needle("files", src)
        except AnsibleFileNotFound as exc:
            searched = exc.paths or [os.path.expanduser(src)]
            raise Refused("src: %s was not found on the Ansible controller; searched, in order: %s. "
                          "For a path on the host the task runs on, set remote_src: true."
                          % (src, ", ".join(searched))) from None
        except AnsibleError as exc:
            raise Refused("src: %s could not be looked up on the Ansible controller (%s)"
                          % (src, getattr(exc, "message", exc))) from None

    def _src_for_module(self, local_src, src):
        """Where the module is to read ``src``: the controller path itself, or a copy sent to the target."""
        local_src = os.path.abspath(local_src)
        on_controller = self._connection.transport == "local"
        if os.path.isdir(local_src):
            if not self.ALLOW_DIRECTORY:
                raise Refused("src: %s is a directory on the Ansible controller (%s); give a file" % (src, local_src))
            if not on_controller:
                raise Refused("src: %s is a directory on the Ansible controller (%s), and the task runs on another "
                              "host (connection %s); a directory is not copied to another host. Set remote_src: true "
                              "with a directory on that host, or run the task on the controller (delegate_to: "
                              "localhost)." % (src, local_src, self._connection.transport))
        if on_controller:
            return local_src
        tmpdir = self._connection._shell.tmpdir or self._make_tmp_path()
        remote_src = self._connection._shell.join_path(tmpdir, os.path.basename(local_src))
        self._transfer_file(local_src, remote_src)
        self._fixup_perms2((tmpdir, remote_src))
        return remote_src
