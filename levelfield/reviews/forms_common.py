"""What the review pages' forms share: several files in one field, and a refused action shown
beside the field it is about (`case_rules.FIELD_FOR_CODE`), so every rule is checked once, in
the domain, and the pages only place its words."""

from django import forms

from levelfield.core.errors import DomainError
from levelfield.core.forms import add_domain_error

from . import case_rules


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Up to `case_rules.MAX_EVIDENCE_FILES` files in one input (none is fine: the action
    checks each file, and how many)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


def field_for(exc: DomainError, form, *, text_field: str = "") -> str | None:
    """The form field a refusal belongs beside, or None for the error summary alone. A text that
    names the raiser (`names_the_raiser`, field "text") goes beside the step's text field."""
    field = case_rules.FIELD_FOR_CODE.get(exc.code)
    if field == "text":
        field = text_field or None
    return field if field in form.fields else None


def show_domain_error(form, exc: DomainError, *, text_field: str = "") -> None:
    """Show a refused action's message beside its field (or at the top of the form)."""
    add_domain_error(form, exc, field_for(exc, form, text_field=text_field))


def posted(request) -> tuple:
    """A form's data and files: bound on a POST (even an empty one), unbound otherwise."""
    if request.method == "POST":
        return request.POST, request.FILES
    return None, None
