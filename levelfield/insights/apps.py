from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "levelfield.insights"
    label = "insights"
    verbose_name = "Spend and fairness insights"
