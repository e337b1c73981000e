"""The dashboards: the public one (everything published, for anyone) and a buyer's (its own
authority's figures). Both read the Parquet snapshot through the engine (figures.py), never a
live table; filters come in the query string, so a filtered dashboard is a link to share.

Each chart is followed by its numbers in a table and a CSV download of that table (written
through core.spreadsheets, so no name opens as a formula)."""

import io
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods

from levelfield.core import spreadsheets
from levelfield.core.ocds import platform_party_id
from levelfield.core.pagination import paginate

from . import charts, figures, figures_lists
from .forms_dashboards import FiltersForm
from .views_tables import (
    access_table,
    authority_table,
    category_table,
    display,
    flags_table,
    quarter_table,
    relets_table,
    share_table,
)

PAGE_SIZE = 20
LISTS = ("access", "categories", "red-flags", "relets")
DOWNLOADS = ("shares", "quarters", "authorities", *LISTS)
BUYER_DOWNLOADS = ("shares", "quarters", *LISTS)


def buyer_organisation(request):
    """The signed-in person's buyer organisation; 404 for anyone else (a supplier, nobody)."""
    organisation = getattr(request, "organisation", None)
    if organisation is None or not organisation.is_buyer:
        raise Http404("The buyer dashboard is for buyer organisations")
    return organisation


def _filters(request, snapshot, *, authority):
    """The filters form (offering what the snapshot holds) and the tables it narrows to."""
    offered = figures.narrowed(snapshot.tables, figures.Filters(), authority=authority)
    choices = figures.kept(snapshot, ("choices", authority), lambda: figures.choices(offered))
    form = FiltersForm(request.GET or None, choices=choices, with_authority=authority is None)
    filters = form.filters()
    return form, filters, figures.narrowed(snapshot.tables, filters, authority=authority)


def _percent(value) -> str:
    """As the tables show it (to one place, halves up), so the words and the table agree."""
    return "no data" if value is None else display(value, "percent")


def _shares_description(shares) -> str:
    parts = []
    for s in shares:
        target = f"against a target of {_percent(s.target)}" if s.target else "no target set"
        parts.append(
            f"{s.label}s: {_percent(s.share_direct)} of spend directly, "
            f"{_percent(s.share_total)} with subcontracts, {target}."
        )
    return " ".join(parts)


def _quarters_description(groups) -> str:
    if not groups:
        return "No quarter has spend in the data chosen."
    return " ".join(
        f"{g.key}: SMEs {_percent(g.sme.share_total)}, VCSEs {_percent(g.vcse.share_total)}."
        for g in groups
    )


def _figures(tables, *, whose: str):
    """The shares and the quarters, with their charts and tables."""
    shares = figures.shares(tables)
    quarters = figures.shares_by(tables, "quarter")
    shares_chart = charts.share_bars(
        chart_id="chart-shares",
        title=f"Share of {whose} spend with SMEs and VCSEs",
        description=_shares_description(shares),
        labels=[f"{s.label}s" for s in shares],
        series=[
            charts.Series("Direct", [_float(s.share_direct) for s in shares]),
            charts.Series("Direct and indirect", [_float(s.share_total) for s in shares]),
        ],
        targets=[_float(s.target) for s in shares],
    )
    quarters_chart = charts.quarter_lines(
        chart_id="chart-quarters",
        title=f"Share of {whose} spend with SMEs and VCSEs by quarter, direct and indirect",
        description=_quarters_description(quarters),
        quarters=[g.key for g in quarters],
        series=[
            charts.Series("SMEs", [_float(g.sme.share_total) for g in quarters]),
            charts.Series("VCSEs", [_float(g.vcse.share_total) for g in quarters]),
        ],
        targets=[(f"{s.label} target", _float(s.target)) for s in shares],
    )
    return {
        "shares": shares,
        "shares_chart": mark_safe(shares_chart),  # noqa: S308 - our own SVG, text escaped
        "shares_table": share_table(shares, caption=f"Share of {whose} spend"),
        "quarters_chart": mark_safe(quarters_chart),  # noqa: S308 - our own SVG, text escaped
        "quarters_table": quarter_table(quarters, caption=f"Share of {whose} spend by quarter"),
        "has_spend": any(s.spend for s in shares),
    }


