"""`levelfield import-financial-readings PATH --by EMAIL`: import suppliers' financial readings
from a CSV file as a member of the resilience team (all or nothing; bad rows listed by line)."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError

from levelfield.core import malware
from levelfield.core.errors import DomainError
from levelfield.resilience.financial_import import import_financial_readings


class Command(BaseCommand):
    help = "Import suppliers' financial readings from a CSV file (all rows or none)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--by", required=True, help="Email of the resilience team member importing"
        )

    def handle(self, *args, path: Path, by: str, **options):
        user = get_user_model().objects.filter(email__iexact=by.strip()).first()
        if user is None:
            raise CommandError(f"No user with email {by}")
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
        upload = SimpleUploadedFile(path.name, raw, content_type="text/csv")
        try:
            # A file refused as malware is audited as sent by the member named (core/malware.py)
            with malware.findings_audited(by=user):
                readings = import_financial_readings(upload=upload, by=user)
        except DomainError as exc:
            for detail in exc.details:
                self.stderr.write(detail)
            raise CommandError(exc.message) from exc
        breaches = sum(1 for reading in readings if hasattr(reading, "breach"))
        self.stdout.write(f"Imported {len(readings)} readings; {breaches} breaches raised")
