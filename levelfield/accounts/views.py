from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, PasswordResetConfirmView
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from levelfield.core import clock
from levelfield.core.errors import DomainError
from levelfield.core.forms import add_domain_error
from levelfield.resilience.rules import is_resilience_team
from levelfield.suppliers.actions import register_supplier

from . import actions, two_factor
from .forms import (
    AcceptInvitationForm,
    ForgotPasswordForm,
    InviteForm,
    NewPasswordForm,
    RegisterSupplierForm,
    SignInForm,
    TokenForm,
    TwoFactorCodeForm,
)
from .models import ApiToken, User
from .selectors import SESSION_KEY, memberships_of

PENDING = "_two_factor_pending"


class SignInView(LoginView):
    """Email and password; then, for someone with two-factor sign-in on, the code
    (`two_factor_code`): until it is right they are not signed in."""

    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if not two_factor.has_two_factor(user):
            return super().form_valid(form)
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "next": self.get_success_url(),
        }
        return redirect("accounts:two_factor_code")


def two_factor_code(request):
    from django_otp import login as otp_login

    pending = request.session.get(PENDING)
    if not pending:
        return redirect("accounts:login")
    user = get_object_or_404(User, pk=pending["user"], is_active=True)
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = two_factor.device_for_code(user=user, code=form.cleaned_data["code"])
        if device is None:
            form.add_error("code", "The code is not right. Enter the code your app shows now")
        else:
            del request.session[PENDING]
            login(request, user, backend=pending["backend"])
            otp_login(request, device)
            return redirect(pending["next"])
    return render(request, "accounts/two_factor_code.html", {"form": form})


@login_required
def two_factor_setup(request):
    """Show a new key (as a setup key and an otpauth link) and check a code from it before
    two-factor sign-in is switched on."""
    user = request.user
    form = TwoFactorCodeForm(request.POST or None)
    form.fields["code"].help_text = "The 6-digit code your authenticator app shows now"
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_factor.confirm_setup(user=user, code=form.cleaned_data["code"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            request.session["_recovery_codes"] = codes
            return redirect("accounts:two_factor_recovery_codes")
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = two_factor.start_setup(user=user)
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "secret": two_factor.secret_of(device),
            "uri": two_factor.otpauth_uri(device),
            "already_on": two_factor.has_two_factor(user),
            "required": two_factor.must_have_two_factor(user),
        },
    )


@login_required
def two_factor_recovery_codes(request):
    codes = request.session.pop("_recovery_codes", None)
    if not codes:
        return redirect("accounts:account")
    return render(request, "accounts/two_factor_recovery_codes.html", {"codes": codes})


@login_required
@require_POST
def two_factor_turn_off(request):
    try:
        two_factor.turn_off(user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Two-factor sign-in is off")
    return redirect("accounts:account")


@require_POST
def sign_out(request):
    logout(request)
    messages.success(request, "You have signed out")
    return redirect("public:home")


def register(request):
    form = RegisterSupplierForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = register_supplier(**form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                f"{membership.organisation} is registered. We have emailed a link to "
                f"{membership.user.email}: follow it to confirm your address before you bid",
            )
            return redirect("accounts:dashboard")
    return render(request, "accounts/register.html", {"form": form})


@login_required
def dashboard(request):
    organisation = request.organisation
    if organisation is None:
        # The resilience team is a platform role: its people may belong to no organisation.
        return render(
            request,
            "accounts/no_organisation.html",
            {"resilience_team": is_resilience_team(request.user)},
        )
    if organisation.is_buyer:
        return redirect("tenders:dashboard")
    return redirect("bids:dashboard")


@login_required
@require_POST
def switch_organisation(request, organisation_id: int):
    if not memberships_of(request.user).filter(organisation_id=organisation_id).exists():
        raise Http404
    request.session[SESSION_KEY] = organisation_id
    return redirect("accounts:dashboard")


@login_required
def account(request):
    return render(
        request,
        "accounts/account.html",
        {
            "memberships": memberships_of(request.user),
            "two_factor_on": two_factor.has_two_factor(request.user),
            "tokens": request.user.api_tokens.filter(revoked_at__isnull=True),
            "now": clock.now(),
            "invite_form": InviteForm(organisation=request.organisation)
            if request.organisation
            and request.user.has_perm("accounts.invite_member", request.organisation)
            else None,
        },
    )


@login_required
def create_token(request):
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = actions.create_api_token(user=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return render(
                request, "accounts/token_created.html", {"token": token, "secret": secret}
            )
    return render(request, "accounts/token_form.html", {"form": form})


@login_required
@require_POST
def revoke_token(request, token_id: int):
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user, revoked_at__isnull=True)
    actions.revoke_api_token(token=token, by=request.user)
    messages.success(request, f"Token '{token.name}' revoked")
    return redirect("accounts:account")


@login_required
def invite(request):
    organisation = request.organisation
    if organisation is None or not request.user.has_perm("accounts.invite_member", organisation):
        raise Http404
    form = InviteForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            actions.invite_member(organisation=organisation, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"Invitation sent to {form.cleaned_data['email']}")
            return redirect("accounts:account")
    return render(request, "accounts/invite.html", {"form": form})


def accept_invitation(request, token: str):
    invitation = actions.invitation_for(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    existing = request.user if request.user.is_authenticated else None
    form = AcceptInvitationForm(request.POST or None)
    if existing:
        form.fields["full_name"].required = False
        form.fields["password"].required = False
    if request.method == "POST" and form.is_valid():
        try:
            membership = actions.accept_invitation(token=token, user=existing, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            if not existing:
                login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            request.session[SESSION_KEY] = membership.organisation_id
            messages.success(request, f"You have joined {membership.organisation}")
            return redirect("accounts:dashboard")
    return render(
        request,
        "accounts/accept_invitation.html",
        {"form": form, "invitation": invitation, "existing": existing},
    )


def forgot_password(request):
    """Ask for a reset link. The same page follows whether or not the address has an account."""
    form = ForgotPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.request_password_reset(email=form.cleaned_data["email"])
        return render(
            request, "accounts/forgot_password_sent.html", {"email": form.cleaned_data["email"]}
        )
    return render(request, "accounts/forgot_password.html", {"form": form})


class ResetPasswordView(PasswordResetConfirmView):
    """The emailed link: Django checks its token (and moves it out of the address bar into the
    session), and the new password is set by `actions.reset_password`."""

    template_name = "accounts/reset_password.html"
    form_class = NewPasswordForm
    post_reset_login = False

    def form_valid(self, form):
        try:
            actions.reset_password(user=self.user, password=form.cleaned_data["new_password1"])
        except DomainError as exc:
            add_domain_error(form, exc)
            return self.form_invalid(form)
        del self.request.session["_password_reset_token"]
        messages.success(self.request, "Your password has been changed. Sign in with it")
        return redirect("accounts:login")


def verify_email(request, token: str):
    try:
        actions.verify_email(token=token)
    except DomainError:
        return render(request, "accounts/verify_email_invalid.html", status=404)
    messages.success(request, "Your email address is confirmed")
    return redirect("accounts:dashboard" if request.user.is_authenticated else "accounts:login")


@login_required
@require_POST
def resend_verification(request):
    actions.resend_email_verification(user=request.user)
    messages.success(request, f"We have sent the email again to {request.user.email}")
    return redirect("accounts:account")
