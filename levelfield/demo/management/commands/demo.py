"""`levelfield demo`: load a demo council, suppliers and procurements, then print the logins."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from levelfield.core.errors import DomainError
from levelfield.demo.data import BUYER_NAME, load_demo, logins


class Command(BaseCommand):
    help = (
        f"Load demo data ({BUYER_NAME}, its staff, six suppliers, three procurements: open, "
        "in evaluation, awarded with a year of contract management; and a contract let "
        "elsewhere; and supplier resilience: a second council, a strategic supplier and its "
        "group, its living will and a failure scenario) through the action functions, then "
        "print the logins. "
        "If the demo is already loaded, only print the logins."
    )

    def handle(self, *args, **options):
        try:
            created = load_demo()
        except DomainError as exc:
            raise CommandError(f"The demo could not be loaded: {exc.message}") from exc
        if created:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Loaded the demo: {BUYER_NAME}, six suppliers, three tenders (open for "
                    "bids, in evaluation, contract live for a year) and a contract let "
                    "elsewhere; and supplier resilience: a second council, a strategic supplier "
                    "with its living will, and a failure scenario."
                )
            )
        else:
            self.stdout.write(f"The demo is already loaded ({BUYER_NAME} exists); nothing changed.")
        self.stdout.write("")
        self.stdout.write(self._table())
        self.stdout.write("")
        self.stdout.write(f"Sign in at {settings.SITE_URL}")

    def _table(self) -> str:
        header = ("Role", "Organisation", "Email", "Password")
        rows = [(r.role, r.organisation, r.email, r.password) for r in logins()]
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

        def line(cells) -> str:
            return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

        rule = "  ".join("-" * width for width in widths)
        return "\n".join([line(header), rule, *(line(row) for row in rows)]).rstrip()
