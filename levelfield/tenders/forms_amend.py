"""The buyer's amendment form: new deadlines, a new version or withdrawal of each current
document, and the reason. The rules are the action's (actions_amend); the form only reads what
was typed."""

from django import forms

from .actions_amend import Amendment
from .forms import GovukDateField, TenderForm, format_uk_time

KEEP, REPLACE, WITHDRAW = "keep", "replace", "withdraw"


class AmendForm(forms.Form):
    clarification_date = GovukDateField(label="Clarification deadline date", required=False)
    clarification_time = forms.CharField(
        label="Clarification deadline time (UK time)",
        required=False,
        help_text="For example, 5pm or 17:00",
    )
    submission_date = GovukDateField(label="Submission deadline date", required=False)
    submission_time = forms.CharField(
        label="Submission deadline time (UK time)",
        required=False,
        help_text="For example, 12pm or 12:00",
    )
    reason = forms.CharField(
        label="Why are you amending this tender?",
        help_text="Published with the amendment and emailed to every interested supplier.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say why the tender is being amended"},
    )
    confirm = forms.BooleanField(
        label="I understand that the amendment is published and emailed to every interested "
        "supplier, and cannot be undone",
        error_messages={"required": "Confirm that you want to publish the amendment"},
    )

    # The deadline typed as a date and a UK time (the tender form's own reading).
    _deadline = TenderForm._deadline

    def __init__(self, *args, tender, **kwargs):
        self.tender = tender
        initial = kwargs.setdefault("initial", {})
        for name in ("clarification", "submission"):
            moment = getattr(tender, f"{name}_deadline")
            if moment:
                initial[f"{name}_date"], initial[f"{name}_time"] = format_uk_time(moment)
        super().__init__(*args, **kwargs)
        self.documents = [d for d in tender.documents.all() if d.is_current]
        for document in self.documents:
            self.fields[f"document_{document.pk}"] = forms.ChoiceField(
                label=f"“{document.title}”",
                choices=[
                    (KEEP, "Keep as it is"),
                    (REPLACE, "Replace with a new version"),
                    (WITHDRAW, "Withdraw"),
                ],
                initial=KEEP,
                widget=forms.RadioSelect,
                required=False,
            )
            self.fields[f"document_{document.pk}_file"] = forms.FileField(
                label=f"New version of “{document.title}”",
                required=False,
                help_text="PDF, DOCX, XLSX, ODT, ODS, CSV or TXT",
            )

    def document_fields(self):
        """(choice, file) bound fields for each current document, for the template."""
        return [(self[f"document_{d.pk}"], self[f"document_{d.pk}_file"]) for d in self.documents]

    def clean(self):
        cleaned = super().clean()
        for name in ("clarification", "submission"):
            if f"{name}_date" not in self.errors:
                typed = self._deadline(name)
                current = getattr(self.tender, f"{name}_deadline")
                # Shown to the minute: left as shown, the deadline is not changed.
                unchanged = typed and current and format_uk_time(typed) == format_uk_time(current)
                cleaned[f"{name}_deadline"] = None if unchanged else typed
        for document in self.documents:
            choice = cleaned.get(f"document_{document.pk}") or KEEP
            if choice == REPLACE and not cleaned.get(f"document_{document.pk}_file"):
                self.add_error(
                    f"document_{document.pk}_file",
                    f"Choose the new version of “{document.title}”",
                )
        return cleaned

    def amendment(self) -> Amendment:
        data = self.cleaned_data
        choices = {d.pk: data.get(f"document_{d.pk}") or KEEP for d in self.documents}
        return Amendment(
            reason=data["reason"],
            clarification_deadline=data.get("clarification_deadline"),
            submission_deadline=data.get("submission_deadline"),
            replacements={
                pk: data[f"document_{pk}_file"] for pk, c in choices.items() if c == REPLACE
            },
            withdrawals=[pk for pk, c in choices.items() if c == WITHDRAW],
        )
