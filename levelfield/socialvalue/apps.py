from django.apps import AppConfig


class SocialvalueConfig(AppConfig):
    name = "levelfield.socialvalue"
    label = "socialvalue"
