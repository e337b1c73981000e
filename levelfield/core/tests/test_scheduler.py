"""The scheduler queues each daily job once a day from its UK time, without cron: the
ScheduledRun row is the claim, so a second pass, a second scheduler or a restart queues nothing
more; a day missed while it was stopped is made good once when it starts; SIGTERM stops it."""

import os
import signal
import subprocess
import sys
import threading
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django_tasks import task

from levelfield.core import clock, scheduler
from levelfield.core.models import FrequentRun, ScheduledRun

RAN: list[date] = []
TICKS: list[datetime] = []


@task()
def note_the_day() -> str:
    """The test's daily job: notes the UK day it ran (the test's tasks run at once)."""
    RAN.append(clock.today_uk())
    return clock.today_uk().isoformat()


@task()
def note_the_moment() -> str:
    """The test's frequent job: notes when it ran."""
    TICKS.append(clock.now())
    return clock.now().isoformat()


@task()
def broken() -> None:
    raise AssertionError("not queued in these tests")


class _Unqueueable:
    """A job whose queue is away: queueing it fails."""

    def enqueue(self):
        raise OSError("the queue is away")


unqueueable = _Unqueueable()


JOB = scheduler.DailyJob(name="noting", task=f"{__name__}.note_the_day", at=time(6, 0))
EVERY_5 = scheduler.FrequentJob(name="ticking", task=f"{__name__}.note_the_moment", every=5)


@pytest.fixture(autouse=True)
def _no_runs():
    RAN.clear()
    TICKS.clear()
    yield
    RAN.clear()
    TICKS.clear()


def at(moment: str):
    """The clock at a UTC moment (December: UK time is UTC)."""
    return clock.frozen_at(datetime.fromisoformat(moment).replace(tzinfo=UTC))


@pytest.mark.django_db
def test_before_its_time_nothing_is_queued_then_once_a_day():
    with at("2026-12-07 05:59"):
        assert scheduler.run_due([JOB]) == []
    assert RAN == [] and not ScheduledRun.objects.exists()

    with at("2026-12-07 06:00"):
        assert scheduler.run_due([JOB]) == ["noting"]
    assert RAN == [date(2026, 12, 7)]
    run = ScheduledRun.objects.get()
    assert (run.job, run.day) == ("noting", date(2026, 12, 7))
    assert run.task_id

    # later that day, another pass or another scheduler's pass queues nothing more
    with at("2026-12-07 06:01"):
        assert scheduler.run_due([JOB]) == []
    with at("2026-12-07 23:59"):
        assert scheduler.run_due([JOB]) == []
    assert RAN == [date(2026, 12, 7)]

    # the next day, not before 06:00
    with at("2026-12-08 00:01"):
        assert scheduler.run_due([JOB]) == []
    with at("2026-12-08 06:30"):
        assert scheduler.run_due([JOB]) == ["noting"]
    assert RAN == [date(2026, 12, 7), date(2026, 12, 8)]


@pytest.mark.django_db
def test_the_time_of_day_is_uk_time_in_summer():
    """06:00 in July is 05:00 UTC (British Summer Time)."""
    with at("2026-07-01 04:59"):
        assert scheduler.run_due([JOB]) == []
    with at("2026-07-01 05:00"):
        assert scheduler.run_due([JOB]) == ["noting"]
    assert RAN == [date(2026, 7, 1)]


@pytest.mark.django_db
def test_a_claim_made_elsewhere_is_respected():
    """Another scheduler that claimed today's run (its row) stops this one queueing it."""
    ScheduledRun.objects.create(
        job="noting", day=date(2026, 12, 7), started_at=datetime(2026, 12, 7, 6, tzinfo=UTC)
    )
    with at("2026-12-07 06:00"):
        assert scheduler.run_due([JOB]) == []
    assert RAN == []


@pytest.mark.django_db
def test_days_missed_while_stopped_are_made_good_once():
    with at("2026-12-01 06:00"):
        scheduler.run_due([JOB])
    # stopped for four days; started again on the 5th at 09:15
    with at("2026-12-05 09:15"):
        assert scheduler.run_due([JOB]) == ["noting"]
        assert scheduler.run_due([JOB]) == []
    assert RAN == [date(2026, 12, 1), date(2026, 12, 5)]
    assert list(ScheduledRun.objects.order_by("day").values_list("day", flat=True)) == [
        date(2026, 12, 1),
        date(2026, 12, 5),
    ]


