from django.apps import AppConfig


class MarketplaceConfig(AppConfig):
    name = "levelfield.marketplace"
    label = "marketplace"
    verbose_name = "Catalogue marketplace"
