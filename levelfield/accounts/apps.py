from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "levelfield.accounts"
    label = "accounts"
    verbose_name = "People and organisations"
