"""Tenders reserved for SMEs and VCSEs are suitable for both (tenders.actions sets it from now
on): set it on those saved before, so that the search's SME and VCSE filters find them, and
start a new search generation so that no cached search misses them. Their published notices
already say who they are reserved for."""

import uuid

from django.db import migrations


def suitable(apps, schema_editor):
    Tender = apps.get_model("tenders", "Tender")
    changed = Tender.objects.filter(reserved_participation="smeVcse").exclude(
        suitable_for_sme=True, suitable_for_vcse=True
    )
    if changed.update(suitable_for_sme=True, suitable_for_vcse=True):
        SearchGeneration = apps.get_model("tenders", "SearchGeneration")
        SearchGeneration.objects.filter(pk=1).update(token=uuid.uuid4().hex)


class Migration(migrations.Migration):
    dependencies = [("tenders", "0008_barrier_decision_finding")]

    operations = [migrations.RunPython(suitable, migrations.RunPython.noop)]
