from django.apps import AppConfig


class TendersConfig(AppConfig):
    name = "levelfield.tenders"
    label = "tenders"
    verbose_name = "Tenders"
