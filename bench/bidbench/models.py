"""The bare view's table (bench/bidbench/urls.py): one row per POST. Made by `migrate
--run-syncdb` (no migrations: this app exists only in the benchmark's settings)."""

from django.db import models


class BareBid(models.Model):
    client = models.PositiveIntegerField()
    number = models.PositiveIntegerField()
    price = models.DecimalField(max_digits=14, decimal_places=2)
    answers = models.JSONField()
    received_at = models.DateTimeField()

    class Meta:
        app_label = "bidbench"
