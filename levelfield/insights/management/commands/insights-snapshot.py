"""`levelfield insights-snapshot`: bring the Parquet snapshot the insights read up to date."""

from django.core.management.base import BaseCommand, CommandError

from levelfield.insights import snapshot


class Command(BaseCommand):
    help = (
        "Write what changed in the published records, imported compiled releases and spend "
        "lines since the last snapshot into the Parquet snapshot (LEVELFIELD_INSIGHTS_DIR)"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--full", action="store_true", help="Write everything again, ignoring watermarks"
        )
        parser.add_argument(
            "--dir", help="Write into this folder instead of LEVELFIELD_INSIGHTS_DIR"
        )

    def handle(self, *args, full: bool = False, dir: str | None = None, **options):
        try:
            result = snapshot.write(dir, full=full)
        except (snapshot.SnapshotBusy, ValueError) as error:
            raise CommandError(str(error)) from error
        if not result.changed:
            self.stdout.write("Nothing changed since the last snapshot.")
            return
        taken = ", ".join(f"{count:,} from {name}" for name, count in result.keys.items())
        self.stdout.write(f"Processes and lines taken: {taken}")
        for name, count in result.rows.items():
            replaced = result.replaced[name]
            note = f" ({replaced:,} earlier rows replaced)" if replaced else ""
            self.stdout.write(f"{name}: {count:,} rows written{note}")
        self.stdout.write(
            f"{result.parts_written} parts written, {result.parts_removed} superseded."
        )
