"""Pages for the readers of living wills: the list of those a person may read and the latest
submitted version of one (earlier versions too). The supplier's own people read here as well;
the buyers of its critical contracts in force and the resilience team read only what it
submitted, never the draft. Anyone else gets 404: the page does not say a will exists."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from levelfield.core import clock
from levelfield.core.pagination import paginate

from . import content as will_content
from . import selectors_wills
from . import views_wills_display as display

VIEW = "resilience.view_will"


def will_context(will, content: dict, *, version=None) -> dict:
    """What the pages showing a will's content need: its sections, the linked platform
    contracts; and the version's score and what it misses."""
    content = {**will_content.empty(), **(content or {})}
    context = {
        "will": will,
        "supplier": will.supplier,
        "content": content,
        "sections": display.sections_of(content),
        "linked": selectors_wills.linked_contracts(content["contracts"]),
        "version": version,
        "today": clock.today_uk(),
    }
    if version is not None:
        _, context["missing"] = will_content.completeness(
            version.content, owner=version.owner, review_date=version.review_date
        )
        context["score"] = version.score
    return context


def _readable(request, pk: int):
    will = selectors_wills.readable_wills(request.user).filter(pk=pk).first()
    if will is None or not request.user.has_perm(VIEW, will):
        raise Http404("No living will of yours has that number")
    return will


@login_required
def will_list(request):
    return render(
        request,
        "resilience/wills/list.html",
        {
            "page": paginate(request, selectors_wills.readable_wills(request.user)),
            "today": clock.today_uk(),
        },
    )


@login_required
def detail(request, pk: int):
    """The latest submitted version, and the list of all of them."""
    will = _readable(request, pk)
    versions = list(selectors_wills.versions_of(will))
    if not versions:
        # Only the supplier's own people reach a will with nothing submitted.
        return render(request, "resilience/wills/not_submitted.html", {"will": will})
    context = will_context(will, versions[0].content, version=versions[0])
    context["versions"] = versions
    return render(request, "resilience/wills/version.html", context)


@login_required
def version(request, pk: int, number: int):
    will = _readable(request, pk)
    found = selectors_wills.version_of(will, number)
    if found is None:
        raise Http404("No version of that number")
    context = will_context(will, found.content, version=found)
    context["versions"] = list(selectors_wills.versions_of(will))
    return render(request, "resilience/wills/version.html", context)
