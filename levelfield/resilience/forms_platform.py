"""Forms of the platform admin's pages: whom to give a platform role (the resilience team,
or the review service's reviewer and review manager), and why a
supplier is (or is no longer) strategic. The actions (`actions.grant_platform_role`,
`mark_strategic`, `unmark_strategic`) decide; their refusals are shown beside the field."""

from django import forms

from .models import PlatformRoleKind


class GrantForm(forms.Form):
    email = forms.CharField(
        label="Email address",
        max_length=254,
        help_text="The person must already have an account on levelfield",
        widget=forms.EmailInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
        error_messages={
            "required": "Enter the email address of the person to give the role",
            "max_length": "An email address is 254 characters or fewer",
        },
    )

    role = forms.ChoiceField(
        label="Role",
        choices=PlatformRoleKind.choices,
        initial=PlatformRoleKind.RESILIENCE_TEAM,
        required=False,
        widget=forms.RadioSelect,
        help_text="Reviewers triage and investigate procurement review cases; review managers "
        "also close them and publish their outcomes",
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, label: str, hint: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].help_text = hint
