"""Settings for the import worker the fault test starts (tests/spend/test_import_faults.py): a
worker counts as gone after 3 seconds without a sign of life instead of 2 minutes, so the test
sees the sweep at work in seconds."""

from config.settings import *  # noqa: F403

IMPORT_WORKER_TIMEOUT = 3
IMPORT_HEARTBEAT_SECONDS = 0.5
