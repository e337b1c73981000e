from django.apps import AppConfig


class ResilienceConfig(AppConfig):
    name = "levelfield.resilience"
    label = "resilience"
    verbose_name = "Supplier resilience"
