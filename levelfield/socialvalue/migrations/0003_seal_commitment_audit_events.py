"""The audit events already recorded about a bid's social value commitments are sealed until the
bid's tender's submission deadline, as the commitment actions now record them. A commitment
since removed is found through the bid its events name (its added and removed events do)."""

from django.db import migrations


def seal(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    Bid = apps.get_model("bids", "Bid")
    Commitment = apps.get_model("socialvalue", "Commitment")
    events = AuditEvent.objects.filter(object_type="socialvalue.commitment")
    bid_of = dict(Commitment.objects.values_list("pk", "bid_id"))
    for object_id, data in events.values_list("object_id", "data"):
        if isinstance(data, dict) and data.get("bid") and object_id.isdigit():
            bid_of.setdefault(int(object_id), data["bid"])
    deadlines = dict(
        Bid.objects.filter(pk__in=set(bid_of.values())).values_list(
            "pk", "lot__tender__submission_deadline"
        )
    )
    for commitment_id, bid_id in bid_of.items():
        if deadlines.get(bid_id):
            events.filter(object_id=str(commitment_id)).update(sealed_until=deadlines[bid_id])


class Migration(migrations.Migration):
    dependencies = [
        ("socialvalue", "0002_shipped_models"),
        ("bids", "0003_seal_bid_audit_events"),
    ]

    operations = [migrations.RunPython(seal, migrations.RunPython.noop)]
