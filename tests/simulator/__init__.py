# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Local simulator of the Zoho Bigin API (photos, records, search) and the Zoho OAuth token endpoint.

One file per API area; :mod:`tests.simulator.bigin_simulator` assembles ``BiginSimulator`` and lists them.
"""
