"""The daily contract task, queued once a day by the scheduler: it runs every job as of that
day, one failing job does not stop the others, and its result (JSON) counts what each did."""

import importlib
import json
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core import mail
from django_tasks import TaskResultStatus

from levelfield.contracts import tasks
from levelfield.contracts.lifecycle import ContractStatus
from levelfield.contracts.models import Contract
from levelfield.core import clock, scheduler
from tests.support import testing

pytestmark = pytest.mark.django_db

NAMES = [name for name, _, _ in tasks.DAILY_JOBS]


def test_every_job_runs_as_of_the_day_and_one_failing_does_not_stop_the_others(monkeypatch):
    calls = []

    def recorder(name, count):
        def job(**given):
            calls.append((name, given))
            if name == "remind_overdue":
                raise RuntimeError("the checklist table is away")
            return count

        return job

    for n, (name, path, _) in enumerate(tasks.DAILY_JOBS):
        module, function = path.rsplit(".", 1)
        monkeypatch.setattr(importlib.import_module(module), function, recorder(name, n))

    # 00:30 UTC on 1 July is 01:30 in the UK: the UK day is the 1st
    moment = datetime(2026, 7, 1, 0, 30, tzinfo=UTC)
    with clock.frozen_at(moment):
        result = tasks.daily_contract_jobs.enqueue()

    assert result.status == TaskResultStatus.SUCCESSFUL
    assert [name for name, _ in calls] == NAMES
    day = date(2026, 7, 1)
    assert dict(calls) == {
        "expire_ended": {"today": day},
        "make_changes_after_standstill": {"now": moment},
        "remind_overdue": {"today": day},
        "remind_reports_due": {"today": day},
        "remind_assessments_due": {"today": day},
        "remind_invoices_due": {"today": day},
        "publish_due_notices": {"today": day},
    }
    assert result.return_value == {
        "day": "2026-07-01",
        "counts": {
            "expire_ended": 0,
            "make_changes_after_standstill": 1,
            "remind_reports_due": 3,
            "remind_assessments_due": 4,
            "remind_invoices_due": 5,
            "publish_due_notices": 6,
        },
        "failures": {"remind_overdue": "RuntimeError: the checklist table is away"},
    }
    assert json.loads(json.dumps(result.return_value)) == result.return_value


def test_a_job_missing_is_a_failure_not_a_crash(monkeypatch):
    monkeypatch.setattr(
        tasks,
        "DAILY_JOBS",
        [
            ("gone", "levelfield.contracts.actions.nowhere.run", "today"),
            *tasks.DAILY_JOBS,
        ],
    )
    result = tasks.run_daily_jobs()
    assert list(result["failures"]) == ["gone"]
    assert list(result["counts"]) == NAMES


def test_every_job_exists_and_runs_on_no_contracts():
    result = tasks.daily_contract_jobs.enqueue()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value["failures"] == {}
    assert result.return_value["counts"] == dict.fromkeys(NAMES, 0)


def test_a_live_contract_past_its_end_expires_once_when_the_scheduler_queues_the_day(
    django_capture_on_commit_callbacks,
):
    signed = testing.signed_contract()
    contract = signed.contract
    Contract.objects.filter(pk=contract.pk).update(status=ContractStatus.LIVE)
    contract.refresh_from_db()
    day_after = contract.end_date + timedelta(days=1)
    job = next(job for job in scheduler.daily_jobs() if job.name == "contracts")

    # 06:30 UK time on the day after its end date, and again at 06:45
    with clock.frozen_at(datetime.combine(day_after, time(6, 30), tzinfo=clock.UK)):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            assert scheduler.run_due([job]) == ["contracts"]
    with clock.frozen_at(datetime.combine(day_after, time(6, 45), tzinfo=clock.UK)):
        assert scheduler.run_due([job]) == []
    contract.refresh_from_db()
    assert contract.status == ContractStatus.EXPIRED
    subjects = [message.subject for message in mail.outbox]
    assert f"{contract.reference}: contract expired, complete it" in subjects

    # run again the same day (by hand): nothing expires twice, no reminder twice
    with clock.frozen_at(datetime.combine(day_after, time(9, 0), tzinfo=clock.UK)):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            again = tasks.daily_contract_jobs.enqueue()
    assert again.return_value["counts"]["expire_ended"] == 0
    assert again.return_value["failures"] == {}
    assert f"{contract.reference}: contract expired, complete it" not in [
        message.subject for message in mail.outbox
    ]
