"""The audit events already recorded about a bid (started, saved, attachments, submitted,
withdrawn, subcontractors) are sealed until the bid's tender's submission deadline, as the bid
actions now record them."""

from django.db import migrations
from django.db.models import CharField, OuterRef, Subquery
from django.db.models.functions import Cast


def seal(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    Bid = apps.get_model("bids", "Bid")
    deadline = Bid.objects.annotate(key=Cast("pk", CharField())).filter(
        key=OuterRef("object_id")
    )
    AuditEvent.objects.filter(object_type="bids.bid").update(
        sealed_until=Subquery(deadline.values("lot__tender__submission_deadline")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("bids", "0002_bid_by_sme_by_vcse"),
        ("core", "0002_auditevent_sealed_until"),
    ]

    operations = [migrations.RunPython(seal, migrations.RunPython.noop)]
