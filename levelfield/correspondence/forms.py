"""The buyer's form to write to a bidder and either side's reply. The limits are the
action's (actions.SUBJECT_MAX, BODY_MAX); the action checks them again, with the upload."""

from django import forms
from django.conf import settings

from .actions import BODY_MAX, SUBJECT_MAX
from .models import Purpose


def _file_help() -> str:
    types = ", ".join(ext.upper() for ext in settings.LEVELFIELD_UPLOAD_EXTENSIONS)
    limit = settings.LEVELFIELD_UPLOAD_MAX_BYTES // (1024 * 1024)
    return f"Optional. {types}; up to {limit}MB"


class MessageForm(forms.Form):
    body = forms.CharField(
        label="Message",
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": "Enter a message",
            "max_length": f"The message must be {BODY_MAX:,} characters or fewer",
        },
    )
    attachment = forms.FileField(label="Attach a file", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachment"].help_text = _file_help()

    def attachments(self) -> list:
        upload = self.cleaned_data.get("attachment")
        return [upload] if upload else []


class StartThreadForm(MessageForm):
    supplier = forms.TypedChoiceField(
        label="Which bidder are you writing to?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the bidder to write to"},
    )
    purpose = forms.ChoiceField(
        label="What is it about?",
        choices=Purpose.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the correspondence is about"},
    )
    subject = forms.CharField(
        label="Subject",
        max_length=SUBJECT_MAX,
        help_text="Only the bidder and your colleagues who run the tender see it",
        error_messages={
            "required": "Enter a subject",
            "max_length": f"The subject must be {SUBJECT_MAX} characters or fewer",
        },
    )

    field_order = ["supplier", "purpose", "subject", "body", "attachment"]

    def __init__(self, *args, bidders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplier"].choices = [(b.pk, b.name) for b in bidders]
