from django.apps import AppConfig


class CorrespondenceConfig(AppConfig):
    name = "levelfield.correspondence"
    label = "correspondence"
    verbose_name = "Correspondence with bidders"