@pytest.mark.django_db
def test_a_job_that_cannot_be_queued_keeps_no_claim_and_the_others_go(caplog):
    failing = scheduler.DailyJob(name="failing", task=f"{__name__}.unqueueable", at=time(5, 0))
    with at("2026-12-07 06:00"):
        assert scheduler.run_due([failing, JOB]) == ["noting"]
    assert list(ScheduledRun.objects.values_list("job", flat=True)) == ["noting"]
    assert RAN == [date(2026, 12, 7)]
    assert "Could not queue the daily job failing for 2026-12-07" in caplog.text
    # the next pass tries it again
    with at("2026-12-07 06:01"):
        assert scheduler.run_due([failing, JOB]) == []
    assert caplog.text.count("Could not queue the daily job failing") == 2


@pytest.mark.django_db
def test_the_command_makes_one_pass_with_the_settings_jobs(settings, capsys):
    settings.LEVELFIELD_DAILY_JOBS = [
        {"name": "noting", "task": f"{__name__}.note_the_day", "at": "06:00"}
    ]
    settings.LEVELFIELD_FREQUENT_JOBS = []
    with at("2026-12-07 07:00"):
        call_command("scheduler", "--once")
        call_command("scheduler", "--once")
    assert capsys.readouterr().out == "Queued noting\nNothing due that is not queued\n"
    assert RAN == [date(2026, 12, 7)]


def test_the_settings_jobs_import(settings):
    jobs = scheduler.daily_jobs()
    assert {job.name for job in jobs} >= {"contracts", "social_value_reminders"}
    settings.LEVELFIELD_DAILY_JOBS = [{"name": "x", "task": "levelfield.nowhere.task", "at": "6"}]
    with pytest.raises(ImproperlyConfigured):
        scheduler.daily_jobs()
    settings.LEVELFIELD_DAILY_JOBS = [{"name": "x", "task": f"{__name__}.broken", "at": "25:00"}]
    with pytest.raises(ImproperlyConfigured):
        scheduler.daily_jobs()


def test_frequent_jobs_are_checked_when_the_scheduler_starts(settings):
    settings.LEVELFIELD_FREQUENT_JOBS = [
        {"name": "ticking", "task": f"{__name__}.note_the_moment", "every": 5}
    ]
    assert scheduler.frequent_jobs() == [EVERY_5]
    for wrong in (
        {"name": "x", "task": "levelfield.nowhere.task", "every": 5},
        {"name": "x", "task": f"{__name__}.broken", "every": 0},
        {"name": "x", "task": f"{__name__}.broken", "every": "5"},
        {"name": "x", "task": f"{__name__}.broken", "every": 24 * 60 + 1},
        {"name": "x", "task": f"{__name__}.broken"},
        {"name": "x" * 101, "task": f"{__name__}.broken", "every": 5},
    ):
        settings.LEVELFIELD_FREQUENT_JOBS = [wrong]
        with pytest.raises(ImproperlyConfigured):
            scheduler.frequent_jobs()
    # a frequent job may not take a daily job's name: they would not be told apart in the log
    settings.LEVELFIELD_FREQUENT_JOBS = [
        {"name": "contracts", "task": f"{__name__}.broken", "every": 5}
    ]
    with pytest.raises(ImproperlyConfigured, match="same name"):
        scheduler.all_jobs()


def test_sigterm_stops_the_loop_after_its_pass():
    """The loop makes a pass, SIGTERM arrives, and it ends without waiting for its next minute;
    the handler before is put back. A second pass would come only if the signal did not stop it
    (after 5 seconds: the test then fails, and stops the loop itself)."""
    stop = threading.Event()
    passes = []

    def after_pass():
        passes.append(len(passes) + 1)
        if len(passes) == 1:
            os.kill(os.getpid(), signal.SIGTERM)
        else:
            stop.set()

    before = signal.getsignal(signal.SIGTERM)
    with scheduler.stopping_on_signals(stop):
        ran = scheduler.run(stop=stop, jobs=[], wake_every=5, after_pass=after_pass)
    assert ran == 1 and passes == [1]
    assert signal.getsignal(signal.SIGTERM) is before


