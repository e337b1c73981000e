"""Forms for the evaluation pages. They parse input; the actions decide."""

from django import forms

NO_CONFLICT = "no"
CONFLICT = "yes"


def scale_choices(question) -> list[tuple[str, str]]:
    return [
        (str(level["score"]), f"{level['score']}: {level['descriptor']}")
        for level in sorted(question.scale, key=lambda level: level["score"])
    ]


class _ScoredForm(forms.Form):
    """A score chosen from the question's published scale, shown first, then the form's own
    fields: the reason for the score."""

    score_label = "Score"

    def __init__(self, *args, question, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = ", ".join(str(s) for s in question.allowed_scores)
        score = forms.TypedChoiceField(
            label=self.score_label,
            choices=scale_choices(question),
            coerce=int,
            widget=forms.RadioSelect,
            error_messages={
                "required": "Choose a score from the published scale",
                "invalid_choice": f"Choose a score from the published scale: {allowed}",
            },
        )
        self.fields = {"score": score, **self.fields}


class DeclarationForm(forms.Form):
    has_conflict = forms.ChoiceField(
        label="Do you have a conflict of interest in this procurement?",
        choices=[
            (NO_CONFLICT, "I have no conflict of interest"),
            (CONFLICT, "I have a conflict of interest"),
        ],
        widget=forms.RadioSelect,
        help_text="For example a financial interest in a bidder, or a close personal or "
        "business relationship with someone who works for one.",
        error_messages={"required": "Select whether you have a conflict of interest"},
    )
    details = forms.CharField(
        label="Details of the conflict (if you have one)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    @property
    def declares_conflict(self) -> bool:
        return self.cleaned_data["has_conflict"] == CONFLICT


class ScoreForm(_ScoredForm):
    score_label = "Your score"
    justification = forms.CharField(
        label="Justification",
        help_text="Explain how the answer meets the descriptor of the score you chose, with "
        "evidence from the answer.",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Write a justification for your score"},
    )


class ModerateForm(_ScoredForm):
    score_label = "Agreed score"
    rationale = forms.CharField(
        label="Why this score was agreed",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Record why this score was agreed"},
    )


class _EvaluatorsField(forms.MultipleChoiceField):
    """Checkboxes for the evaluators offered. People in `not_offered` (they declared a conflict
    of interest) have no checkbox, but a form posted with one of them goes on to the action,
    which refuses and says why, rather than a bare "not one of the available choices"."""

    def __init__(self, *, not_offered=(), **kwargs):
        super().__init__(**kwargs)
        self.not_offered = {str(pk) for pk in not_offered}

    def valid_value(self, value) -> bool:
        return str(value) in self.not_offered or super().valid_value(value)


class AssignForm(forms.Form):
    """A set of checkboxes per question: the evaluators who score it."""

    def __init__(self, *args, questions, evaluators, current, not_offered=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(user.pk), label) for user, label in evaluators]
        for question in questions:
            self.fields[self.name_for(question)] = _EvaluatorsField(
                label=f"Lot {question.lot.number}, question {question.number}: who scores it?",
                help_text=f"{question.get_kind_display()}, weight {question.weight:g}. "
                f"{question.text[:160]}",
                choices=choices,
                not_offered=not_offered,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                initial=[str(pk) for pk in current.get(question.pk, ())],
            )

    @staticmethod
    def name_for(question) -> str:
        return f"question_{question.pk}"

    def chosen(self, question) -> set[int]:
        return {int(pk) for pk in self.cleaned_data.get(self.name_for(question), [])}
