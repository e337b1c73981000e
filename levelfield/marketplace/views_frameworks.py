"""The pages of frameworks and applications (/marketplace/).

- Anyone: the frameworks and a framework's page (lots, dates, status).
- The platform admin: the frameworks with their applications counted, creating and changing a
  framework (with its lots), its lifecycle's buttons, and its applications to admit or refuse.
  Anyone else gets 404 there.
- A supplier: its applications (its members read them), and its admin's steps: apply (choose
  lots), declare (the current exclusion declaration and each statement), check the answers and
  submit, or withdraw.

Every step calls its action, which decides; a refusal is shown beside its field or at the top."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from levelfield.core import audit
from levelfield.core.audit_words import event_words
from levelfield.core.errors import DomainError
from levelfield.core.forms import add_domain_error, run_button_action
from levelfield.core.pagination import paginate

from . import rules
from . import selectors_frameworks as selectors
from .actions import applications, frameworks
from .forms_frameworks import DecisionForm, DeclareForm, FrameworkForm, LotsForm
from .lifecycle import FRAMEWORK_ALLOWED, ApplicationStatus, FrameworkStatus
from .models import Application, Framework
from .selectors_frameworks import decision_sent, supplier_status

# The lifecycle's buttons: the URL's word, the status it leads to, the button and what it says
# once done. Expiring is not among them: it cannot be undone, so it has a page of its own
# saying what happens, whose form alone sends it (admin_framework_expire).
STEPS = {
    "open": (FrameworkStatus.OPEN, "Open for applications", "The framework is open"),
    "close": (FrameworkStatus.PENDING, "Close applications", "Applications are closed"),
    "standstill": (
        FrameworkStatus.STANDSTILL,
        "Send the decisions and start the standstill",
        "The decisions are sent: the standstill has begun",
    ),
    "live": (FrameworkStatus.LIVE, "Go live", "The framework is live"),
}


def _declaration_link(code: str) -> bool:
    return code in applications.DECLARATION_CODES


# --- Anyone ------------------------------------------------------------------------------------


def frameworks_list(request):
    page = paginate(request, selectors.public_frameworks())
    return render(request, "marketplace/frameworks/list.html", {"page": page})


def framework_page(request, pk: int):
    framework = selectors.public_framework(pk)
    if framework is None:
        raise Http404("No framework has that number")
    organisation = getattr(request, "organisation", None)
    supplier = rules.is_supplier_member(request.user, organisation)
    application = selectors.application_of(organisation, framework) if supplier else None
    return render(
        request,
        "marketplace/frameworks/framework.html",
        {
            "framework": framework,
            "application": application,
            # as its supplier reads it: a decision not yet sent reads as submitted
            "application_status": supplier_status(application) if application else "",
            "may_apply": framework.status == FrameworkStatus.OPEN
            and rules.is_supplier_admin(request.user, organisation),
            "platform_admin": rules.is_platform_admin(request.user),
        },
    )


# --- The platform admin ------------------------------------------------------------------------


def _admin(request) -> None:
    if not rules.is_platform_admin(request.user):
        raise Http404("No such page")


def _admin_framework(request, pk: int) -> Framework:
    _admin(request)
    found = selectors.admin_framework(request.user, pk)
    if found is None:
        raise Http404("No framework has that number")
    return found


@login_required
def admin_frameworks(request):
    _admin(request)
    page = paginate(request, selectors.admin_frameworks(request.user))
    return render(request, "marketplace/frameworks/admin_list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def admin_framework_create(request):
    _admin(request)
    form = FrameworkForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            framework = frameworks.create_framework(details=form.details(), by=request.user)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"The framework {framework.reference} is created")
            return redirect("marketplace:admin_framework", pk=framework.pk)
    return render(
        request,
        "marketplace/frameworks/admin_form.html",
        {"form": form, "framework": None},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def admin_framework_edit(request, pk: int):
    framework = _admin_framework(request, pk)
    if framework.status != FrameworkStatus.COMING:
        messages.error(request, "Only a coming framework can be changed")
        return redirect("marketplace:admin_framework", pk=framework.pk)
    form = FrameworkForm(request.POST if request.method == "POST" else None, framework=framework)
    if request.method == "POST" and form.is_valid():
        try:
            frameworks.update_framework(
                framework=framework, details=form.details(), by=request.user
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "The framework is changed")
            return redirect("marketplace:admin_framework", pk=framework.pk)
    return render(
        request,
        "marketplace/frameworks/admin_form.html",
        {"form": form, "framework": framework},
        status=400 if form.errors else 200,
    )


@login_required
def admin_framework(request, pk: int):
    framework = _admin_framework(request, pk)
    buttons = [
        {"step": step, "label": label}
        for step, (target, label, _) in STEPS.items()
        if target in FRAMEWORK_ALLOWED[framework.status]
    ]
    history = [
        {"at": event.at, "words": event_words(event.action), "event": event}
        for event in audit.events_for(framework).order_by("-at", "-id")[:50]
    ]
    return render(
        request,
        "marketplace/frameworks/admin_framework.html",
        {
            "framework": framework,
            "buttons": buttons,
            "may_expire": FrameworkStatus.EXPIRED in FRAMEWORK_ALLOWED[framework.status],
            "history": history,
        },
    )


@login_required
@require_POST
def admin_framework_step(request, pk: int, step: str):
    framework = _admin_framework(request, pk)
    if step not in STEPS:
        raise Http404("No such step")
    target, _, done = STEPS[step]
    run_button_action(
        request,
        lambda: frameworks.STEPS[target](framework=framework, by=request.user),
        success=done,
    )
    return redirect("marketplace:admin_framework", pk=framework.pk)


@login_required
@require_http_methods(["GET", "POST"])
def admin_framework_expire(request, pk: int):
    """Expire a live framework: a page saying what happens (what it touches, counted), whose
    form alone sends the POST."""
    framework = _admin_framework(request, pk)
    if FrameworkStatus.EXPIRED not in FRAMEWORK_ALLOWED[framework.status]:
        messages.error(request, "Only a live framework can expire")
        return redirect("marketplace:admin_framework", pk=framework.pk)
    if request.method == "POST":
        run_button_action(
            request,
            lambda: frameworks.expire(framework=framework, by=request.user),
            success=f"The framework {framework.reference} has expired",
        )
        return redirect("marketplace:admin_framework", pk=framework.pk)
    return render(
        request,
        "marketplace/frameworks/admin_expire.html",
        {"framework": framework, "effects": selectors.expiry_effects(framework)},
    )


@login_required
def admin_applications(request, pk: int):
    framework = _admin_framework(request, pk)
    page = paginate(request, selectors.admin_applications(request.user, framework))
    return render(
        request,
        "marketplace/frameworks/admin_applications.html",
        {"framework": framework, "page": page},
    )


@login_required
@require_http_methods(["GET", "POST"])
def admin_application(request, pk: int):
    _admin(request)
    application = selectors.admin_application(request.user, pk)
    if application is None:
        raise Http404("No application has that number")
    may_decide = (
        application.status == ApplicationStatus.SUBMITTED
        and application.framework.status == FrameworkStatus.PENDING
    )
    form = DecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "admit":
                applications.admit_application(
                    application=application, by=request.user, reason=data["reason"]
                )
            else:
                applications.refuse_application(
                    application=application, by=request.user, reason=data["reason"]
                )
        except DomainError as exc:
            add_domain_error(form, exc, "reason" if exc.code.startswith("reason") else None)
        else:
            messages.success(
                request,
                "The application is admitted"
                if data["decision"] == "admit"
                else "The application is refused",
            )
            return redirect("marketplace:admin_applications", pk=application.framework_id)
    return render(
        request,
        "marketplace/frameworks/admin_application.html",
        {"application": application, "form": form, "may_decide": may_decide},
        status=400 if form.errors else 200,
    )


# --- A supplier --------------------------------------------------------------------------------


def _supplier(request):
    """The supplier the signed-in person acts for (anyone else: 404)."""
    organisation = getattr(request, "organisation", None)
    if not rules.is_supplier_member(request.user, organisation):
        raise Http404("These pages are for suppliers")
    return organisation


def _own_application(request, pk: int, *, admin: bool = True) -> Application:
    organisation = _supplier(request)
    application = selectors.supplier_application(organisation, pk)
    if application is None:
        raise Http404("No application of yours has that number")
    if admin and not rules.is_supplier_admin(request.user, organisation):
        raise PermissionDenied("Only an admin of the supplier applies")
    return application


@login_required
def supplier_applications(request):
    organisation = _supplier(request)
    page = paginate(request, selectors.supplier_applications(organisation))
    for application in page:
        application.supplier_status = supplier_status(application)
    return render(
        request,
        "marketplace/frameworks/supplier_applications.html",
        {"page": page, "open_frameworks": Framework.objects.filter(status=FrameworkStatus.OPEN)},
    )


@login_required
def supplier_application(request, pk: int):
    application = _own_application(request, pk, admin=False)
    draft = application.status == ApplicationStatus.DRAFT
    sent = decision_sent(application)
    return render(
        request,
        "marketplace/frameworks/supplier_application.html",
        {
            "application": application,
            "is_admin": rules.is_supplier_admin(request.user, request.organisation),
            "draft": draft,
            "may_withdraw": application.framework.status == FrameworkStatus.OPEN
            and application.status in (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED),
            "decision_sent": sent,
            "status_label": supplier_status(application),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def apply(request, pk: int):
    """Choose lots: starts the application, or changes a draft's lots."""
    organisation = _supplier(request)
    if not rules.is_supplier_admin(request.user, organisation):
        raise PermissionDenied("Only an admin of the supplier applies")
    framework = selectors.public_framework(pk)
    if framework is None:
        raise Http404("No framework has that number")
    application = selectors.application_of(organisation, framework)
    if application is not None and application.status != ApplicationStatus.DRAFT:
        return redirect("marketplace:supplier_application", pk=application.pk)
    initial = {"lots": [str(lot.pk) for lot in application.lots.all()]} if application else {}
    form = LotsForm(
        request.POST if request.method == "POST" else None,
        framework=framework,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        lot_ids = [int(pk) for pk in form.cleaned_data["lots"]]
        try:
            if application is None:
                application = applications.start_application(
                    framework=framework, supplier=organisation, by=request.user, lot_ids=lot_ids
                )
            else:
                applications.choose_lots(application=application, lot_ids=lot_ids, by=request.user)
        except DomainError as exc:
            add_domain_error(form, exc, "lots" if exc.code.startswith("lot") else None)
        else:
            return redirect("marketplace:application_declare", pk=application.pk)
    return render(
        request,
        "marketplace/frameworks/apply_lots.html",
        {"framework": framework, "form": form, "application": application},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_declare(request, pk: int):
    application = _own_application(request, pk)
    if application.status != ApplicationStatus.DRAFT:
        return redirect("marketplace:supplier_application", pk=application.pk)
    framework = application.framework
    problem = (
        applications.declaration_problem(application.supplier)
        if framework.requires_exclusion_declaration
        else None
    )
    agreed = [
        str(number)
        for number, text in enumerate(framework.statements, start=1)
        if text in application.agreed_statements
    ]
    form = DeclareForm(
        request.POST if request.method == "POST" else None,
        framework=framework,
        initial={"statements": agreed},
    )
    if request.method == "POST" and form.is_valid():
        try:
            applications.declare(
                application=application,
                agreed=[int(n) for n in form.cleaned_data["statements"]],
                by=request.user,
            )
        except DomainError as exc:
            problem = exc if _declaration_link(exc.code) else problem
            add_domain_error(
                form, exc, "statements" if exc.code == "statements_not_agreed" else None
            )
        else:
            return redirect("marketplace:application_check", pk=application.pk)
    return render(
        request,
        "marketplace/frameworks/apply_declare.html",
        {
            "application": application,
            "framework": framework,
            "form": form,
            "problem": problem,
            "declaration": application.supplier.exclusion_declarations.first()
            if problem is None
            else None,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_check(request, pk: int):
    """Check the answers, then submit."""
    application = _own_application(request, pk)
    if application.status != ApplicationStatus.DRAFT:
        return redirect("marketplace:supplier_application", pk=application.pk)
    error = None
    if request.method == "POST":
        try:
            applications.submit_application(application=application, by=request.user)
        except DomainError as exc:
            error = exc
        else:
            messages.success(
                request,
                "Your application is submitted. The platform admin decides it after "
                "applications close; you will be told at the standstill.",
            )
            return redirect("marketplace:supplier_application", pk=application.pk)
    problems = applications.submission_problems(application)
    return render(
        request,
        "marketplace/frameworks/apply_check.html",
        {
            "application": application,
            "problems": [error] if error and error not in problems else problems,
            "declaration_link": any(_declaration_link(p.code) for p in problems),
        },
        status=400 if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_withdraw(request, pk: int):
    application = _own_application(request, pk)
    if request.method == "POST":
        if run_button_action(
            request,
            lambda: applications.withdraw_application(application=application, by=request.user),
            success="Your application is withdrawn",
        ):
            return redirect("marketplace:supplier_applications")
        return redirect("marketplace:supplier_application", pk=application.pk)
    return render(
        request, "marketplace/frameworks/apply_withdraw.html", {"application": application}
    )
