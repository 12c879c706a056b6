"""A local simulator of the Veeam Backup for Microsoft 365, Enterprise Manager and Backup & Replication REST APIs, for tests and demos.

Run it with ``PYTHONPATH=tests/simulator python -m veeam_sim --help``; the interface the collection's tests rely on
is described in tests/simulator/CONTRACT.md and the behaviour in tests/simulator/README.md.
"""

__version__ = "1.0.0"
