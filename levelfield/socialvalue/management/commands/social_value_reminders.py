"""`levelfield social_value_reminders`: queue today's social value reminders now, by hand (the
scheduler, `levelfield scheduler`, queues them daily); `--now` sends them in this process
instead."""

from django.core.management.base import BaseCommand

from levelfield.socialvalue import actions
from levelfield.socialvalue.tasks import send_reminders


class Command(BaseCommand):
    help = "Queue (or with --now, send) the daily social value reminders"

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="Send them now, not via the queue")

    def handle(self, *args, now: bool = False, **options):
        if now:
            sent = actions.send_reminders()
            self.stdout.write(
                f"Sent {sent['supplier_reminders']} supplier and {sent['buyer_reminders']} buyer "
                "reminders"
            )
            return
        result = send_reminders.enqueue()
        self.stdout.write(f"Queued the social value reminders (task {result.id})")
