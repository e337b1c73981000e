"""Forms for the contract record's pages. They parse what was typed; the actions in
`actions/records.py` decide, and their refusals are shown on the form."""

from django import forms
from django.utils.functional import lazy

from levelfield.core.forms import PoundsField

from . import change_rules
from .lifecycle import ContractStatus
from .models import Category, Risk, Tier

DATE_HINT = "For example, 27/3/2026"


def _date(label: str, noun: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        help_text=DATE_HINT,
        error_messages={"required": f"Enter the {noun}", "invalid": f"Enter a real {noun}"},
    )


class ManagerChoice(forms.ModelChoiceField):
    def label_from_instance(self, membership):
        return f"{membership.user} ({membership.get_role_display().lower()})"


def _manager_field(people) -> ManagerChoice:
    return ManagerChoice(
        queryset=people,
        required=False,
        label="Contract manager",
        empty_label="No one yet",
        help_text="One of your organisation's people. Each tier expects a contract manager "
        "accredited at its level.",
    )


class ContractDetailsForm(forms.Form):
    """The details of a contract, as entered by hand or edited."""

    reference = forms.CharField(
        label="Your reference",
        max_length=60,
        required=False,
        help_text="Unique among your contracts. Leave empty for the next LE-year-number.",
    )
    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Enter the contract's title"}
    )
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    category = forms.ChoiceField(
        label="Main category",
        choices=Category.choices,
        initial=Category.SERVICES,
        widget=forms.RadioSelect,
        # From the rules' version in force when the page is shown (a lazy text).
        help_text=lazy(lambda: change_rules.category_help_text(change_rules.current()), str)(),
    )
    notice_reference = forms.CharField(
        label="Notice reference",
        max_length=100,
        required=False,
        help_text="Where the contract was published: the Find a Tender or Contracts Finder notice.",
    )
    value = PoundsField(label="Value (£)", noun="the contract value", example="125000")
    start_date = _date("Start date", "start date")
    end_date = _date("End date", "end date")
    supplier_contact_name = forms.CharField(
        label="Supplier contact's name", max_length=150, required=False
    )
    supplier_contact_email = forms.EmailField(
        label="Supplier contact's email",
        required=False,
        help_text="Told when the contract is suspended or resumed.",
        error_messages={"invalid": "Enter an email address, like name@example.com"},
    )
    risk = forms.ChoiceField(
        label="Risk", choices=Risk.choices, initial=Risk.LOW, widget=forms.RadioSelect
    )
    critical = forms.BooleanField(
        label="Critical to the authority's services",
        required=False,
        help_text="A critical contract is gold tier whatever its value.",
    )
    outcome_measure = forms.CharField(
        label="Outcome measure",
        max_length=100,
        required=False,
        help_text="What the contract delivers, counted: people housed, repairs done, listeners.",
    )

    def details(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields if name in self.cleaned_data}


class EnterContractForm(ContractDetailsForm):
    supplier_identifier = forms.CharField(
        label="Supplier",
        max_length=40,
        help_text="The supplier's levelfield identifier (like GB-LEVELFIELD-12) or Companies "
        "House number. A supplier not yet on levelfield registers first, free.",
        error_messages={"required": "Enter the supplier's identifier"},
    )
    field_order = ["reference", "title", "description", "category", "supplier_identifier"]

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract_manager"] = _manager_field(people)

    def details(self) -> dict:
        found = super().details()
        membership = found.pop("contract_manager", None)
        found["contract_manager"] = membership.user if membership else None
        return found


class EditContractForm(ContractDetailsForm):
    """Value, dates and reference only while the contract is recorded: afterwards they change
    through a contract change."""

    def __init__(self, *args, contract, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reference"].required = True
        self.fields["reference"].help_text = "Unique among your contracts."
        if contract.status != ContractStatus.RECORDED:
            for name in ("reference", "value", "start_date", "end_date"):
                del self.fields[name]


class ManagerForm(forms.Form):
    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager"] = _manager_field(people)

    def manager(self):
        membership = self.cleaned_data.get("manager")
        return membership.user if membership else None


class OptionForm(forms.Form):
    description = forms.CharField(
        label="Option to extend",
        max_length=200,
        error_messages={"required": "Describe the option to extend"},
        help_text="For example, a further 12 months on the same terms.",
    )
    months = forms.IntegerField(
        label="Months it adds",
        min_value=1,
        max_value=600,
        error_messages={
            "required": "Enter how many months the option adds",
            "invalid": "Enter the months as a whole number",
            "min_value": "An option extends the contract by 1 to 600 months",
            "max_value": "An option extends the contract by 1 to 600 months",
        },
    )
    value = PoundsField(
        label="Value it adds (£)", noun="the option's value", required=False, min_value=0
    )


class DocumentForm(forms.Form):
    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Enter the document's title"}
    )
    file = forms.FileField(label="File", error_messages={"required": "Choose a file to upload"})


class SuspendForm(forms.Form):
    reason = forms.CharField(
        label="Why is the contract suspended?",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The supplier's contact is sent this.",
        error_messages={"required": "Say why the contract is suspended"},
    )


FLAGGED_CHOICES = [("", "All contracts"), ("yes", "Needs attention"), ("no", "No flags")]


class RegisterFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *ContractStatus.choices]
    )
    tier = forms.ChoiceField(
        label="Tier", required=False, choices=[("", "Any tier"), *Tier.choices]
    )
    manager = forms.TypedChoiceField(
        label="Contract manager", required=False, coerce=int, empty_value=None
    )
    flagged = forms.ChoiceField(label="Flags", required=False, choices=FLAGGED_CHOICES)

    def __init__(self, *args, managers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager"].choices = [
            ("", "Anyone"),
            ("0", "No manager"),
            *[(str(m.pk), str(m)) for m in managers],
        ]
