"""Forms of the spend pages: searching the known organisations, and resolving a supplier name
to one of them or to none."""

from django import forms

NOT_KNOWN = "none"
QUERY_MAX = 200


class OrganisationSearchForm(forms.Form):
    q = forms.CharField(
        label="Search the organisations we know",
        help_text="A name, or a Companies House number",
        max_length=QUERY_MAX,
        required=False,
        error_messages={"max_length": f"Enter {QUERY_MAX} characters or fewer"},
    )


class ResolveForm(forms.Form):
    """The organisation a supplier name is, among `organisations` (the search's results), or
    none of those we know."""

    choice = forms.ChoiceField(
        label="Which organisation is it?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the organisation, or say it is not an organisation we know",
            "invalid_choice": "Choose one of the organisations listed, or search again",
        },
    )

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = {str(org.pk): org for org in organisations}
        self.fields["choice"].choices = [(str(org.pk), label(org)) for org in organisations] + [
            (NOT_KNOWN, "None of these: not an organisation we know")
        ]

    def organisation(self):
        """The organisation chosen, None for "not an organisation we know"."""
        return self.organisations.get(self.cleaned_data["choice"])


def label(org) -> str:
    facts = [org.identifier]
    if org.sme is not None:
        facts.append("SME" if org.sme else "large")
    if org.vcse:
        facts.append("VCSE")
    return f"{org.name} ({', '.join(facts)})"
