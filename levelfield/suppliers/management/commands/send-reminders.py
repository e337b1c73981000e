"""`levelfield send-reminders`: queue the daily reminders to suppliers, today the emails before
a certificate (insurance, Cyber Essentials, ISO, ...) expires, 30 and 7 days ahead.

The scheduler (`levelfield scheduler`, which `./dev serve` runs; no cron) queues it daily at
06:30 UK time (settings.LEVELFIELD_DAILY_JOBS); this command queues it once by hand, and the
background worker (`levelfield db_worker`) sends the emails. Running it more than once a day,
or again after a missed day, is harmless: each certificate gets at most one
reminder per threshold (and expiry date), recorded before its email is queued.
"""

from django.core.management.base import BaseCommand

from levelfield.suppliers.tasks import send_certificate_reminders


class Command(BaseCommand):
    help = "Queue the daily reminders to suppliers whose certificates expire soon."

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            action="store_true",
            help="Send the reminders in this process instead of queueing them for the worker.",
        )

    def handle(self, *args, now: bool = False, **options):
        if now:
            summary = send_certificate_reminders.call()
            self.stdout.write(f"Queued {summary['reminders']} certificate reminder email(s).")
            return
        result = send_certificate_reminders.enqueue()
        self.stdout.write(f"Queued the certificate reminders (task {result.id}).")
