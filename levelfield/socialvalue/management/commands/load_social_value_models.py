"""`levelfield load_social_value_models [FILE ...]`: load social value model files. Without files,
the models levelfield ships (PPN 06/20 and PPN 002; the data migration loads them too). Loading
a file again changes nothing; a changed file needs a new version."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from levelfield.core.errors import DomainError
from levelfield.socialvalue import actions


class Command(BaseCommand):
    help = "Load social value model files (default: the shipped PPN 06/20 and PPN 002 models)"

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="Model files (JSON)")

    def handle(self, *args, files=(), **options):
        try:
            if files:
                results = [actions.load_model(raw=Path(f).read_bytes()) for f in files]
            else:
                results = actions.load_shipped_models()
        except (DomainError, OSError) as exc:
            details = "\n".join(getattr(exc, "details", []) or [])
            raise CommandError(f"{exc}\n{details}".strip()) from exc
        for model, created in results:
            self.stdout.write(f"{'Loaded' if created else 'Already loaded'}: {model}")
