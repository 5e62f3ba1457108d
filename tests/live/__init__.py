# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The live contract suite: checks each assumption the collection makes about Bigin against a real organisation.

``make test-live`` (``python -m tests.live``); what it needs and prints: :mod:`tests.live.__main__`.
Every line says whether Bigin behaves like the simulator's default profile
(``tests/simulator/profiles.py``): ``holds``, or ``differs: <what was seen>``.
"""
