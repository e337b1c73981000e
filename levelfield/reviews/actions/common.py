"""What the review actions share: the locked case, its audit record, stored files."""

from pathlib import PurePath

from django.core.exceptions import ValidationError

from levelfield.core import audit
from levelfield.core.errors import DomainError
from levelfield.core.uploads import check_upload, store

from ..models import Case


def locked(case: Case) -> Case:
    """The case, its row locked to the end of the action (only its own row: the raiser's
    organisation may be null, an outer join PostgreSQL cannot lock)."""
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("raised_by", "raiser_organisation")
        .get(pk=case.pk)
    )


def record(case: Case, action: str, *, actor, summary: str, organisation=None, **data) -> None:
    """Audit a step of `case`. The summary and data never name the raiser: the actor of the
    raising is kept (the audit trail says who did what), and no page a respondent reads shows
    a case's events with their actors (selectors.case_history)."""
    audit.record(
        action=action,
        obj=case,
        actor=actor,
        organisation=organisation,
        summary=f"{case.reference}: {summary}",
        case=case.reference,
        **data,
    )


def store_checked(row, field_file, upload) -> None:
    """Check `upload` (type, content, size, malware: core.uploads) and store it in `field_file`
    under a random name (the field's upload_to), keeping its own name and digest on `row`."""
    try:
        row.sha256 = check_upload(upload)
    except ValidationError as error:
        raise DomainError(error.messages[0], code="validation_error") from error
    row.original_name = PurePath(upload.name).name[:255]
    row.size = upload.size
    store(field_file, upload)
