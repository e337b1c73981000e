"""Template helpers for GOV.UK Design System pages."""

from django import forms, template
from django.utils import timezone

from ..clock import UK
from ..money import format_gbp
from ..pagination import pagination_links

register = template.Library()


@register.filter
def gbp(value) -> str:
    return format_gbp(value)


@register.filter
def uk_time(value) -> str:
    """An aware datetime in UK time, GOV.UK style: 1:30pm on 5 June 2026."""
    if not value:
        return ""
    local = timezone.localtime(value, UK)
    hour = local.strftime("%I").lstrip("0") or "12"
    minute = local.strftime("%M")
    clock = f"{hour}:{minute}{local.strftime('%p').lower()}"
    if local.hour == 0 and local.minute == 0:
        clock = "midnight"
    elif local.hour == 12 and local.minute == 0:
        clock = "midday"
    return f"{clock} on {local.day} {local:%B %Y}"


@register.filter
def uk_date(value) -> str:
    if not value:
        return ""
    if hasattr(value, "hour"):
        value = timezone.localtime(value, UK).date()
    return f"{value.day} {value:%B %Y}"


def _kind(field) -> str:
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.ClearableFileInput | forms.FileInput):
        return "file"
    return "input"


@register.inclusion_tag("govuk/field.html")
def govuk_field(field, classes: str = ""):
    return {"field": field, "kind": _kind(field), "classes": classes}


@register.inclusion_tag("govuk/error_summary.html")
def govuk_error_summary(*forms_):
    errors = []
    for form in forms_:
        if not form:
            continue
        for error in form.non_field_errors():
            errors.append({"href": "#main-content", "text": error})
        for field in form:
            for error in field.errors:
                errors.append({"href": f"#{field.auto_id}", "text": error})
    return {"errors": errors}


@register.inclusion_tag("govuk/pagination.html", takes_context=True)
def govuk_pagination(context, page, param: str = "page", label: str = "Pagination", path: str = ""):
    """Numbered links to the other pages of `page` (from `paginate`), keeping the rest of the
    query string. `param` is the page number's query parameter; `label` names the navigation
    landmark, which must differ when a page has two lists. `path` is the list's own address
    where the page can also be shown at another (after a form posted elsewhere failed)."""
    return {
        "pagination": pagination_links(context["request"], page, param=param, path=path),
        "label": label,
    }
