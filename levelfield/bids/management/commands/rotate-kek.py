"""`levelfield rotate-kek`: wrap every tender's data key again under the current key-encryption
key (bids/sealing.py `rewrap_tender_keys`). Set the new key as LEVELFIELD_KEK and the old one in
LEVELFIELD_KEK_PREVIOUS, run this, then drop the old one (README, "Deploying")."""

from django.core.management.base import BaseCommand, CommandError

from levelfield.bids.sealing import rewrap_tender_keys
from levelfield.core.errors import DomainError


class Command(BaseCommand):
    help = "Wrap every tender's data key again under the current key-encryption key"

    def handle(self, *args, **options):
        try:
            done = rewrap_tender_keys()
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Wrapped {done} tender data keys under the current key-encryption key")
