"""Glue between pages and actions: a refused action becomes form errors or an error message,
so nothing is lost; and the form fields more than one app's pages use."""

from django import forms
from django.contrib import messages

from levelfield.core.errors import DomainError


def add_domain_error(form, exc: DomainError, field: str | None = None) -> None:
    """Show a refused action's message (and each detail) at the top of the form, or beside
    `field` when the refusal belongs to one."""
    for detail in exc.details or [exc.message]:
        form.add_error(field, detail)


def run_button_action(request, action, *, success: str) -> bool:
    """Call `action()` for a form that is only a button. There is no field to show a refusal
    beside, so the outcome becomes a message for the page the view redirects to: `success`, or
    the action's reason for refusing. True when the action went through."""
    try:
        action()
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, success)
    return True


class PoundsField(forms.DecimalField):
    """An amount in pounds. Accepts what people type, like '£50,000' or '1250.50'."""

    def __init__(self, *, label: str, noun: str, example: str = "50000", **kwargs):
        """`noun` names the amount in error messages, like 'the minimum value'."""
        messages = {
            "invalid": f"Enter {noun} as a number, like {example}",
            "max_digits": f"{noun.capitalize()} is too large",
            "max_whole_digits": f"{noun.capitalize()} is too large",
            "max_decimal_places": f"{noun.capitalize()} can have at most 2 decimal places",
            "min_value": f"{noun.capitalize()} must be £0 or more",
        }
        messages.update(kwargs.pop("error_messages", {}))
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"})
        )
        super().__init__(label=label, error_messages=messages, **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace(",", "").replace("£", "").strip()
        return super().to_python(value)


DATE_HINT = "For example, 27/3/2026"
# Dates typed in one box: 27/3/2026, 27-3-2026, 27.3.2026, 27 3 2026, 27 March 2026, 27 Mar
# 2026, or 2026-03-27 (the API's form, which a link can carry as it is).
DATE_INPUT_FORMATS = [
    "%d/%m/%Y",
    "%Y-%m-%d",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%d %m %Y",
    "%d %B %Y",
    "%d %b %Y",
]


class TypedDateField(forms.DateField):
    """A date typed in one box, the one date field of the pages that take a date as text.
    `noun` names it in the errors, with its article ("the date paid": "Enter the date paid")."""

    def __init__(self, *, label: str, noun: str, required: bool = True, **kwargs):
        kwargs.setdefault("help_text", DATE_HINT)
        super().__init__(
            label=label,
            required=required,
            input_formats=DATE_INPUT_FORMATS,
            error_messages={
                "required": f"Enter {noun}",
                "invalid": f"Enter {noun} as a real date, like 27/3/2026",
            },
            widget=forms.TextInput(attrs={"spellcheck": "false"}),
            **kwargs,
        )

    def to_python(self, value):
        if isinstance(value, str):
            value = " ".join(value.split())
        return super().to_python(value)


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """The form's choice field `name` (its own copy, in `form.fields`), typed as one, for the
    form's `__init__` to set its choices: `form.fields` holds fields of any kind."""
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{name} is not a choice field")
    return field
