"""`levelfield send-alerts`: queue the daily digest of new opportunities for saved searches.

The scheduler (`levelfield scheduler`, which `./dev serve` runs; no cron) queues it daily at
07:00 UK time (settings.LEVELFIELD_DAILY_JOBS); this command queues it once by hand, and the
background worker (`levelfield db_worker`) sends the emails. Running it twice in a day is
harmless: each opportunity is sent to each person at most once, and a search that
has nothing new since its last digest sends nothing.
"""

from django.core.management.base import BaseCommand

from levelfield.alerts.tasks import send_daily_digests


class Command(BaseCommand):
    help = "Queue the daily email digest of new opportunities matching saved searches."

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            action="store_true",
            help="Send the digests in this process instead of queueing them for the worker.",
        )

    def handle(self, *args, now: bool = False, **options):
        if now:
            summary = send_daily_digests.call()
            self.stdout.write(
                f"Sent {summary['emails']} digest email(s) to {summary['people']} "
                f"person(s) with saved searches; {summary['failed']} failed."
            )
            return
        result = send_daily_digests.enqueue()
        self.stdout.write(f"Queued the alerts digest (task {result.id}).")
