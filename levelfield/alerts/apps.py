from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "levelfield.alerts"
    label = "alerts"
