"""Background work for contract management: the daily job.

`daily_contract_jobs` is queued once a day by the scheduler (settings.LEVELFIELD_DAILY_JOBS,
`levelfield scheduler`, which `./dev serve` runs; no cron) and run by the task worker. Each job
is idempotent for the day (reminders go once, a notice is published once, a contract expires
once), so a second run sends and changes nothing new.
"""

import logging

from django.utils.module_loading import import_string
from django_tasks import task

from levelfield.core import clock

log = logging.getLogger(__name__)

# (name in the result, dotted path, the keyword it is given: "today" the UK date, "now" the
# moment). Imported when the task runs, so the actions load only in the worker.
DAILY_JOBS = [
    ("expire_ended", "levelfield.contracts.actions.ending.expire_ended", "today"),
    (
        "make_changes_after_standstill",
        "levelfield.contracts.actions.changes.make_changes_after_standstill",
        "now",
    ),
    ("remind_overdue", "levelfield.contracts.actions.checklists.remind_overdue", "today"),
    ("remind_reports_due", "levelfield.contracts.actions.kpis.remind_reports_due", "today"),
    (
        "remind_assessments_due",
        "levelfield.contracts.actions.performance.remind_assessments_due",
        "today",
    ),
    ("remind_invoices_due", "levelfield.contracts.actions.payments.remind_invoices_due", "today"),
    ("publish_due_notices", "levelfield.contracts.actions.payments.publish_due_notices", "today"),
]


def _json_safe(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dict):
        return {str(key): _json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(item) for item in value]
    return str(value)


def run_daily_jobs() -> dict:
    """Run every daily contract job as of now; one that fails is logged and the others still
    run. Returns the day, each job's count and each failure's error, all JSON."""
    now = clock.now()
    given = {"now": now, "today": now.astimezone(clock.UK).date()}
    counts: dict = {}
    failures: dict = {}
    for name, path, keyword in DAILY_JOBS:
        try:
            job = import_string(path)
            counts[name] = _json_safe(job(**{keyword: given[keyword]}))
        except Exception as exc:
            log.exception("The daily contract job %s failed", name)
            failures[name] = f"{type(exc).__name__}: {exc}"
    return {"day": given["today"].isoformat(), "counts": counts, "failures": failures}


@task()
def daily_contract_jobs() -> dict:
    """Contracts that ended expire, changes past their standstill are made, reminders go
    (checklist items overdue, KPI reports, assessments, invoices near 30 days) and the payments
    notices due (UK8, UK17) are published. Returns counts and failures (task results are
    JSON)."""
    return run_daily_jobs()
