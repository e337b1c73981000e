"""Answering a clarification question: the buyer publishes the question as it will be shown
(as asked, edited, or withheld so that only the answer is published) with its answer, and
every interested supplier is emailed both.

Who asked is never published: not on the opportunity page, in the API, in open data or in the
emails. The original question is kept for the people who answer (buyer admins and officers)
and in the audit trail; everyone else only ever sees the published question."""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from levelfield.core import audit, clock
from levelfield.core.errors import DomainError, InvalidTransition
from levelfield.core.notify import email_on_commit
from levelfield.core.permissions import require

from .interest import interested_contacts
from .lifecycle import Status
from .models import Clarification, Tender

PublishedAs = Clarification.PublishedAs


@dataclass(frozen=True)
class Publication:
    """What the buyer asks to publish. `published_question` None (or the question as asked)
    publishes the question as asked; other text publishes it edited; `withhold_question`
    publishes the answer alone."""

    answer: str
    published_question: str | None = None
    withhold_question: bool = False


def _same_text(a: str, b: str) -> bool:
    """Equal but for line endings and surrounding whitespace (a browser's textarea sends
    CRLF)."""
    return a.replace("\r\n", "\n").strip() == b.replace("\r\n", "\n").strip()


def publication_problems(clarification: Clarification, publication: Publication) -> dict:
    """The problems with `publication`, by the name of the field they concern ("answer",
    "published_question"). The answer form shows each at its field; the action refuses the
    first."""
    problems = {}
    if not (publication.answer or "").strip():
        problems["answer"] = "Enter your answer"
    edited = publication.published_question
    if publication.withhold_question:
        if edited is not None and edited.strip() and not _same_text(edited, clarification.question):
            problems["published_question"] = (
                "Either publish the question as you edited it or publish the answer alone, not both"
            )
    elif edited is not None and not edited.strip():
        problems["published_question"] = (
            "Enter the question as it will be published, or choose to publish the answer alone"
        )
    return problems


def _published(clarification: Clarification, publication: Publication) -> tuple[str, str]:
    """(published_as, published_question) for a publication without problems."""
    if publication.withhold_question:
        return PublishedAs.WITHHELD, ""
    edited = publication.published_question
    if edited is None or _same_text(edited, clarification.question):
        return PublishedAs.AS_ASKED, clarification.question
    return PublishedAs.EDITED, edited.replace("\r\n", "\n").strip()


@transaction.atomic
def answer_clarification(
    *,
    clarification: Clarification,
    by,
    answer: str,
    published_question: str | None = None,
    withhold_question: bool = False,
) -> Clarification:
    """Publish the answer with the question as it will be shown, and email both to every
    interested supplier (see the module's docstring). Once only, while the tender is
    published."""
    tender = clarification.tender
    require(by, "tenders.answer_clarification", tender)
    # The tender's row first, as cancel_tender and the amendments lock it: a tender cancelled
    # at the same moment is seen cancelled here, and its answer is neither published nor sent.
    Tender.objects.select_for_update().get(pk=clarification.tender_id)
    clarification = (
        Clarification.objects.select_for_update(of=("self",))
        .select_related("tender__buyer", "asked_by", "asked_by_organisation")
        .get(pk=clarification.pk)
    )
    tender = clarification.tender
    if tender.status != Status.PUBLISHED:
        raise InvalidTransition("Clarifications can be answered only while the tender is published")
    if clarification.answered_at:
        raise InvalidTransition("This question has already been answered")
    publication = Publication(
        answer=answer or "",
        published_question=published_question,
        withhold_question=withhold_question,
    )
    problems = publication_problems(clarification, publication)
    if problems:
        messages = list(problems.values())
        raise DomainError(messages[0], code="validation_error", details=messages)
    clarification.published_as, clarification.published_question = _published(
        clarification, publication
    )
    clarification.answer = publication.answer.replace("\r\n", "\n").strip()
    clarification.answered_at = clock.now()
    clarification.answered_by = by
    clarification.save(
        update_fields=["answer", "answered_at", "answered_by", "published_question", "published_as"]
    )
    audit.record(
        action="clarification.answered",
        obj=clarification,
        actor=by,
        organisation=tender.buyer,
        summary=f"Answer published ({clarification.get_published_as_display().lower()})",
        tender=tender.reference,
        question=clarification.question,
        published_as=clarification.published_as,
        published_question=clarification.published_question,
        answer=clarification.answer,
    )
    _email_interested_suppliers(clarification)
    return clarification


def answer_email(clarification: Clarification, *, to_asker: bool) -> tuple[str, str]:
    """(subject, body) of the email about a published answer. Only what was published: the
    published question (never the original) and the answer, and never who asked; the asker's
    organisation is told that it was their question."""
    tender = clarification.tender
    link = settings.SITE_URL + reverse("public:opportunity", kwargs={"reference": tender.reference})
    if clarification.question_withheld:
        question = "The buyer published this answer without the question.\n"
    else:
        question = "Question:\n" + clarification.published_question + "\n"
        if clarification.question_edited:
            question += "(The buyer edited the question before publishing it.)\n"
    lead = (
        "The buyer has answered the clarification question your organisation asked"
        if to_asker
        else "The buyer has published the answer to a clarification question"
    )
    body = (
        f"{lead} about {tender.title} ({tender.reference}). Every supplier interested in "
        "this tender gets the same answer.\n\n"
        f"{question}\nAnswer:\n{clarification.answer}\n\n"
        f"Every published question and answer is on the opportunity page: {link}"
    )
    subject = (
        f"Your question on {tender.reference} has been answered"
        if to_asker
        else f"A clarification answer on {tender.reference}"
    )
    return subject, body


def _email_interested_suppliers(clarification: Clarification) -> None:
    """One email per interested supplier (interest.interested_contacts, the amendments' own
    recipients), so no supplier learns who else is interested or who asked; each person once,
    the asker always."""
    asker = clarification.asked_by_organisation_id
    by_supplier = [(s.pk, emails) for s, emails in interested_contacts(clarification.tender)]
    if asker not in {pk for pk, _ in by_supplier}:
        by_supplier.append((asker, []))
    sent: set[str] = set()
    for supplier_id, emails in by_supplier:
        if supplier_id == asker:
            emails = [*emails, clarification.asked_by.email]
        emails = [e for e in dict.fromkeys(emails) if e and e.lower() not in sent]
        sent.update(e.lower() for e in emails)
        subject, body = answer_email(clarification, to_asker=supplier_id == asker)
        email_on_commit(to=emails, subject=subject, body=body)
