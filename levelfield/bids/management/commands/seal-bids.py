"""`levelfield seal-bids`: seal at rest what bids of unopened tenders still hold in the clear
(saved before sealing existed; bids/sealing.py). Run once after upgrading; safe to run again."""

from django.core.management.base import BaseCommand

from levelfield.bids.sealing import seal_unopened_bids


class Command(BaseCommand):
    help = "Seal at rest the bids of tenders whose bids have not been opened"

    def handle(self, *args, **options):
        done = seal_unopened_bids()
        counts = ", ".join(f"{n} {name}" for name, n in done.items()) or "nothing"
        self.stdout.write(f"Sealed {counts}")
