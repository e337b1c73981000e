"""Template helpers for GOV.UK Design System pages."""

from dataclasses import dataclass
from datetime import timedelta

from django import forms, template

from .. import clock
from ..display import closes_in, uk_date, uk_time
from ..money import format_gbp
from ..pagination import pagination_links

register = template.Library()


@register.filter
def gbp(value) -> str:
    return format_gbp(value)


register.filter(uk_time)
register.filter(uk_date)


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


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    selected: bool
    id: str | None


@register.filter
def options(field) -> list[Option]:
    """The options of a choice field as its widget gives them (value, label, whether selected,
    and for radios and checkboxes each input's id), for govuk/field.html, without making a
    widget for each option: Django's BoundWidgets took longer than all the rest of a form's
    fields (a page of filters has twenty options)."""
    widget = field.field.widget
    value = field.value()
    if value is None and widget.allow_multiple_selected:
        value = []
    if not isinstance(value, list | tuple):
        value = [value]
    chosen = {"" if v is None else str(v) for v in value}
    # Only inputs of their own (radios, checkboxes) have ids; a select's options do not
    ids = widget.option_inherits_attrs and field.auto_id
    found, result = False, []
    for index, (option_value, label) in enumerate(field.field.choices):
        # Grouped choices (a label that is itself a list of choices) number their options
        # "<group>_<n>", as Django's ChoiceWidget.optgroups does.
        group = label if isinstance(label, list | tuple) else None
        members = group if group is not None else [(option_value, label)]
        for subindex, (member_value, member_label) in enumerate(members):
            text = "" if member_value is None else str(member_value)
            selected = (not found or widget.allow_multiple_selected) and text in chosen
            found |= selected
            number = f"{index}_{subindex}" if group is not None else str(index)
            result.append(
                Option(text, member_label, selected, f"{field.auto_id}_{number}" if ids else None)
            )
    return result


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


@register.inclusion_tag("govuk/countdown.html")
def deadline_countdown(deadline):
    """A live countdown in the last day before `deadline`; nothing before or after. The words
    are worked on the server (a page without JavaScript shows them as they were when it was
    made), and the script counts on from the server's time sent in the page, so a wrong clock
    on the bidder's computer cannot make the deadline look further away."""
    now = clock.now()
    if not deadline or not now < deadline <= now + timedelta(days=1):
        return {"show": False}
    return {
        "show": True,
        "deadline": deadline,
        "now": now,
        "words": closes_in(deadline - now),
    }
