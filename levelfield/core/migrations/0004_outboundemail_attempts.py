"""An email the mail server refuses is tried again later: its failures are counted."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("core", "0003_outboundemail")]

    operations = [
        migrations.AddField(
            model_name="outboundemail",
            name="attempts",
            field=models.PositiveSmallIntegerField(default=0),
        ),
    ]