def _float(value):
    return None if value is None else float(value)


def _access_description(rows) -> str:
    return " ".join(
        f"{a.label}s made {_percent(a.bid_share)} of bids and won {_percent(a.win_share)} "
        f"of awards."
        for a in rows
    )


def _access(snapshot, filters, authority):
    procurements = figures_lists.procurements(snapshot.tables, filters, authority=authority)
    return (
        figures_lists.access_overall(procurements),
        figures_lists.access_by_category(procurements),
    )


def _lists(request, snapshot, filters, *, authority, whose: str) -> dict:
    """Access, red flags and re-lets, a page of each list at a time."""
    overall, by_category = figures.kept(
        snapshot, ("access", filters, authority), lambda: _access(snapshot, filters, authority)
    )
    categories = category_table(
        by_category, caption=f"Share of bids and wins by category, {whose} procurements"
    )
    categories_page = paginate(request, categories.rows, PAGE_SIZE, param="categories")
    flags_page = paginate(
        request,
        figures_lists.red_flags(snapshot, filters, authority=authority),
        PAGE_SIZE,
        param="flags",
    )
    relets_page = paginate(
        request,
        figures_lists.relets(snapshot, filters, authority=authority),
        PAGE_SIZE,
        param="relets",
    )
    flags = flags_table(flags_page.object_list, caption="Red flags, with why each fired")
    relets = relets_table(relets_page.object_list, caption="Contracts let again")
    access_chart = figures.kept(
        snapshot,
        ("access-chart", filters, authority, whose),
        lambda: charts.share_bars(
            chart_id="chart-access",
            title=f"Share of bids and of wins by SMEs and VCSEs, {whose} procurements",
            description=_access_description(overall),
            labels=[f"{a.label}s" for a in overall],
            series=[
                charts.Series("Share of bids", [_float(a.bid_share) for a in overall]),
                charts.Series("Share of wins", [_float(a.win_share) for a in overall]),
            ],
        ),
    )
    return {
        "access": overall,
        "has_bids": any(a.bids or a.wins for a in overall),
        "access_chart": mark_safe(access_chart),  # noqa: S308 - our own SVG, text escaped
        "access_table": access_table(overall, caption=f"Bids and wins, {whose} procurements"),
        "categories": categories,
        "categories_page": categories_page,
        "categories_cells": categories.cells(categories_page.object_list),
        "flags": flags,
        "flags_page": flags_page,
        "relets": relets,
        "relets_page": relets_page,
    }


def _authorities(snapshot, tables, filters):
    query = filters.as_query()

    def link(group):
        return reverse("insights:public") + "?" + urlencode({**query, "authority": group.key})

    groups = figures.kept(
        snapshot, ("authorities", filters), lambda: figures.shares_by(tables, "buyer")
    )
    return authority_table(groups, caption="Share of spend by authority", link=link)


def _download_links(names, url_name: str, query: str) -> dict:
    suffix = f"?{query}" if query else ""
    return {name.replace("-", "_"): reverse(url_name, args=[name]) + suffix for name in names}


@require_http_methods(["GET"])
def public(request):
    snapshot = figures.open_snapshot()
    if snapshot is None:
        return render(request, "insights/public.html", {"snapshot": None})
    form, filters, tables = _filters(request, snapshot, authority=None)
    if form.errors:  # the page says what to correct, and shows no figure until it is
        return render(request, "insights/public.html", {"snapshot": snapshot, "form": form})
    query = filters.as_query()
    authorities = _authorities(snapshot, tables, filters)
    page = paginate(request, authorities.rows, PAGE_SIZE, param="authorities")
    context = {
        "snapshot": snapshot,
        "form": form,
        "filters": filters,
        **figures.kept(snapshot, ("page", filters, None), lambda: _figures(tables, whose="public")),
        **_lists(request, snapshot, filters, authority=None, whose="all"),
        "authorities": authorities,
        "authorities_page": page,
        "authorities_cells": authorities.cells(page.object_list),
        "downloads": _download_links(DOWNLOADS, "insights:download", urlencode(query)),
    }
    return render(request, "insights/public.html", context)


