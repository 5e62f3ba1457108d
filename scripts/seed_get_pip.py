# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Seed ansible-test's pip bootstrap cache with the offline stand-in.

Run with the Python of a virtual environment that has ansible-core installed.
It reads the pip version(s) that this ansible-test bootstraps into its venvs
(``default_packages``/``override_packages`` in
``ansible_test/_internal/python_requirements.py``) and, for each one, copies
``get_pip_standin.py`` to ``~/.ansible/test/cache/get_pip_<X_Y>.py`` unless a
file is already there.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
STANDIN = os.path.join(HERE, "get_pip_standin.py")
CACHE_DIR = os.path.expanduser("~/.ansible/test/cache")


def pip_versions() -> list[str]:
    """Return the pip versions the installed ansible-test bootstraps."""
    spec = importlib.util.find_spec("ansible_test")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("seed_get_pip: ansible_test is not installed for %s" % sys.executable)
    source = os.path.join(list(spec.submodule_search_locations)[0], "_internal", "python_requirements.py")
    with open(source, encoding="utf-8") as handle:
        text = handle.read()
    versions = sorted(set(re.findall(r"""\bpip\s*=\s*['"]([0-9][0-9.]*)['"]""", text)))
    if not versions:
        sys.exit("seed_get_pip: no pip version found in %s" % source)
    return versions


def main() -> int:
    """Copy the stand-in for every pip version that has no cached script yet."""
    os.makedirs(CACHE_DIR, exist_ok=True)
    for version in pip_versions():
        target = os.path.join(CACHE_DIR, "get_pip_%s.py" % version.replace(".", "_"))
        if os.path.exists(target):
            print("seed_get_pip: keeping %s" % target)
            continue
        shutil.copyfile(STANDIN, target)
        print("seed_get_pip: wrote %s (pip %s)" % (target, version))
    return 0


if __name__ == "__main__":
    sys.exit(main())
