"""Audit events, recorded by actions inside their own transaction."""

import logging

from django.db import connection, transaction

from . import audit_chain, clock
from .models import AuditEvent

log = logging.getLogger(__name__)


def record(
    *,
    action: str,
    obj,
    actor=None,
    organisation=None,
    summary: str = "",
    sealed_until=None,
    **data,
) -> AuditEvent:
    """Record an event. `sealed_until`: the time before which the event must not be shown to
    anyone (a sealed bid's deadline), when the event reveals something of a sealed bid.

    The event is inserted unlinked, its content fixed, and takes no lock: record it wherever in
    the action it reads best. Once this transaction commits, the event is linked into the audit
    trail's hash chain (core/audit_chain.py) in a short transaction of its own; if that fails the
    action has still succeeded, the failure is logged, and the frequent job `audit_link` links
    it within a minute or two."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit.record must run inside the action's transaction")
    event = AuditEvent.objects.create(
        at=clock.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        organisation_id=getattr(organisation, "pk", None),
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        summary=summary[:300],
        data=data,
        sealed_until=sealed_until,
    )
    transaction.on_commit(link_after_commit)
    return event


def link_after_commit() -> None:
    """Link the events committed and not yet linked, ours among them; never raises (the action
    it follows has committed: its user must not see an error for this)."""
    try:
        audit_chain.link_pending(AuditEvent)
    except Exception:
        log.exception("Could not link audit events into the chain; the audit_link job will")


def events_for(obj):
    return (
        AuditEvent.objects.unsealed()
        .filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .select_related("actor")
    )