def test_sigint_stops_it_too():
    stop = threading.Event()
    with scheduler.stopping_on_signals(stop):
        ran = scheduler.run(
            stop=stop,
            jobs=[],
            wake_every=5,
            after_pass=lambda: os.kill(os.getpid(), signal.SIGINT) if not stop.is_set() else None,
        )
    assert ran == 1


def test_a_failing_pass_is_logged_and_the_loop_goes_on(caplog):
    stop = threading.Event()
    passes = []

    def after_pass():
        passes.append(1)
        if len(passes) == 2:
            stop.set()

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(scheduler, "run_due", lambda jobs: 1 / 0)
        assert scheduler.run(stop=stop, jobs=[], wake_every=0, after_pass=after_pass) == 2
    assert caplog.text.count("The scheduler's pass failed") == 2


@pytest.mark.django_db
def test_two_schedulers_at_the_same_moment_queue_it_once(monkeypatch):
    """The other scheduler inserts its claim between this one's look and its insert: the unique
    row refuses this one's, and it queues nothing."""
    real_filter = ScheduledRun.objects.filter

    class LookedTooSoon:
        def __init__(self, **lookup):
            self.lookup = lookup

        def exists(self):
            ScheduledRun.objects.create(
                **self.lookup, started_at=datetime(2026, 12, 7, 6, tzinfo=UTC)
            )
            return False

    monkeypatch.setattr(ScheduledRun.objects, "filter", lambda **lookup: LookedTooSoon(**lookup))
    with at("2026-12-07 06:00"):
        assert scheduler.run_due([JOB]) == []
    monkeypatch.setattr(ScheduledRun.objects, "filter", real_filter)
    assert RAN == []
    assert ScheduledRun.objects.filter(job="noting").count() == 1


