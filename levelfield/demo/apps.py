from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "levelfield.demo"
    label = "demo"
    verbose_name = "Demo data"
