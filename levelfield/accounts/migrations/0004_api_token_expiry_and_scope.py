"""API tokens gain an expiry and a scope. Tokens made before this migration keep working as
they did (read and write) for 90 days from it, then expire like any other."""

from datetime import timedelta

from django.db import migrations, models
from django.utils import timezone


def ninety_days_from_now():
    """The expiry the tokens already made are given: the column is added with this value for
    every existing row (worked out once, as the migration runs), and no default after."""
    return timezone.now() + timedelta(days=90)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_accounts_email_verified"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="scope",
            field=models.CharField(
                choices=[("read", "Read only"), ("read_write", "Read and write")],
                default="read_write",
                max_length=10,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(default=ninety_days_from_now),
            preserve_default=False,
        ),
        migrations.AddConstraint(
            model_name="apitoken",
            constraint=models.CheckConstraint(
                condition=models.Q(("scope__in", ["read", "read_write"])),
                name="api_token_scope_known",
            ),
        ),
        migrations.AddConstraint(
            model_name="apitoken",
            constraint=models.CheckConstraint(
                condition=models.Q(("expires_at__gt", models.F("created_at"))),
                name="api_token_expires_after_created",
            ),
        ),
    ]
