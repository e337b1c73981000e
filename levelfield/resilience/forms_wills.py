"""Forms of the living will pages. They parse what was typed into one item of a section (text
stays text, a number becomes a whole number, one line per entry becomes a list); the rules are
`content.validate`'s, run by the action, and each of its refusals is shown beside the field it
is about (`show_refusal`), or at the top of the form when it is about no field of this item."""

import re

from django import forms

from levelfield.core.errors import DomainError

DATE_HINT = "For example, 27/3/2027"
LINES_HINT = "One on each line"


def _text(label: str, hint: str = "", *, rows: int | None = None) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(label=label, required=False, help_text=hint, strip=False, widget=widget)


class LinesField(forms.CharField):
    """Text with one entry on each line, read as a list (blank lines left out)."""

    def __init__(self, *, label: str, hint: str = LINES_HINT, rows: int = 4):
        super().__init__(
            label=label,
            required=False,
            help_text=hint,
            widget=forms.Textarea(attrs={"rows": rows}),
        )

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(value)
        return value

    def clean(self, value):
        value = super().clean(value)
        return [line.strip() for line in (value or "").splitlines() if line.strip()]


class WholeNumberField(forms.CharField):
    """A whole number as people type it ("1,200", "£50,000"); empty is None."""

    def __init__(self, *, label: str, noun: str, hint: str = "", example: str = "1200"):
        self.noun, self.example = noun, example
        super().__init__(
            label=label,
            required=False,
            help_text=hint,
            max_length=30,
            widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        )

    def clean(self, value):
        value = (super().clean(value) or "").replace(",", "").replace("£", "").strip()
        if not value:
            return None
        if not re.fullmatch(r"-?[0-9]+", value):
            raise forms.ValidationError(f"Enter {self.noun} as a whole number, like {self.example}")
        return int(value)


class ItemForm(forms.Form):
    """One item of a section. `REFUSALS` says which of `content.validate`'s messages about item
    number n belong beside which field (patterns with {n})."""

    REFUSALS: dict[str, tuple[str, ...]] = {}

    def item(self) -> dict:
        return dict(self.cleaned_data)

    def show_refusal(self, exc: DomainError, number: int) -> None:
        for detail in exc.details or [exc.message]:
            field = next(
                (
                    name
                    for name, patterns in self.REFUSALS.items()
                    if any(re.search(p.format(n=number), detail) for p in patterns)
                ),
                None,
            )
            self.add_error(field, detail)


class EntityForm(ItemForm):
    name = _text("Name")
    company_number = _text(
        "Companies House number", "8 characters, like 01234567 or SC123456 (if registered)"
    )
    parent = forms.ChoiceField(label="Owned by", required=False)

    REFUSALS = {
        "name": (r"name of entity {n}\b",),
        "company_number": (r"Companies House number of entity {n}\b",),
        "parent": (r"parent of entity {n}\b", r"^Entity {n} cannot be its own parent"),
    }

    def __init__(self, *args, others=(), **kwargs):
        """`others`: the group's other entities, any of which may own this one."""
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = [("", "Nobody in the group: it is at the top")] + [
            (e["company_number"], f"{e['name']} ({e['company_number']})")
            for e in others
            if e.get("company_number")
        ]


class OtherContractForm(ItemForm):
    title = _text("Title")
    authority = _text("Authority", "The public body the contract is with")
    annual_value = WholeNumberField(
        label="Annual value in pounds", noun="the annual value", example="250000"
    )

    REFUSALS = {
        "title": (r"title of other contract {n}\b",),
        "authority": (r"authority of other contract {n}\b",),
        "annual_value": (r"annual value of other contract {n}\b",),
    }


