"""Template helpers for social value, and the pieces other apps' pages include: the
commitments beside a social value answer on the scoring page, and the links from the bid page.
"""

from decimal import Decimal

from django import template

from levelfield.tenders.models import Question

from .. import selectors

register = template.Library()


@register.filter
def qty(value) -> str:
    """6.00 -> 6, 2.50 -> 2.5, 1250 -> 1,250."""
    if value is None or value == "":
        return ""
    number = Decimal(value).normalize()
    if number == number.to_integral_value():
        return f"{number:,.0f}"
    return f"{number:,f}"


@register.filter
def ratio(value) -> str:
    """A return per pound of price: 0.25 -> £0.25 for every £1."""
    if value is None:
        return ""
    return f"£{Decimal(value):.2f} for every £1"


@register.inclusion_tag("socialvalue/_score_commitments.html", takes_context=True)
def social_value_commitments(context, bid, question):
    """Beside a social value answer on the scoring page: the bid's commitments for the question
    and their value in pounds, as supporting information. Read through
    `Bid.objects.unsealed_for_buyer`, so nothing shows before the deadline."""
    request = context.get("request")
    organisation = getattr(request, "organisation", None)
    if question.kind != Question.Kind.SOCIAL_VALUE or organisation is None:
        return {"show": False}
    commitments = list(
        selectors.commitments_for_buyer(organisation).filter(bid=bid, question=question)
    )
    return {
        "show": True,
        "question": question,
        "commitments": commitments,
        "valuation": selectors.valuation([c.value for c in commitments], bid.price),
    }


@register.inclusion_tag("socialvalue/_bid_links.html", takes_context=True)
def social_value_bid_links(context, bid, lot):
    """On the supplier's bid page: the way to the bid's commitments and, once the contract is
    signed, to reporting what was delivered."""
    if bid is None:
        return {"show": False}
    questions = [q for q in lot.questions.all() if q.kind == Question.Kind.SOCIAL_VALUE]
    contract = None
    obligations = bid.social_value_commitments.filter(obligation__isnull=False)
    if obligations.exists():
        contract = obligations.select_related("obligation__contract").first().obligation.contract
    return {
        "show": bool(questions) or contract is not None,
        "bid": bid,
        "count": bid.social_value_commitments.count(),
        "editable": bid.is_editable and lot.tender.is_open_for_bids,
        "contract": contract,
    }
