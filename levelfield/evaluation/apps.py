from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "levelfield.evaluation"
    label = "evaluation"
    verbose_name = "Evaluation"
