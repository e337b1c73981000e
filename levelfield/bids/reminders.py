"""Reminders before a submission deadline, to a supplier whose bid is not submitted (issue 14).

A bid that is complete but not submitted (a draft, or a bid withdrawn and not submitted again)
is flagged to the people who can submit it 24 hours and 2 hours before the deadline: a bid
never submitted is never seen by the buyer, and a bidder who believes it has submitted finds out
in time. A bid that is not complete gets a reminder of its own, saying what is missing, at the
same moments: a different email, sent once in its own right.

Each reminder goes once per bid, threshold and deadline (`core.notify.email_once`, keyed by the
bid and the deadline): a second run, or two workers at once, send nothing more; a bid submitted
after the 24-hour reminder is not reminded again; a deadline extended after a reminder makes a
new window, and the reminder for it is sent again. Within the last 2 hours only the 2-hour
reminder goes (a bid started, or finished, that late is not sent both).

`send_deadline_reminders` is a frequent job (settings.LEVELFIELD_FREQUENT_JOBS): the scheduler
queues it every few minutes and the task worker runs it. No audit event is recorded: the email
is the platform's, not anybody's action, and the send-once row records that it went.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django_tasks import task

from levelfield.core import clock
from levelfield.core.display import closes_in, uk_time
from levelfield.core.notify import email_once
from levelfield.core.ocds import absolute_url
from levelfield.suppliers import selectors as supplier_selectors

from .models import Bid, BidStatus
from .unsubmitted import closing_within, problems_of


@dataclass(frozen=True)
class Threshold:
    code: str  # part of the send-once kind
    before: timedelta  # sent once the deadline is this near, or nearer
    words: str


# Largest first: a bid is reminded at the nearest threshold it is within.
THRESHOLDS = (
    Threshold("24h", timedelta(hours=24), "24 hours"),
    Threshold("2h", timedelta(hours=2), "2 hours"),
)


def threshold_for(remaining: timedelta) -> Threshold | None:
    """The nearest threshold a deadline `remaining` away is within (exactly 24 hours is within
    the 24-hour one, exactly 2 hours within the 2-hour one); None further away or once past."""
    if remaining <= timedelta(0):
        return None
    within = [t for t in THRESHOLDS if remaining <= t.before]
    return within[-1] if within else None


def send_due(now: datetime | None = None) -> dict[str, int]:
    """Send each reminder due at `now` (the clock by default) not sent before. Returns how many
    of each kind went (task results must be JSON)."""
    now = now or clock.now()
    sent = {"complete": 0, "incomplete": 0}
    for bid in closing_within(now + THRESHOLDS[0].before, now=now):
        deadline = bid.lot.tender.submission_deadline
        assert deadline is not None  # closing_within finds only bids whose deadline is near
        threshold = threshold_for(deadline - now)
        if threshold is None:
            continue
        problems = problems_of(bid, now)
        state = "incomplete" if problems else "complete"
        if email_once(
            kind=f"bid.{state}_not_submitted.{threshold.code}",
            key=f"bid:{bid.pk}:deadline:{deadline.isoformat()}",
            to=supplier_selectors.submitter_emails(bid.supplier),
            **_email(bid, problems=problems, remaining=deadline - now),
        ):
            sent[state] += 1
    return sent


def _bid_url(bid: Bid) -> str:
    url = absolute_url("bids:edit", bid.lot_id)
    if supplier_selectors.is_consortium(bid.supplier):
        # The consortium's bid, as the lead's people open it (bids/views.py `_bidder`).
        url += f"?for={bid.supplier_id}"
    return url


def _email(bid: Bid, *, problems: list[str], remaining: timedelta) -> dict[str, str]:
    tender = bid.lot.tender
    deadline = f"{uk_time(tender.submission_deadline)} ({closes_in(remaining)})"
    about = (
        f"your bid as {bid.supplier.name} for {tender.title} ({tender.reference}), "
        f"lot {bid.lot.number}: {bid.lot.title}"
    )
    withdrawn = bid.status == BidStatus.WITHDRAWN
    if problems:
        missing = "\n".join(f"- {problem}" for problem in problems)
        return {
            "subject": f"Your bid is not complete: {tender.reference} lot {bid.lot.number}",
            "body": f"The submission deadline for {about} is {deadline}.\n\n"
            f"Your bid is not complete{', and you withdrew it' if withdrawn else ''}. "
            f"Before you can submit it:\n{missing}\n\n"
            "A bid not submitted by the deadline is not considered.\n\n"
            f"Your bid: {_bid_url(bid)}\n",
        }
    state = (
        "You withdrew your bid and have not submitted it again"
        if withdrawn
        else "Your bid is complete but has not been submitted"
    )
    return {
        "subject": f"Your bid is not submitted: {tender.reference} lot {bid.lot.number}",
        "body": f"The submission deadline for {about} is {deadline}.\n\n"
        f"{state}. The buyer will not see it, and it will not be considered, unless you "
        "submit it before the deadline. Saving a draft does not submit it.\n\n"
        f"Submit your bid: {_bid_url(bid)}\n",
    }


@task()
def send_deadline_reminders() -> dict[str, int]:
    """The frequent job: every reminder now due (see the module's docstring)."""
    return send_due()
