"""Finding the suppliers a failure scenario names: registered suppliers by name or levelfield
identifier, for the page's search (which works without JavaScript: a search, then boxes to
tick). Consortia are organisations of their own and are found too, as a scenario may name one."""

from django.db.models import Count, Q

from levelfield.accounts.models import Organisation
from levelfield.contracts.lifecycle import IN_FORCE
from levelfield.core import clock
from levelfield.core.numbers import read_id

SEARCH_LIMIT = 30
MAX_QUERY = 100


def suppliers_matching(query: str, *, limit: int = SEARCH_LIMIT) -> list[Organisation]:
    """Suppliers whose name contains `query` (any case), or whose identifier it is
    (GB-LEVELFIELD-12, or the number alone), by name, at most `limit`; each with
    `contracts_in_force`, its contracts in force today. Nothing for an empty query."""
    text = " ".join((query or "").split())[:MAX_QUERY]
    if not text:
        return []
    match = Q(name__icontains=text)
    # The identifier's number read as an id (str.isdigit took "²", which int() refused)
    number = read_id(text.upper().removeprefix("GB-LEVELFIELD-"))
    if number is not None:
        match |= Q(pk=number)
    return list(_suppliers().filter(match).order_by("name", "pk")[:limit])


def suppliers_by_id(ids) -> list[Organisation]:
    """The suppliers among `ids` (anything not a supplier's id is left out), by name."""
    wanted = [i for i in ids if isinstance(i, int) and 0 < i < 2**63]
    if not wanted:
        return []
    return list(_suppliers().filter(pk__in=wanted).order_by("name", "pk"))


def _suppliers():
    today = clock.today_uk()
    in_force = Q(
        contracts__status__in=IN_FORCE,
        contracts__start_date__lte=today,
        contracts__end_date__gte=today,
    )
    return Organisation.objects.filter(kind=Organisation.Kind.SUPPLIER).annotate(
        contracts_in_force=Count("contracts", filter=in_force)
    )
