"""CSV exports of the review service: the published outcomes (anyone) and a respondent's cases
(the buyer's own record of what it was asked). Both are built from the selectors' records, so
an anonymous raiser is in neither; cells are written with core.spreadsheets' safe writer."""

import io

from levelfield.core.spreadsheets import csv_writer

from .selectors import respondent_cases
from .selectors_public import published_outcomes

PUBLISHED_HEADER = [
    "Reference",
    "Kind",
    "Authority",
    "Procurement",
    "Notice reference",
    "Accepted on",
    "Due on",
    "Closed on",
    "Within target",
    "Outcome",
    "Summary",
    "Late payments unblocked (GBP)",
]

RESPONDENT_HEADER = [
    "Reference",
    "Kind",
    "Status",
    "Authority",
    "Procurement",
    "Raised by",
    "Raised on",
    "Due on",
    "Time left",
    "Requests",
    "Findings",
    "Recommendations",
    "Outcome",
]


def _csv(header: list[str], rows) -> str:
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow(row)
    return out.getvalue()


def published_csv(**filters) -> str:
    return _csv(
        PUBLISHED_HEADER,
        (
            [
                o.reference,
                o.kind_label,
                o.authority,
                o.procurement,
                o.notice_reference,
                o.accepted_on.isoformat() if o.accepted_on else "",
                o.due_on.isoformat() if o.due_on else "",
                o.closed_on.isoformat(),
                "yes" if o.within_target else "no",
                o.outcome_label,
                o.summary,
                str(o.amount_unblocked) if o.amount_unblocked is not None else "",
            ]
            for o in published_outcomes(**filters)
        ),
    )


def respondent_csv(user) -> str:
    """`user`'s organisations' cases, as they read them (the raiser named only if agreed)."""
    return _csv(
        RESPONDENT_HEADER,
        (
            [
                c.reference,
                c.kind_label,
                c.status_label,
                c.authority,
                c.procurement,
                (
                    "Anonymous"
                    if c.anonymous
                    else ", ".join(p for p in (c.raised_by, c.raiser_organisation) if p)
                ),
                c.raised_on.isoformat(),
                c.due_on.isoformat() if c.due_on else "",
                c.time_left,
                " | ".join(f"{r.due_on.isoformat()}: {r.question}" for r in c.requests),
                c.findings,
                c.recommendations,
                c.outcome,
            ]
            for c in respondent_cases(user)
        ),
    )
