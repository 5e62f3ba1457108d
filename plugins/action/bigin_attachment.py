# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of zoho.bigin.bigin_attachment: finds ``src`` on the controller the way ansible.builtin.copy does.

See plugins/plugin_utils/_src.py: the role's ``files/``, the playbook's ``files/`` and
directory (an absolute path as given); the file is sent to the target when the task runs
on another host; ``remote_src: true`` takes ``src`` as a path on the target.
"""

from __future__ import annotations

from ansible_collections.zoho.bigin.plugins.plugin_utils._src import SrcAction


class ActionModule(SrcAction):
    MODULE = "zoho.bigin.bigin_attachment"
