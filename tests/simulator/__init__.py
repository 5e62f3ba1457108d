"""Local simulator of the Zoho Bigin photo API and the Zoho OAuth token endpoint.

See :mod:`tests.simulator.bigin_simulator`.
"""
