"""The sections of the supplier's living will, one page each in the GOV.UK "add another"
pattern: the items listed with Change and Remove, a page to add or change one. Each save hands
the whole draft, with the item changed, to `actions.edit_living_will`, so `content.validate`
decides; its refusals are shown on the item's form with what was typed kept."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from levelfield.core.errors import DomainError

from . import actions
from . import content as will_content
from . import views_wills_display as display
from .forms_wills import DependencyForm, EntityForm, OtherContractForm, PlanForm, ServiceForm
from .views_wills import EDIT, editable_will, own_will, seen_field, seen_of


@dataclass(frozen=True)
class Section:
    key: str  # the section of the content
    title: str
    noun: str  # one item
    form: type
    intro: str
    list_url: str = "resilience:will_section"

    @property
    def a_noun(self) -> str:
        return f"{'an' if self.noun[0] in 'aeiou' else 'a'} {self.noun}"


SECTIONS = {
    "group-structure": Section(
        "entities",
        "Group structure",
        "entity",
        EntityForm,
        "Each company in the group that delivers or supports your public contracts, its "
        "Companies House number and which company in the group owns it.",
    ),
    "other-contracts": Section(
        "other_contracts",
        "Other public contracts",
        "contract",
        OtherContractForm,
        "Public contracts you hold that are not on this platform.",
        list_url="resilience:will_contracts",
    ),
    "services": Section(
        "services",
        "Critical services and who relies on them",
        "service",
        ServiceForm,
        "Each public service that would stop if you failed: the authorities relying on it and "
        "about how many people it serves.",
    ),
    "dependencies": Section(
        "dependencies",
        "Key subcontractors and intra-group dependencies",
        "dependency",
        DependencyForm,
        "The subcontractors, and the companies of your own group, the critical services rely on.",
    ),
    "continuity-plans": Section(
        "plans",
        "Continuity plans",
        "continuity plan",
        PlanForm,
        "For each critical service: how it would be transferred to another supplier or taken "
        "in-house, how long that takes, the data, assets and staff involved, and who must be "
        "told.",
    ),
}


def _section(slug: str) -> Section:
    if slug not in SECTIONS:
        raise Http404("No such section")
    return SECTIONS[slug]


def _items(will, section: Section) -> list:
    return list({**will_content.empty(), **will.draft}[section.key])


def _form_options(will, section: Section, index: int | None) -> dict:
    """What the item's form offers to choose from: the group's other entities; the services
    (for a plan, those without a plan of their own)."""
    draft = {**will_content.empty(), **will.draft}
    services = [s["name"] for s in draft["services"]]
    if section.key == "entities":
        return {"others": [e for i, e in enumerate(draft["entities"]) if i != index]}
    if section.key == "dependencies":
        return {"services": services}
    if section.key == "plans":
        taken = {p["service"] for i, p in enumerate(draft["plans"]) if i != index}
        return {"services": [s for s in services if s not in taken]}
    return {}


def _list_url(slug: str, section: Section) -> str:
    if section.list_url == "resilience:will_section":
        return reverse(section.list_url, kwargs={"section": slug})
    return reverse(section.list_url)


def _list_redirect(slug: str, section: Section):
    return redirect(_list_url(slug, section))


@login_required
def section_page(request, section: str):
    slug, part = section, _section(section)
    will = own_will(request)
    if part.list_url != "resilience:will_section":
        return _list_redirect(slug, part)
    return render(
        request,
        "resilience/wills/section.html",
        {
            "will": will,
            "slug": slug,
            "section": part,
            "items": display.items_of(part.key, will.draft),
            "can_edit": request.user.has_perm(EDIT, will),
        },
    )


def _item_page(request, slug: str, section: Section, will, index: int | None):
    items = _items(will, section)
    number = (index if index is not None else len(items)) + 1
    options = _form_options(will, section, index)
    initial = items[index] if index is not None else None
    form = section.form(
        request.POST if request.method == "POST" else None, initial=initial, **options
    )
    refused = False
    if request.method == "POST" and form.is_valid():
        if index is None:
            items.append(form.item())
        else:
            items[index] = form.item()
        try:
            actions.edit_living_will(
                will=will,
                by=request.user,
                content={**will.draft, section.key: items},
                owner=will.owner,
                review_date=will.review_date,
                seen=seen_of(request),
            )
        except DomainError as exc:
            refused = isinstance(exc, actions.ChangedSince)
            form.show_refusal(exc, number)
        else:
            done = "added" if index is None else "changed"
            messages.success(request, f"{section.noun.capitalize()} {number} {done}")
            return _list_redirect(slug, section)
    return render(
        request,
        "resilience/wills/item.html",
        {
            "will": will,
            "slug": slug,
            "section": section,
            "form": form,
            "number": number,
            "adding": index is None,
            "list_url": _list_url(slug, section),
            "options": options,
            "seen": seen_field(request, will, refused),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_add(request, section: str):
    slug, part = section, _section(section)
    return _item_page(request, slug, part, editable_will(request), None)


@login_required
@require_http_methods(["GET", "POST"])
def item_change(request, section: str, number: int):
    slug, part = section, _section(section)
    will = editable_will(request)
    if not 1 <= number <= len(_items(will, part)):
        raise Http404("No such item")
    return _item_page(request, slug, part, will, number - 1)


@login_required
@require_POST
def item_remove(request, section: str, number: int):
    slug, part = section, _section(section)
    will = editable_will(request)
    items = _items(will, part)
    if not 1 <= number <= len(items):
        raise Http404("No such item")
    if request.POST.get("title") != display.item_title(part.key, items[number - 1], number):
        messages.error(
            request,
            f"{part.noun.capitalize()} {number} has changed since the page was opened: "
            "nothing was removed. Check the list and try again",
        )
        return _list_redirect(slug, part)
    del items[number - 1]
    try:
        actions.edit_living_will(
            will=will,
            by=request.user,
            content={**will.draft, part.key: items},
            owner=will.owner,
            review_date=will.review_date,
            seen=seen_of(request),
        )
    except actions.ChangedSince as exc:
        messages.error(request, f"{part.noun.capitalize()} {number} was not removed. {exc}")
    except DomainError as exc:
        messages.error(
            request,
            f"{part.noun.capitalize()} {number} was not removed: without it, "
            + "; ".join(exc.details or [exc.message]),
        )
    else:
        messages.success(request, f"{part.noun.capitalize()} {number} removed")
    return _list_redirect(slug, part)