class ServiceForm(ItemForm):
    name = _text("Name of the service")
    authorities = LinesField(label="Authorities relying on it", hint="One authority on each line")
    people_served = WholeNumberField(
        label="People served", noun="the number of people served", hint="About how many people"
    )

    REFUSALS = {
        "name": (r"name of service {n}\b", r"^Each service must have a different name"),
        "authorities": (r"relying on service {n}\b",),
        "people_served": (r"people served by service {n}\b",),
    }

    def item(self) -> dict:
        """The fields, keeping the contracts the service names (given through the API)."""
        item = dict(self.cleaned_data)
        if (self.initial or {}).get("contracts"):
            item["contracts"] = list(self.initial["contracts"])
        return item


class DependencyForm(ItemForm):
    name = _text("Name", "The subcontractor, or the group company relied on")
    kind = forms.ChoiceField(
        label="Kind",
        required=False,
        widget=forms.RadioSelect,
        choices=[("subcontractor", "Key subcontractor"), ("intra_group", "Intra-group dependency")],
    )
    services = forms.MultipleChoiceField(
        label="Services that depend on it", required=False, widget=forms.CheckboxSelectMultiple
    )

    REFUSALS = {
        "name": (r"name of dependency {n}\b",),
        "kind": (r"kind of dependency {n}\b",),
        "services": (r"Service of dependency {n}\b", r"^Dependency {n} names an unknown service"),
    }

    def __init__(self, *args, services=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["services"].choices = [(s, s) for s in services]

    def item(self) -> dict:
        return {**self.cleaned_data, "kind": self.cleaned_data["kind"] or None}


class PlanForm(ItemForm):
    service = forms.ChoiceField(label="Service", required=False)
    steps = LinesField(
        label="Steps to transfer the service or take it in-house", hint="One step on each line"
    )
    days_to_transfer = WholeNumberField(
        label="Days needed to transfer it", noun="the days to transfer", example="30"
    )
    # A field named like BaseForm.data, which it does not replace: Django's form metaclass takes
    # declared fields out of the class (into base_fields); django-stubs cannot know that.
    data = _text("Data involved", "What data moves, and how", rows=3)  # type: ignore[assignment]
    assets = _text("Assets involved", "Premises, vehicles, equipment, systems", rows=3)
    staff = _text("Staff involved (TUPE)", "Who would transfer under TUPE", rows=3)
    tell = LinesField(label="Who must be told", hint="One on each line")

    REFUSALS = {
        "service": (
            r"service of continuity plan {n}\b",
            r"^Continuity plan {n} names an unknown service",
            r"^Each service has one continuity plan",
        ),
        "steps": (r"Step of continuity plan {n}\b",),
        "days_to_transfer": (r"days to transfer in continuity plan {n}\b",),
        "data": (r"^data must\b", r"^Enter data$"),
        "assets": (r"^assets must\b", r"^Enter assets$"),
        "staff": (r"^staff must\b", r"^Enter staff$"),
        "tell": (r"Who to tell in continuity plan {n}\b",),
    }

    def __init__(self, *args, services=(), **kwargs):
        """`services`: the services without a plan of their own (and this plan's)."""
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", "Choose a service")] + [(s, s) for s in services]


class OwnerForm(forms.Form):
    owner = forms.ChoiceField(label="Owner", required=False, help_text="Who keeps it up to date")
    review_date = forms.DateField(
        label="Review date",
        required=False,
        help_text=f"When it will next be reviewed. {DATE_HINT}",
        error_messages={"invalid": "Enter a real review date"},
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", "Nobody yet")] + [
            (str(p.pk), f"{p.full_name} ({p.email})") for p in people
        ]

    def show_refusal(self, exc: DomainError) -> None:
        self.add_error("owner" if exc.code == "owner_not_a_member" else None, exc.message)


class LinkedContractsForm(forms.Form):
    contracts = forms.MultipleChoiceField(
        label="Your contracts on the platform",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose each one the living will covers",
    )

    def __init__(self, *args, contracts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contracts"].choices = [
            (str(c.pk), f"{c.reference}: {c.title} ({c.buyer.name})") for c in contracts
        ]

    def ids(self) -> list[int]:
        return [int(i) for i in self.cleaned_data["contracts"]]
