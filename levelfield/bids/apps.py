from django.apps import AppConfig


class BidsConfig(AppConfig):
    name = "levelfield.bids"
    label = "bids"
    verbose_name = "Bids"
