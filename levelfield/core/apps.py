from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "levelfield.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        # Registers the check of LEVELFIELD_RATE_LIMITS.
        from . import ratelimits  # noqa: F401
