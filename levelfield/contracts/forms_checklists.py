"""Forms for stage checklists and accreditation. They parse what was typed; the actions in
`actions/checklists.py` and `actions/accreditation.py` decide, and their refusals are shown on
the form."""

from django import forms

from .actions.checklists import MOST_OFFSET_DAYS
from .models import AccreditationLevel, Anchor, Stage

DATE_HINT = "For example, 27/3/2026"


class TemplateItemForm(forms.Form):
    stage = forms.ChoiceField(
        label="Stage",
        choices=Stage.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the stage"},
    )
    text = forms.CharField(
        label="What has to be done",
        max_length=300,
        error_messages={"required": "Enter what has to be done"},
    )
    anchor = forms.ChoiceField(
        label="Due date counts from",
        choices=Anchor.choices,
        initial=Anchor.START,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the item counts from the start or the end"},
    )
    offset_days = forms.IntegerField(
        label="Days after that date",
        initial=0,
        min_value=-MOST_OFFSET_DAYS,
        max_value=MOST_OFFSET_DAYS,
        help_text="Use a minus sign for days before it, for example -30.",
        error_messages={"required": "Enter the number of days", "invalid": "Enter a whole number"},
    )


class OwnerChoice(forms.ModelChoiceField):
    def label_from_instance(self, membership):
        return f"{membership.user} ({membership.get_role_display().lower()})"


class OwnerForm(forms.Form):
    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"] = OwnerChoice(
            queryset=people,
            required=False,
            label="Owner",
            empty_label="No one (the contract manager is reminded)",
        )


class DueDateForm(forms.Form):
    due_on = forms.DateField(
        label="Due date",
        help_text=DATE_HINT,
        error_messages={"required": "Enter the due date", "invalid": "Enter a real due date"},
    )


class DoneForm(forms.Form):
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AccreditationForm(forms.Form):
    level = forms.TypedChoiceField(
        label="Accreditation level",
        choices=AccreditationLevel.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the accreditation level"},
    )
    reference = forms.CharField(
        label="Certificate reference (optional)", max_length=100, required=False
    )
    awarded_on = forms.DateField(
        label="Date awarded (optional)",
        required=False,
        help_text=DATE_HINT,
        error_messages={"invalid": "Enter a real date"},
    )
