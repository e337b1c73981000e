from django.apps import AppConfig


class SuppliersConfig(AppConfig):
    name = "levelfield.suppliers"
    label = "suppliers"
    verbose_name = "Suppliers"
