"""Forms for the award and contract pages. They parse input; the actions decide."""

from datetime import datetime, time, timedelta

from django import forms

from levelfield.core.clock import UK

DATE_HINT = "For example, 27/3/2026"


class AwardForm(forms.Form):
    """The reason for the decision and, for each lot with bids level after the tie-break, the
    buyer's choice of winner."""

    reason = forms.CharField(
        label="Reason for the decision",
        required=False,
        help_text="Needed if you choose between bids that are level after the tie-break.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, tied_lots, **kwargs):
        super().__init__(*args, **kwargs)
        choices = {}
        for lot, options in tied_lots:
            choices[self.name_for(lot)] = forms.ChoiceField(
                label=f"Lot {lot.number}: the bids below are level after the tie-break. "
                "Which one wins?",
                choices=[(str(bid_id), label) for bid_id, label in options],
                widget=forms.RadioSelect,
                error_messages={"required": f"Lot {lot.number}: choose the winning bid"},
            )
        self.fields = {**choices, **self.fields}
        self.lots = [lot for lot, _ in tied_lots]

    @staticmethod
    def name_for(lot) -> str:
        return f"lot_{lot.pk}"

    @property
    def tie_fields(self):
        return [self[self.name_for(lot)] for lot in self.lots]

    def choices(self) -> dict[int, int]:
        return {lot.pk: int(self.cleaned_data[self.name_for(lot)]) for lot in self.lots}


class ExclusionDecisionForm(forms.Form):
    """The buyer's s.57 decision on one flagged organisation of one bid."""

    bid = forms.IntegerField(widget=forms.HiddenInput)
    organisation = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[
            ("exclude", "Exclude: disregard this tender"),
            ("not_exclude", "Do not exclude"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to exclude the supplier"},
    )
    reasons = forms.CharField(
        label="Reasons",
        help_text="Whether the circumstances are continuing or likely to occur again, and any "
        "steps the supplier has taken (s.57, s.58).",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give the reasons for your decision"},
    )

    def __init__(self, *args, bid_id: int, organisation, **kwargs):
        """One form for each flagged organisation of each bid on the page: its fields' ids name
        the row, so the error summary links to the very field that needs correcting."""
        kwargs.setdefault("auto_id", f"exclusion-{bid_id}-{organisation.pk}-%s")
        super().__init__(*args, **kwargs)
        name = organisation.name
        self.fields["decision"].label = f"Is {name} excluded from this bid?"
        self.fields["decision"].error_messages["required"] = (
            f"Choose whether to exclude {name} from this bid"
        )
        self.fields["reasons"].label = f"Reasons for your decision on {name}"
        self.fields["reasons"].error_messages["required"] = (
            f"Give the reasons for your decision on {name}"
        )


class NoticeForm(forms.Form):
    ends_on = forms.DateField(
        label="Last day of the standstill (optional)",
        required=False,
        help_text="Leave empty for the statutory end. To allow longer, enter the last day: the "
        f"standstill ends at midnight at the end of that day. {DATE_HINT}",
        error_messages={"invalid": "Enter a real date, like 27/3/2026"},
    )

    def ends_at(self) -> datetime | None:
        """Midnight (UK time) at the end of the day entered."""
        day = self.cleaned_data.get("ends_on")
        if day is None:
            return None
        return datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=UK)


class ContractForm(forms.Form):
    value = forms.DecimalField(
        label="Contract value (£)",
        max_digits=14,
        decimal_places=2,
        help_text="The total value of the contract, as signed.",
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={
            "required": "Enter the contract value",
            "invalid": "Enter the contract value as a number, like 125000.00",
        },
    )
    start_date = forms.DateField(
        label="Start date",
        help_text=DATE_HINT,
        error_messages={"required": "Enter the start date", "invalid": "Enter a real start date"},
    )
    end_date = forms.DateField(
        label="End date",
        help_text=DATE_HINT,
        error_messages={"required": "Enter the end date", "invalid": "Enter a real end date"},
    )
