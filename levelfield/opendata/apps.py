from django.apps import AppConfig


class OpendataConfig(AppConfig):
    name = "levelfield.opendata"
    label = "opendata"
    verbose_name = "Open contracting data"
