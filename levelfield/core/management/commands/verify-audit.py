"""`levelfield verify-audit`: link the events committed and not yet linked, then walk the audit
trail's hash chain (core/audit_chain.py) in its order and report the first broken link: an event
changed, removed or moved. Exits non-zero when the chain is broken, or when events had been left
unlinked for more than a minute (the linking after each action and the frequent job `audit_link`
are not running: found before this run links them); prints a summary, with the head hash (the
last linked event's) to keep elsewhere, when it is intact.

Removing the newest events all together leaves a shorter chain that still checks out: note the
head hash it prints (in a ticket, an email, another system) and pass it later with `--head`, which
fails if that event is no longer in the chain."""

from django.core.management.base import BaseCommand, CommandError

from levelfield.core import audit_chain
from levelfield.core.models import AuditEvent


class Command(BaseCommand):
    help = "Check that the audit trail's hash chain is unbroken; report the first broken link."

    def add_arguments(self, parser):
        parser.add_argument(
            "--head",
            action="append",
            default=[],
            metavar="HASH",
            help="A head hash printed by an earlier run: fail unless it is still in the chain "
            "(catches the newest events removed). May be given more than once.",
        )
        parser.add_argument(
            "--chunk", type=int, default=5000, help="Events read at a time (default 5000)."
        )

    def handle(self, *args, head: list[str], chunk: int, **options):
        waiting, oldest = audit_chain.unlinked(AuditEvent)
        audit_chain.link_pending(AuditEvent)
        result = audit_chain.verify(AuditEvent, chunk=max(chunk, 1))
        if not result.intact:
            raise CommandError(
                f"The audit trail is broken at event {result.broken_at}: {result.problem}. "
                f"The {result.events} event(s) before it check out."
            )
        for noted in head:
            if not audit_chain.holds(AuditEvent, noted.strip().lower()):
                raise CommandError(
                    f"The audit trail no longer holds the head {noted} noted earlier: the "
                    "newest events since then have been removed."
                )
        span = ""
        if result.events:
            when = "%Y-%m-%d %H:%M:%S"
            span = f", from {result.first_at:{when}} to {result.last_at:{when}} UTC"
        self.stdout.write(
            f"The audit trail is intact: {result.events} event(s){span}.\n"
            f"Head hash (keep it to check with --head later): {result.head}"
        )
        if waiting:
            raise CommandError(
                f"{waiting} audit event(s) had been left unlinked for more than "
                f"{audit_chain.UNLINKED_TOO_LONG.seconds // 60} minute(s), the oldest recorded at "
                f"{oldest:%Y-%m-%d %H:%M:%S} UTC: the linker is not running (the linking after "
                "each action fails, and the frequent job audit_link is not run by a task worker; "
                "see the logs). This run has linked them."
            )