@login_required
@require_http_methods(["GET"])
def buyer(request):
    organisation = buyer_organisation(request)
    snapshot = figures.open_snapshot()
    context = {"organisation": organisation, "snapshot": snapshot}
    if snapshot is None:
        return render(request, "insights/buyer.html", context)
    authority = platform_party_id(organisation)
    form, filters, tables = _filters(request, snapshot, authority=authority)
    context["form"] = form
    if form.errors:  # the page says what to correct, and shows no figure until it is
        return render(request, "insights/buyer.html", context)
    query = filters.as_query()
    context |= {
        "authority": authority,
        "form": form,
        "filters": filters,
        **figures.kept(
            snapshot, ("page", filters, authority), lambda: _figures(tables, whose="your")
        ),
        **_lists(request, snapshot, filters, authority=authority, whose="your"),
        "downloads": _download_links(BUYER_DOWNLOADS, "insights:buyer_download", urlencode(query)),
    }
    return render(request, "insights/buyer.html", context)


def _csv(table, filename: str) -> HttpResponse:
    out = io.StringIO()
    spreadsheets.csv_writer(out, lineterminator="\r\n").writerows(table.csv_rows())
    response = HttpResponse(out.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def _table(name: str, request, snapshot, tables, filters, *, whose: str, authority=None):
    if name in ("access", "categories"):
        overall, by_category = figures.kept(
            snapshot, ("access", filters, authority), lambda: _access(snapshot, filters, authority)
        )
    if name == "access":
        return access_table(overall, caption=f"Bids and wins, {whose} procurements")
    if name == "categories":
        return category_table(by_category, caption="Share of bids and wins by category")
    if name == "red-flags":
        flags = figures_lists.red_flags(snapshot, filters, authority=authority)
        return flags_table(flags, caption="Red flags, with why each fired")
    if name == "relets":
        relets = figures_lists.relets(snapshot, filters, authority=authority)
        return relets_table(relets, caption="Contracts let again")
    if name == "shares":
        return share_table(figures.shares(tables), caption=f"Share of {whose} spend")
    if name == "quarters":
        groups = figures.shares_by(tables, "quarter")
        return quarter_table(groups, caption=f"Share of {whose} spend by quarter")
    if name == "authorities":
        return _authorities(snapshot, tables, filters)
    raise Http404("No such download")


def _refused(request, template: str, context: dict):
    """The dashboard again, saying what to correct, for a download of wrong filters."""
    return render(request, template, context, status=400)


@require_http_methods(["GET"])
def download(request, name: str):
    """A table of the public dashboard as CSV, with the same filters."""
    if name not in DOWNLOADS:
        raise Http404("No such download")
    snapshot = figures.open_snapshot()
    if snapshot is None:
        raise Http404("No snapshot has been written yet")
    form, filters, tables = _filters(request, snapshot, authority=None)
    if form.is_bound and not form.is_valid():
        return _refused(request, "insights/public.html", {"snapshot": snapshot, "form": form})
    table = _table(name, request, snapshot, tables, filters, whose="public")
    return _csv(table, f"insights-{name}")


@login_required
@require_http_methods(["GET"])
def buyer_download(request, name: str):
    """A table of the buyer's dashboard as CSV, with the same filters."""
    organisation = buyer_organisation(request)
    if name not in BUYER_DOWNLOADS:
        raise Http404("No such download")
    snapshot = figures.open_snapshot()
    if snapshot is None:
        raise Http404("No snapshot has been written yet")
    authority = platform_party_id(organisation)
    form, filters, tables = _filters(request, snapshot, authority=authority)
    if form.is_bound and not form.is_valid():
        context = {"snapshot": snapshot, "form": form, "organisation": organisation}
        return _refused(request, "insights/buyer.html", context)
    table = _table(name, request, snapshot, tables, filters, whose="your", authority=authority)
    return _csv(table, f"insights-{name}-{organisation.pk}")
