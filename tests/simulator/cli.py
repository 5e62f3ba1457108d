# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The simulator's demo seed and its standalone entry point.

``python tests/simulator/bigin_simulator.py --port 0 --port-file F --demo --lifetime 600``
(or ``python -m tests.simulator.cli ...``); a flag per behaviour switch of
:mod:`tests.simulator.profiles` (``--upload-storage reencoded``, ``--no-photo-get 404`` ...); ``make demo`` (:mod:`tests.simulator.demo`)
uses :func:`seed_demo`.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import typing as t

from .photos import JPEG_MIN, PNG_BLUE, PNG_RED
from .profiles import PROFILE_SWITCHES, cli_flag

DEMO_CLIENT_ID = "demo-client"
DEMO_CLIENT_SECRET = "demo-secret"
DEMO_REFRESH_TOKEN = "demo-refresh"
DEMO_ACCESS_TOKEN = "demo-token"
DEMO_CONTACTS = ("3000000038009", "3000000038010", "3000000038011")
DEMO_ACCOUNT = "3000000040001"


def seed_demo(sim: t.Any) -> t.Any:
    """Seed the demo client, token and records into ``sim``."""
    sim.add_client(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_REFRESH_TOKEN)
    sim.add_token(DEMO_ACCESS_TOKEN)
    sim.add_record("Contacts", DEMO_CONTACTS[0], photo=PNG_RED)
    sim.add_record("Contacts", DEMO_CONTACTS[1], photo=JPEG_MIN)
    sim.add_record("Contacts", DEMO_CONTACTS[2])
    sim.add_record("Accounts", DEMO_ACCOUNT, photo=PNG_BLUE)
    return sim


def main(argv: list[str] | None = None) -> int:
    # Imported here: bigin_simulator assembles the class from the area files and re-exports this module's names.
    from .bigin_simulator import BiginSimulator  # pylint: disable=import-outside-toplevel

    parser = argparse.ArgumentParser(description="Zoho Bigin photo API simulator")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--port-file")
    parser.add_argument("--demo", action="store_true", help="seed demo client, token and records")
    parser.add_argument("--lifetime", type=float, default=None, help="exit after this many seconds")
    parser.add_argument("--latency-ms", type=float, default=0)
    parser.add_argument("--max-concurrent", type=int, default=None)
    for name, values in PROFILE_SWITCHES.items():  # one flag per behaviour switch: --upload-storage reencoded ...
        parser.add_argument(cli_flag(name), dest=name, choices=values, default=values[0],
                            help="profile switch %s (default %s)" % (name, values[0]))
    args = parser.parse_args(argv)

    profile = {name: getattr(args, name) for name in PROFILE_SWITCHES}
    sim = BiginSimulator(latency_ms=args.latency_ms, max_concurrent=args.max_concurrent, port=args.port, profile=profile)
    if args.demo:
        seed_demo(sim)
    sim.start()
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as fh:
            fh.write("%d\n" % sim.port)
        os.replace(tmp, args.port_file)
    stop = threading.Event()

    def _on_signal(signum: int, frame: t.Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    print("Bigin simulator listening on %s" % sim.url, flush=True)
    try:
        stop.wait(args.lifetime)
    finally:
        sim.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
