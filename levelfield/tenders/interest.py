"""Who showed interest in a tender: they are told of every amendment.

A supplier is interested once it viewed the opportunity while signed in (TenderInterest), asked
a clarification question, or drafted or submitted a bid (any lot, whatever became of the bid)."""

from levelfield.accounts.models import Organisation
from levelfield.suppliers.selectors import contact_emails

from .models import Clarification, Tender, TenderInterest


def interested_suppliers(tender: Tender) -> list[Organisation]:
    """The supplier organisations interested in `tender`, by name."""
    from levelfield.bids.models import Bid  # bids sits beside tenders and imports it

    ids = (
        set(TenderInterest.objects.filter(tender=tender).values_list("supplier_id", flat=True))
        | set(
            Clarification.objects.filter(tender=tender).values_list(
                "asked_by_organisation_id", flat=True
            )
        )
        | set(Bid.objects.filter(lot__tender=tender).values_list("supplier_id", flat=True))
    )
    return list(Organisation.objects.filter(pk__in=ids).order_by("name", "pk"))


def interested_contacts(tender: Tender) -> list[tuple[Organisation, list[str]]]:
    """Each interested supplier with the people to email (suppliers.selectors.contact_emails);
    one email per supplier, so no supplier learns who else is interested."""
    return [
        (supplier, emails)
        for supplier in interested_suppliers(tender)
        if (emails := contact_emails(supplier))
    ]
