from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "levelfield.contracts"
    label = "contracts"
    verbose_name = "Awards and contracts"
