from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "levelfield.core"
    label = "core"
    verbose_name = "Core"
