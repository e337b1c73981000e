"""The public API of the review service: published outcomes (naming the authority and the
procurement, never the raiser) and the yearly summary. No sign-in needed."""

from django.http import Http404
from ninja import Router
from ninja.pagination import paginate

from levelfield.core.api_helpers import Pages, errors

from . import selectors_public
from .schemas import ReviewPublicOutcomeOut, ReviewYearSummaryOut

router = Router(tags=["Review service: published outcomes"])
ROUTERS = (("/reviews", router),)


@router.get(
    "/outcomes",
    response={200: list[ReviewPublicOutcomeOut], **errors(422)},
    operation_id="reviews_outcomes",
    summary="Published outcomes of review cases",
    description="Newest first. Filters: `authority` (words in its name), `kind`, `outcome`, "
    "`year` (closed). Paginated with `limit` and `offset`.",
)
@paginate(Pages)
def outcomes(request, authority: str = "", kind: str = "", outcome: str = "", year: int = 0):
    return selectors_public.published_outcomes(
        authority=authority[:200], kind=kind, outcome=outcome, year=year or None
    )


@router.get(
    "/outcomes/{case_id}",
    response={200: ReviewPublicOutcomeOut, **errors(404)},
    operation_id="reviews_outcome",
    summary="A published outcome",
    description="404 `not_found` for a case not published.",
)
def outcome(request, case_id: int):
    found = selectors_public.published_outcome(case_id)
    if found is None:
        raise Http404("No published outcome has that id")
    return found


@router.get(
    "/summary",
    response={200: list[ReviewYearSummaryOut]},
    operation_id="reviews_summary",
    summary="Each year: cases, accepted, resolved within target, late payments unblocked",
    description="Newest year first.",
)
def summary(request):
    return selectors_public.yearly_summary()
