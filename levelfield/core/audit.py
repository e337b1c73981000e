"""Audit events, recorded by actions inside their own transaction."""

from django.db import connection

from . import clock
from .models import AuditEvent


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

    Saving links the event into the audit trail's hash chain (core/audit_chain.py; on
    PostgreSQL under a lock held until this transaction ends): record it near the end of the
    action, once the rows it changes are locked."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit.record must run inside the action's transaction")
    return AuditEvent.objects.create(
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


def events_for(obj):
    return AuditEvent.objects.unsealed().filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).select_related("actor")