def test_the_command_stops_on_sigterm(tmp_path):
    """`levelfield scheduler` as `./dev serve` runs it: a process of its own that ends, with
    status 0, when sent SIGTERM. (Its database here has no tables: each pass fails, is logged,
    and the loop goes on until the signal.)"""
    levelfield = Path(sys.executable).with_name("levelfield")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}"}
    process = subprocess.Popen(
        [str(levelfield), "scheduler"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        started = process.stdout.readline()
        assert started.startswith("Scheduler started (UK time): contracts at 06:00"), started
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, err
    assert out == "Scheduler stopped\n"
    assert "The scheduler stops (SIGTERM)" in err


# --- Frequent jobs ----------------------------------------------------------------------------


def slots() -> list[str]:
    return [
        f"{run.slot_start:%H:%M}"
        for run in FrequentRun.objects.filter(job="ticking").order_by("slot_start")
    ]


@pytest.mark.django_db
def test_a_frequent_job_is_queued_once_in_each_slot_of_its_interval():
    with at("2026-12-07 10:00"):
        assert scheduler.run_due([EVERY_5]) == ["ticking"]
    # the same slot, however many passes (the scheduler wakes every minute)
    for moment in ("2026-12-07 10:00:30", "2026-12-07 10:01", "2026-12-07 10:04:59"):
        with at(moment):
            assert scheduler.run_due([EVERY_5]) == []
    # the next slot starts at 10:05 exactly
    with at("2026-12-07 10:05"):
        assert scheduler.run_due([EVERY_5]) == ["ticking"]
    with at("2026-12-07 10:09"):
        assert scheduler.run_due([EVERY_5]) == []
    assert slots() == ["10:00", "10:05"]
    assert len(TICKS) == 2
    assert all(run.task_id for run in FrequentRun.objects.all())


@pytest.mark.django_db
def test_slots_are_counted_from_the_epoch_not_from_when_the_scheduler_started():
    """Started at 10:03, the first slot is 10:00-10:05: two schedulers started at different
    moments agree on the slots."""
    with at("2026-12-07 10:03"):
        assert scheduler.run_due([EVERY_5]) == ["ticking"]
    with at("2026-12-07 10:05"):
        assert scheduler.run_due([EVERY_5]) == ["ticking"]
    assert slots() == ["10:00", "10:05"]
    hourly = scheduler.FrequentJob(name="h", task=EVERY_5.task, every=60)
    assert hourly.slot_start(datetime(2026, 7, 1, 9, 59, tzinfo=UTC)) == datetime(
        2026, 7, 1, 9, 0, tzinfo=UTC
    )


@pytest.mark.django_db
def test_a_restarted_scheduler_queues_the_current_slot_once_and_not_those_missed():
    with at("2026-12-07 10:00"):
        scheduler.run_due([EVERY_5])
    # stopped at 10:02, started again at 11:31: one run for the 11:30 slot, not eighteen
    with at("2026-12-07 11:31"):
        assert scheduler.run_due([EVERY_5]) == ["ticking"]
    # and a second scheduler started in that slot (or the first, restarted again) queues nothing
    with at("2026-12-07 11:33"):
        assert scheduler.run_due([EVERY_5]) == []
    assert slots() == ["10:00", "11:30"]
    assert len(TICKS) == 2


@pytest.mark.django_db
def test_two_schedulers_in_the_same_slot_queue_a_frequent_job_once(monkeypatch):
    """The other scheduler claims the slot between this one's look and its insert: the unique
    (job, slot_start) refuses this one's claim and it queues nothing."""
    real_filter = FrequentRun.objects.filter

    class LookedTooSoon:
        def __init__(self, **lookup):
            self.lookup = lookup

        def exists(self):
            FrequentRun.objects.create(
                **self.lookup, started_at=datetime(2026, 12, 7, 10, tzinfo=UTC)
            )
            return False

    monkeypatch.setattr(FrequentRun.objects, "filter", lambda **lookup: LookedTooSoon(**lookup))
    with at("2026-12-07 10:01"):
        assert scheduler.run_due([EVERY_5]) == []
    monkeypatch.setattr(FrequentRun.objects, "filter", real_filter)
    assert TICKS == []
    assert slots() == ["10:00"]


@pytest.mark.django_db
def test_daily_and_frequent_jobs_share_a_pass_and_do_not_claim_for_each_other():
    with at("2026-12-07 06:00"):
        assert scheduler.run_due([JOB, EVERY_5]) == ["ticking", "noting"]
    with at("2026-12-07 06:05"):
        assert scheduler.run_due([JOB, EVERY_5]) == ["ticking"]
    assert RAN == [date(2026, 12, 7)] and len(TICKS) == 2
    assert ScheduledRun.objects.count() == 1 and FrequentRun.objects.count() == 2


@pytest.mark.django_db
def test_a_frequent_job_that_cannot_be_queued_keeps_no_claim(caplog):
    failing = scheduler.FrequentJob(name="failing", task=f"{__name__}.unqueueable", every=5)
    with at("2026-12-07 10:00"):
        assert scheduler.run_due([failing, EVERY_5]) == ["ticking"]
    assert not FrequentRun.objects.filter(job="failing").exists()
    assert "Could not queue the job failing" in caplog.text
    with at("2026-12-07 10:01"):
        scheduler.run_due([failing, EVERY_5])
    assert caplog.text.count("Could not queue the job failing") == 2


@pytest.mark.django_db
def test_claims_older_than_a_week_are_deleted_as_new_ones_are_made():
    with at("2026-11-30 09:55"):
        scheduler.run_due([EVERY_5])
    with at("2026-12-07 09:55"):
        scheduler.run_due([EVERY_5])
    assert len(slots()) == 2  # exactly a week old: kept
    with at("2026-12-07 10:00"):
        scheduler.run_due([EVERY_5])
    assert FrequentRun.objects.filter(job="ticking").count() == 2
    assert not FrequentRun.objects.filter(slot_start__lt=datetime(2026, 12, 1, tzinfo=UTC)).exists()


@pytest.mark.django_db
def test_the_command_queues_frequent_jobs_too(settings, capsys):
    settings.LEVELFIELD_DAILY_JOBS = []
    settings.LEVELFIELD_FREQUENT_JOBS = [
        {"name": "ticking", "task": f"{__name__}.note_the_moment", "every": 5}
    ]
    with at("2026-12-07 07:00"):
        call_command("scheduler", "--once")
        call_command("scheduler", "--once")
    with at("2026-12-07 07:05"):
        call_command("scheduler", "--once")
    assert capsys.readouterr().out == (
        "Queued ticking\nNothing due that is not queued\nQueued ticking\n"
    )
    assert len(TICKS) == 2
