"""Who bid, as the bid statistics count it, kept on the bid when it is submitted. Bids submitted
before this migration take their bidder's profile as it is now: the nearest there is to what it
was."""

from django.db import migrations, models


def from_profiles(apps, schema_editor):
    Bid = apps.get_model("bids", "Bid")
    SupplierProfile = apps.get_model("suppliers", "SupplierProfile")
    profiles = SupplierProfile.objects.filter(
        organisation_id__in=Bid.objects.filter(submitted_at__isnull=False).values("supplier_id")
    )
    for profile in profiles.only("organisation_id", "size", "is_vcse"):
        Bid.objects.filter(supplier_id=profile.organisation_id, submitted_at__isnull=False).update(
            by_sme=profile.size != "large", by_vcse=profile.is_vcse
        )


class Migration(migrations.Migration):
    dependencies = [
        ("bids", "0001_initial"),
        ("suppliers", "0003_consortium_membership_ends"),
    ]

    operations = [
        migrations.AddField(
            model_name="bid",
            name="by_sme",
            field=models.BooleanField(default=False, verbose_name="by an SME"),
        ),
        migrations.AddField(
            model_name="bid",
            name="by_vcse",
            field=models.BooleanField(default=False, verbose_name="by a VCSE"),
        ),
        migrations.RunPython(from_profiles, migrations.RunPython.noop),
    ]
