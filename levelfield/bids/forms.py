"""The supplier's bid form (price and one answer per question) and the attachment upload."""

from decimal import Decimal

from django import forms
from django.conf import settings

from levelfield.core.forms import PoundsField


class BidForm(forms.Form):
    price = PoundsField(
        label="Your price (£)",
        noun="your price",
        example="125000",
        required=False,
        min_value=Decimal("0.01"),
        help_text="The total price for this lot, in pounds, like 125000 or 125000.50",
        error_messages={"min_value": "The price must be more than £0"},
    )

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            self.fields[self.answer_name(question)] = forms.CharField(
                label=f"Your answer to question {question.number}",
                required=False,
                max_length=50000,
                widget=forms.Textarea(attrs={"rows": 10}),
            )

    @staticmethod
    def answer_name(question) -> str:
        return f"answer_{question.pk}"

    def question_fields(self) -> list:
        """(question, its answer field) in question order, for the template."""
        return [(q, self[self.answer_name(q)]) for q in self.questions]

    def answers(self) -> dict[int, str]:
        """The answers sent with this form. A question whose field was not sent is left as it
        is, so a button-only post changes nothing it does not carry."""
        return {
            q.pk: self.cleaned_data[self.answer_name(q)]
            for q in self.questions
            if self.answer_name(q) in self.data
        }


class AttachmentForm(forms.Form):
    prefix = "attachment"

    title = forms.CharField(
        label="Title (optional)",
        required=False,
        max_length=200,
        help_text="What the file is, like 'Method statement'. Leave empty to use the file name.",
    )
    file = forms.FileField(
        label="Upload a file",
        error_messages={"required": "Choose a file to upload"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # The upload's fields belong to the bid form, so "Upload file" also saves the
            # answers typed (the button posts the bid form to the upload address).
            field.widget.attrs["form"] = "bid-form"
        types = ", ".join(ext.upper() for ext in settings.LEVELFIELD_UPLOAD_EXTENSIONS)
        limit = settings.LEVELFIELD_BID_UPLOAD_MAX_BYTES
        self.fields["file"].help_text = f"{types}; up to {limit // (1024 * 1024)}MB"
        # The limits the server applies, for the page's script to check a file when it is
        # chosen (bids/_attachments.html).
        self.limits = {
            "max_bytes": limit,
            "max_label": f"{limit // (1024 * 1024)}MB",
            "extensions": ",".join(settings.LEVELFIELD_UPLOAD_EXTENSIONS),
            "types": types,
            "chunk_bytes": settings.LEVELFIELD_BID_UPLOAD_CHUNK_BYTES,
        }
