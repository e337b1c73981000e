"""Settings for worker processes that tests start: levelfield's own, with every daily job due
from midnight (so due whenever the test runs) and a probe job beside them whose every run
leaves a line in a file (tests/worker_probe.py); the rest as tests/settings_processes.py."""

from tests.settings_processes import *  # noqa: F403
from tests.settings_processes import LEVELFIELD_DAILY_JOBS as _DAILY_JOBS

LEVELFIELD_DAILY_JOBS = [{**job, "at": "00:00"} for job in _DAILY_JOBS] + [
    {"name": "probe", "task": "tests.worker_probe.probe", "at": "00:00"}
]
