from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "levelfield.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        from django_tasks.signals import task_finished, task_started

        # Registers the check of LEVELFIELD_RATE_LIMITS.
        from . import malware, ratelimits  # noqa: F401

        # Audits the malware found by each task the worker runs (core/malware.py).
        task_started.connect(malware.task_started, dispatch_uid="malware.task_started")
        task_finished.connect(malware.task_finished, dispatch_uid="malware.task_finished")
