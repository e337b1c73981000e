"""Template helpers for tenders: what every page shows of a tender in the same words and
colours. Plain Python, because the search lists twenty tenders a page and the template language
spends more on a result's ifs, includes and reverse() than on the rest of the page."""

from functools import lru_cache
from urllib.parse import quote

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html

register = template.Library()

# The GOV.UK tag colour of each status people see (Tender.display_status); blue for the rest.
STATUS_TAG_CLASSES = {
    "Draft": "govuk-tag--grey",
    "Open": "govuk-tag--green",
    "Closed": "govuk-tag--orange",
    "Cancelled": "govuk-tag--red",
    "Contract signed": "govuk-tag--purple",
}

_REFERENCE = "REFERENCE"  # stands for the reference in the path reverse() makes once


@register.simple_tag
def status_tag(tender) -> str:
    """A tender's status as people see it, one colour per status on every page."""
    status = tender.display_status
    return format_html(
        '<strong class="govuk-tag {}">{}</strong>',
        STATUS_TAG_CLASSES.get(status, "govuk-tag--blue"),
        status,
    )


@lru_cache(maxsize=8)
def _opportunity_path(script_prefix: str, urlconf: str) -> str:
    return reverse("public:opportunity", args=[_REFERENCE], urlconf=urlconf)


@register.filter
def opportunity_path(reference: str) -> str:
    """The path of a published opportunity's page, as reverse("public:opportunity") makes it,
    from one reverse() per server process (for each script prefix and URLconf) rather than one
    per result."""
    # The same characters left unquoted as reverse() leaves
    quoted = quote(str(reference), safe="!$&'()*+,;=/~:@")
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _opportunity_path(get_script_prefix(), urlconf).replace(_REFERENCE, quoted, 1)


@register.filter
def days_left_note(tender) -> str:
    """How long is left to bid: "closes within a day", "1 day left", "12 days left"; empty
    once the deadline has passed or when there is none."""
    days = tender.days_left
    if days is None:
        return ""
    if days == 0:
        return "closes within a day"
    return f"{days} day{'' if days == 1 else 's'} left"


@register.filter
def suitable_for(tender) -> str:
    """Whom the buyer marked the tender as suitable for."""
    if tender.suitable_for_sme and tender.suitable_for_vcse:
        return "SMEs and VCSEs"
    if tender.suitable_for_sme:
        return "SMEs"
    if tender.suitable_for_vcse:
        return "VCSEs"
    return "Not marked as suitable for SMEs or VCSEs"
