# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Add up the JUnit XML results of a make run and print one closing line.

Usage: python scripts/summarize_results.py DIR [DIR...]

Reads every ``*.xml`` under the given directories (pytest's ``--junitxml``
files in build/test-results and ansible-test's tests/output/junit), prints a
line per file and finishes with ``summary: N passed, N failed, N skipped``.
Exits 1 when any test failed or errored, or when no test ran at all.
"""

from __future__ import annotations

import glob
import os
import sys
import xml.etree.ElementTree as ET


def count(path: str) -> tuple[int, int, int]:
    """Return (passed, failed, skipped) for one JUnit XML file."""
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else root.iter("testsuite")
    passed = failed = skipped = 0
    for suite in suites:
        for case in suite.iter("testcase"):
            if case.find("failure") is not None or case.find("error") is not None:
                failed += 1
            elif case.find("skipped") is not None:
                skipped += 1
            else:
                passed += 1
    return passed, failed, skipped


def main(argv: list[str]) -> int:
    """Print per-file counts and the total."""
    totals = [0, 0, 0]
    for directory in argv:
        for path in sorted(glob.glob(os.path.join(directory, "**", "*.xml"), recursive=True)):
            try:
                result = count(path)
            except ET.ParseError as ex:
                print("%s: unreadable (%s)" % (path, ex))
                totals[1] += 1
                continue
            print("%s: %d passed, %d failed, %d skipped" % ((path,) + result))
            totals = [a + b for a, b in zip(totals, result)]
    passed, failed, skipped = totals
    print("summary: %d passed, %d failed, %d skipped" % (passed, failed, skipped))
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
