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

from ansible_collections.zoho.bigin.plugins.plugin_utils._src import SrcAction


class ActionModule(SrcAction):
    MODULE = "zoho.bigin.bigin_photo"
    ALLOW_DIRECTORY = True  # a directory of exported or backed-up photos: the restore
