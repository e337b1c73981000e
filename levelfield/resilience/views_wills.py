"""Pages of living wills: the supplier's own (overview, sections, versions) and the readers'
(list and detail of what was submitted). Anyone who may not read a will gets 404."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from levelfield.core.pagination import paginate

from . import content as will_content
from .models import LivingWill


def _supplier(request):
    organisation = request.organisation
    if organisation is None or not organisation.is_supplier:
        raise Http404("This page is for suppliers")
    return organisation


@login_required
def overview(request):
    supplier = _supplier(request)
    will = LivingWill.objects.filter(supplier=supplier).first()
    score, missing = (0, [])
    if will is not None:
        score, missing = will_content.completeness(
            will.draft, owner=will.owner, review_date=will.review_date
        )
    return render(
        request,
        "resilience/wills/overview.html",
        {"supplier": supplier, "will": will, "score": score, "missing": missing},
    )


@login_required
def will_list(request):
    wills = LivingWill.objects.visible_to(request.user).select_related("supplier")
    return render(
        request,
        "resilience/wills/list.html",
        {"page": paginate(request, wills.order_by("supplier__name", "pk"))},
    )


@login_required
def detail(request, pk: int):
    will = get_object_or_404(LivingWill.objects.visible_to(request.user), pk=pk)
    if not request.user.has_perm("resilience.view_will", will):
        raise Http404("No living will of yours has that number")
    version = will.latest_version()
    if version is None:
        return redirect("resilience:will")
    return render(request, "resilience/wills/detail.html", {"will": will, "version": version})
