from django import forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm

from levelfield.suppliers.models import Region, Size

from .models import BUYER_ROLES, SUPPLIER_ROLES, ApiToken, Role


class SignInForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": "Enter a correct email address and password",
        "inactive": "This account is inactive",
    }


class RegisterSupplierForm(forms.Form):
    legal_name = forms.CharField(label="Organisation's legal name", max_length=200)
    companies_house_number = forms.CharField(
        label="Companies House number (optional)",
        max_length=10,
        required=False,
        help_text="8 characters, like 01234567 or SC123456. Leave empty if you are not "
        "registered with Companies House.",
    )
    size = forms.ChoiceField(
        label="Size",
        choices=Size.choices,
        widget=forms.RadioSelect,
        help_text="Micro: fewer than 10 staff. Small: fewer than 50. Medium: fewer than 250.",
    )
    is_vcse = forms.BooleanField(
        label="We are a voluntary, community or social enterprise (VCSE)", required=False
    )
    region = forms.ChoiceField(label="Region", choices=[("", "Choose a region"), *Region.choices])
    full_name = forms.CharField(
        label="Your full name",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label="Your email address",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label="Create a password",
        strip=False,
        help_text="At least 10 characters; not a common password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class TokenForm(forms.Form):
    """A new API token's name, what it may do and how long it lasts. The rules (the scopes and
    lifetimes there are) are `ApiToken`'s and `actions.create_api_token` checks them."""

    name = forms.CharField(
        label="Token name",
        max_length=100,
        help_text="What will use it, like 'finance system'",
        error_messages={"required": "Give the token a name, so you know what uses it"},
    )
    scope = forms.ChoiceField(
        label="What the token may do",
        choices=[
            (ApiToken.Scope.READ, "Read only: it can look things up but not change anything"),
            (
                ApiToken.Scope.READ_WRITE,
                "Read and write: it can do anything you can do through the API",
            ),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether the token may only read or may also change things",
            "invalid_choice": "Choose whether the token may only read or may also change things",
        },
    )
    lifetime_days = forms.TypedChoiceField(
        label="When the token expires",
        choices=[(days, f"After {days} days") for days in ApiToken.LIFETIMES_DAYS],
        coerce=int,
        initial=ApiToken.DEFAULT_LIFETIME_DAYS,
        widget=forms.RadioSelect,
        help_text="After that it stops working and you create a new one",
        error_messages={
            "required": "Choose when the token expires",
            "invalid_choice": "Choose when the token expires",
        },
    )


class InviteForm(forms.Form):
    email = forms.EmailField(label="Colleague's email address")
    role = forms.ChoiceField(label="Role", widget=forms.RadioSelect)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = BUYER_ROLES if organisation.is_buyer else SUPPLIER_ROLES
        self.fields["role"].choices = [(r.value, r.label) for r in Role if r in allowed]


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(label="Your full name", max_length=150)
    password = forms.CharField(
        label="Create a password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class ForgotPasswordForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        help_text="The address you sign in with",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )


class NewPasswordForm(SetPasswordForm):
    """The new password's rules are checked once, by `actions.reset_password`; this form only
    asks for it twice."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "New password"
        self.fields["new_password1"].help_text = "At least 10 characters; not a common password"
        self.fields["new_password2"].label = "Confirm new password"
        self.error_messages["password_mismatch"] = "The two passwords do not match"

    def clean(self):
        one = self.cleaned_data.get("new_password1")
        two = self.cleaned_data.get("new_password2")
        if one and two and one != two:
            self.add_error("new_password2", self.error_messages["password_mismatch"])
        return self.cleaned_data


class TwoFactorCodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The 6-digit code your authenticator app shows now, or one of your recovery "
        "codes",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "spellcheck": "false", "inputmode": "text"}
        ),
        error_messages={"required": "Enter the code from your authenticator app"},
    )
