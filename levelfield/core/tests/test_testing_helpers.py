"""The helpers tests share must leave the test process as they found it."""

import signal

from tests.support import testing


def test_running_the_worker_in_a_test_leaves_the_signal_handlers_as_they_were(db, settings):
    """The worker installs its own SIGINT, SIGTERM and SIGQUIT handlers; left behind, they were
    inherited by the importer's forked pool, whose workers then ignored the SIGTERM that ends
    them, and the test run hung."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    numbers = (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)
    before = {number: signal.getsignal(number) for number in numbers}

    testing.run_db_worker()

    assert {number: signal.getsignal(number) for number in numbers} == before
