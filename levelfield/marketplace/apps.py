from django.apps import AppConfig


class MarketplaceConfig(AppConfig):
    name = "levelfield.marketplace"
    label = "marketplace"
    verbose_name = "Catalogue marketplace"

    def ready(self) -> None:
        # A call-off's published contract names the framework it was called off as a related
        # process; contracts asks the providers registered with it (it imports no marketplace).
        from levelfield.contracts import ocds as contract_ocds

        from . import ocds

        contract_ocds.register_related_processes(ocds.related_processes)
