"""An audit event may be sealed until a time: the events of a sealed bid are not shown before its
deadline. The apps whose events these are fill the column for events already recorded (bids and
social value, in their own migrations)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="sealed_until",
            field=models.DateTimeField(blank=True, db_index=True, null=True),
        ),
    ]
