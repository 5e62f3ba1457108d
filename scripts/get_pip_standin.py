# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Offline stand-in for the ``get-pip.py`` script that ansible-test downloads.

ansible-test bootstraps pip in the virtual environments it creates by running
``~/.ansible/test/cache/get_pip_<version>.py`` (downloaded from the internet when
absent) as ``python get_pip_X_Y.py --disable-pip-version-check pip==X.Y
--no-setuptools --no-wheel``.  ``scripts/seed_get_pip.py`` copies this file there
instead, so the bootstrap uses the interpreter's bundled pip (``ensurepip``) and
then upgrades it from the configured package index.
"""

from __future__ import annotations

import os
import subprocess
import sys

DROPPED_ARGS = ("--no-setuptools", "--no-wheel")


def main() -> int:
    """Install pip with ensurepip, then install the requested packages with it."""
    import ensurepip  # pylint: disable=import-outside-toplevel

    ensurepip.bootstrap(upgrade=True)

    # ensurepip points PIP_CONFIG_FILE at /dev/null (and may leave
    # ENSUREPIP_OPTIONS behind), which would hide the machine's pip configuration.
    env = dict(os.environ)
    for name in ("PIP_CONFIG_FILE", "ENSUREPIP_OPTIONS"):
        os.environ.pop(name, None)
        env.pop(name, None)

    args = [arg for arg in sys.argv[1:] if arg not in DROPPED_ARGS]
    if not [arg for arg in args if not arg.startswith("-")]:
        return 0

    return subprocess.call([sys.executable, "-m", "pip", "install"] + args, env=env)


if __name__ == "__main__":
    sys.exit(main())
