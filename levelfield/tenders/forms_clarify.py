"""The buyer's answer form: the question as it will be published (as asked, edited or not at
all), the answer, and a confirmation. The rules are the action's
(actions_clarify.publication_problems); the form shows each problem at its field."""

from django import forms

from .actions_clarify import Publication, publication_problems


class AnswerForm(forms.Form):
    published_question = forms.CharField(
        label="Question as it will be published",
        help_text="Change it to take out anything that shows who asked, or their commercial "
        "details. The question as asked is kept for your team and in the audit trail; suppliers "
        "are told when a question was edited.",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    withhold_question = forms.BooleanField(
        label="Publish the answer alone, without the question",
        required=False,
    )
    answer = forms.CharField(
        label="Your answer",
        help_text="Published to every supplier on the opportunity page and emailed to every "
        "interested supplier, without the name of whoever asked.",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter your answer"},
    )
    confirm = forms.BooleanField(
        label="I understand that the answer is published and emailed to every interested "
        "supplier, and cannot be undone",
        error_messages={"required": "Confirm that you want to publish the answer"},
    )

    def __init__(self, *args, clarification, **kwargs):
        self.clarification = clarification
        kwargs.setdefault("initial", {})["published_question"] = clarification.question
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        problems = publication_problems(self.clarification, self.publication(cleaned))
        for name, message in problems.items():
            if name not in self.errors:
                self.add_error(name, message)
        return cleaned

    @staticmethod
    def publication(cleaned: dict) -> Publication:
        return Publication(
            answer=cleaned.get("answer") or "",
            published_question=cleaned.get("published_question") or "",
            withhold_question=bool(cleaned.get("withhold_question")),
        )
