"""Emails are queued by reference: the task carries an `OutboundEmail` id. The email tasks already
in the queue carried the whole email (an invitation's link, a bid receipt's recipient): those not
yet run become outbound emails sent as before; those run keep no arguments."""

from django.db import migrations, models
from django.utils import timezone

SEND_EMAIL = "levelfield.core.notify.send_email"


def by_reference(apps, schema_editor):
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    OutboundEmail = apps.get_model("core", "OutboundEmail")
    for result in DBTaskResult.objects.filter(task_path=SEND_EMAIL):
        kwargs = (result.args_kwargs or {}).get("kwargs") or {}
        reference = {}
        if result.status == "READY" and "to" in kwargs:
            email = OutboundEmail.objects.create(
                to=list(kwargs["to"]),
                subject=kwargs.get("subject", ""),
                body=kwargs.get("body", ""),
                created_at=timezone.now(),
            )
            reference = {"email_id": email.pk}
        elif "email_id" in kwargs:
            continue
        result.args_kwargs = {"args": [], "kwargs": reference}
        result.return_value = None
        result.save(update_fields=["args_kwargs", "return_value"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_auditevent_sealed_until"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [
        migrations.CreateModel(
            name="OutboundEmail",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("to", models.JSONField(default=list)),
                ("subject", models.TextField()),
                ("body", models.TextField()),
                ("created_at", models.DateTimeField()),
            ],
        ),
        migrations.RunPython(by_reference, migrations.RunPython.noop),
    ]
