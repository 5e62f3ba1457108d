# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Sphinx extension for make docs-site: links to the Ansible documentation without intersphinx.

The generated module pages refer to labels of docs.ansible.com (common return values, other
collections' modules, configuration settings). intersphinx would resolve them by downloading
inventories, which an offline build cannot do; this resolves the few known label families
to their URLs instead, so that unresolved labels of our own pages still fail the build.
"""

from __future__ import annotations

import re

from docutils import nodes

ANSIBLE_DOCS = "https://docs.ansible.com/projects/ansible/latest/"
PAGES = {
    "common_return_values": "reference_appendices/common_return_values.html",
    "ansible_configuration_settings": "reference_appendices/config.html",
    "action_plugins": "plugins/action.html",
}
# Another collection's plugin page, or one of its options or return values (O(ns.coll.plugin#module:option)).
PLUGIN = re.compile(r"^ansible_collections\.(\w+)\.(\w+)\.(\w+)_(module|lookup|filter|test|inventory|callback|connection)"
                    r"(?:__((?:parameter|return)-[\w/.-]+))?$")


def _url(target):
    if target in PAGES:
        return ANSIBLE_DOCS + PAGES[target]
    match = PLUGIN.match(target)
    if match and (match.group(1), match.group(2)) != ("zoho", "bigin"):
        page = ANSIBLE_DOCS + "collections/%s/%s/%s_%s.html" % match.groups()[:4]
        return page + ("#%s" % match.group(5) if match.group(5) else "")
    return None


def resolve(app, env, node, contnode):  # pylint: disable=unused-argument
    """Return an external link for a known Ansible documentation label, else None."""
    if node.get("refdomain") != "std" or node.get("reftype") != "ref":
        return None
    url = _url(node.get("reftarget", ""))
    if url is None:
        return None
    reference = nodes.reference("", "", internal=False, refuri=url)
    reference += contnode
    return reference


def setup(app):
    app.connect("missing-reference", resolve)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
