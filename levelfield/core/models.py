from django.conf import settings
from django.db import models

from . import clock


class AuditEventQuerySet(models.QuerySet):
    def unsealed(self, at=None):
        """Events anyone entitled to the audit trail may see at `at` (now): not those an action
        sealed until a time still to come (a bid's events, until its tender's deadline)."""
        at = at or clock.now()
        return self.filter(models.Q(sealed_until__isnull=True) | models.Q(sealed_until__lte=at))

    def update(self, **kwargs):
        raise ValueError("The audit trail is append-only: an event is never changed")

    def delete(self):
        raise ValueError("The audit trail is append-only: an event is never removed")

    def bulk_create(self, objs, *args, **kwargs):
        raise ValueError("Audit events are recorded one at a time (audit.record), each then linked")

    def bulk_update(self, objs, *args, **kwargs):
        raise ValueError("The audit trail is append-only: an event is never changed")


class AuditEvent(models.Model):
    """One thing somebody did. Written by the action that did it, in the same transaction.

    `sealed_until`: an event that tells something of a sealed bid (who bids, on which lot, when)
    is sealed until the bid's deadline; the action recording it says so, and every place that
    shows events (the admin included) shows only `unsealed()` ones.

    Append-only and hash-chained (core/audit_chain.py): inserted unlinked, then linked once its
    transaction has committed: `seq` is its place in the chain, `prev_hash` the hash of the event
    before it there, `hash` its own over its fields and `prev_hash`. Saving an event again,
    deleting one and the queryset's update() and delete() are refused, and a database trigger
    refuses UPDATE and DELETE of the table (on SQLite, UPDATE: Django's test flush deletes rows)
    but for the linking: setting `seq`, `prev_hash` and `hash` where they are empty, nothing else.
    `levelfield verify-audit` walks the chain."""

    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
    )
    organisation_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80)
    object_id = models.CharField(max_length=64)
    summary = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)
    sealed_until = models.DateTimeField(null=True, blank=True, db_index=True)
    # Empty until linked (audit_chain.link_pending), then never changed.
    seq = models.BigIntegerField(null=True, unique=True, editable=False)
    prev_hash = models.CharField(max_length=64, null=True, editable=False)
    hash = models.CharField(max_length=64, null=True, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        constraints = [
            # One event follows each: the chain cannot fork, whatever inserts.
            models.UniqueConstraint(fields=["prev_hash"], name="audit_chain_one_next")
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"

    def save(self, **kwargs):
        """Insert a new event, unlinked (audit.record links it after its commit); an event saved
        once is never saved again."""
        if self.pk is not None or not self._state.adding:
            raise ValueError("The audit trail is append-only: an event is never changed")
        kwargs["force_insert"] = True
        super().save(**kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("The audit trail is append-only: an event is never removed")


class OutboundEmail(models.Model):
    """An email waiting for the worker. The task that sends it carries only this row's id, and
    the row is deleted once the email is sent, so neither the task queue (shown in the admin)
    nor this table keeps who was written to about what. Not shown in the admin. An email the
    mail server refuses is tried again later (`attempts` counts the failures) and forgotten
    once every try has failed (see `notify.RETRY_AFTER`)."""

    to = models.JSONField(default=list)
    subject = models.TextField()
    body = models.TextField()
    created_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)


class ScheduledRun(models.Model):
    """A daily job's run for one day, so that each runs once a day however many schedulers are
    running (core/scheduler.py): the row is the claim."""

    job = models.CharField(max_length=100)
    day = models.DateField()
    started_at = models.DateTimeField()
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-day", "job"]
        constraints = [models.UniqueConstraint(fields=["job", "day"], name="scheduled_once_a_day")]


class FrequentRun(models.Model):
    """A frequent job's run for one slot of its interval (the slot starting at `slot_start`,
    slots counted from the Unix epoch), so that each is queued once a slot however many
    schedulers are running (core/scheduler.py): the row is the claim. Rows older than a week
    are deleted as new ones are claimed."""

    job = models.CharField(max_length=100)
    slot_start = models.DateTimeField()
    started_at = models.DateTimeField()
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-slot_start", "job"]
        constraints = [
            models.UniqueConstraint(fields=["job", "slot_start"], name="scheduled_once_a_slot")
        ]


class EmailSentOnce(models.Model):
    """An email that goes once: `kind` and `key` name what it was about (a bid's reminder 24
    hours before its deadline: the bid and the deadline), and the unique row is the claim, so
    two runs at once send it once (`notify.email_once`). Says to whom only through the key's
    object, never an address."""

    kind = models.CharField(max_length=60)
    key = models.CharField(max_length=200)
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="email_sent_once")]


class Heartbeat(models.Model):
    """When a background process last showed it was alive: the task worker's row ("worker") is
    written by the heartbeat task the scheduler queues every minute (core/health.py), so a fresh
    one says both the scheduler and a worker run; `/readyz` is not ready once it is older than
    settings.LEVELFIELD_HEALTH_WORKER_MAX_AGE."""

    name = models.CharField(max_length=40, unique=True)
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} {self.beat_at:%Y-%m-%d %H:%M:%S}"
