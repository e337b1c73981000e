from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "levelfield.reviews"
    label = "reviews"
    verbose_name = "Procurement review service"
