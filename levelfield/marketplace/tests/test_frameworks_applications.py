"""A supplier's application to a framework: its admin applies only while the framework is open,
with a current exclusion declaration in which no mandatory ground applies, agreeing to each
statement; the declaration is kept as it stood; its members, other suppliers and buyers cannot
apply for it; the platform admin decides only while the framework is pending; a refused or
withdrawn application's listings are withdrawn."""

from datetime import timedelta

import pytest

from levelfield.core import clock
from levelfield.core.errors import DomainError, InvalidTransition, PermissionDenied
from levelfield.core.models import AuditEvent
from levelfield.marketplace.actions import applications, frameworks
from levelfield.marketplace.lifecycle import ApplicationStatus, FrameworkStatus, ListingStatus
from levelfield.marketplace.models import Application
from levelfield.suppliers.models import ExclusionDeclaration
from tests.support import marketplace

from .frameworks_builders import framework_at, make_people, submitted


@pytest.fixture
def people(db):
    return make_people()


@pytest.fixture
def open_framework(people):
    return framework_at(FrameworkStatus.OPEN, by=people.admin)


def _lots(framework):
    return list(framework.lots.values_list("pk", flat=True))


def _start(framework, people, who="supplier_admin", supplier=None):
    return applications.start_application(
        framework=framework,
        supplier=supplier or people.supplier,
        by=getattr(people, who),
        lot_ids=_lots(framework),
    )


def _actions_of(application):
    return list(
        AuditEvent.objects.filter(
            object_type="marketplace.application", object_id=str(application.pk)
        )
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_an_application_from_start_to_submission_keeps_the_declaration_as_it_stood(
    people, open_framework
):
    application = submitted(open_framework, people.supplier, people.supplier_admin)
    application.refresh_from_db()
    declaration = ExclusionDeclaration.objects.get(organisation=people.supplier)
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.submitted_by == people.supplier_admin
    assert application.declaration == declaration
    assert application.declaration_snapshot["answers"] == declaration.answers
    assert application.declaration_snapshot["grounds_version"] == declaration.grounds_version
    assert application.agreed_statements == open_framework.statements
    assert _actions_of(application) == [
        "marketplace.application_started",
        "marketplace.application_declared",
        "marketplace.application_submitted",
    ]


@pytest.mark.parametrize(
    "status",
    [
        FrameworkStatus.COMING,
        FrameworkStatus.PENDING,
        FrameworkStatus.STANDSTILL,
        FrameworkStatus.LIVE,
        FrameworkStatus.EXPIRED,
    ],
)
def test_nobody_applies_to_a_framework_that_is_not_open(people, status):
    framework = framework_at(status, by=people.admin)
    with pytest.raises(InvalidTransition) as refused:
        _start(framework, people)
    assert refused.value.code == "framework_not_open"
    assert "only while it is open for applications" in refused.value.message
    assert not Application.objects.exists()


def test_submitting_after_the_framework_closed_is_refused(people, open_framework):
    application = _start(open_framework, people)
    applications.declare(application=application, agreed=[1, 2], by=people.supplier_admin)
    frameworks.close_applications(framework=open_framework, by=people.admin)
    application.refresh_from_db()
    with pytest.raises(InvalidTransition) as refused:
        applications.submit_application(application=application, by=people.supplier_admin)
    assert refused.value.code == "framework_not_open"
    assert application.status == ApplicationStatus.WITHDRAWN  # closing withdrew the draft


@pytest.mark.parametrize(
    "who", ["supplier_member", "other_admin", "buyer_admin", "officer", "evaluator", "admin"]
)
def test_only_the_suppliers_admin_applies_for_it(people, open_framework, who):
    with pytest.raises(PermissionDenied):
        _start(open_framework, people, who=who)
    assert not Application.objects.exists()


@pytest.mark.parametrize("who", ["supplier_member", "other_admin", "buyer_admin", "admin"])
def test_nobody_else_declares_submits_or_withdraws_it(people, open_framework, who):
    application = _start(open_framework, people)
    by = getattr(people, who)
    with pytest.raises(PermissionDenied):
        applications.declare(application=application, agreed=[1, 2], by=by)
    with pytest.raises(PermissionDenied):
        applications.submit_application(application=application, by=by)
    with pytest.raises(PermissionDenied):
        applications.withdraw_application(application=application, by=by)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT and application.declaration is None


def test_no_current_declaration_is_refused_with_its_code(people, open_framework):
    ExclusionDeclaration.objects.filter(organisation=people.supplier).update(
        expires_at=clock.now() - timedelta(days=1),
        declared_at=clock.now() - timedelta(days=366),
    )
    application = _start(open_framework, people)
    with pytest.raises(DomainError) as refused:
        applications.declare(application=application, agreed=[1, 2], by=people.supplier_admin)
    assert refused.value.code == "declaration_missing"
    assert "supplier profile" in refused.value.message
    assert [p.code for p in applications.submission_problems(application)] == [
        "declaration_missing",
        "statements_not_agreed",
    ]
    with pytest.raises(DomainError):
        applications.submit_application(application=application, by=people.supplier_admin)


def test_a_mandatory_ground_stops_the_application(people, open_framework):
    ExclusionDeclaration.objects.filter(organisation=people.supplier).update(
        mandatory_grounds=["corruption"]
    )
    application = _start(open_framework, people)
    with pytest.raises(DomainError) as refused:
        applications.declare(application=application, agreed=[1, 2], by=people.supplier_admin)
    assert refused.value.code == "mandatory_ground_applies"


def test_every_statement_must_be_agreed(people, open_framework):
    application = _start(open_framework, people)
    with pytest.raises(DomainError, match="statement 2 is not agreed") as refused:
        applications.declare(application=application, agreed=[1], by=people.supplier_admin)
    assert refused.value.code == "statements_not_agreed"
    with pytest.raises(DomainError):
        applications.declare(application=application, agreed=[1, 2, 3], by=people.supplier_admin)


def test_lots_must_be_the_frameworks_and_one_at_least(people, open_framework):
    other = framework_at(FrameworkStatus.OPEN, by=people.admin, reference="LF-OTHER-1")
    with pytest.raises(DomainError) as refused:
        applications.start_application(
            framework=open_framework,
            supplier=people.supplier,
            by=people.supplier_admin,
            lot_ids=[],
        )
    assert refused.value.code == "lots_required"
    with pytest.raises(DomainError) as refused:
        applications.start_application(
            framework=open_framework,
            supplier=people.supplier,
            by=people.supplier_admin,
            lot_ids=_lots(other),
        )
    assert refused.value.code == "lot_not_in_framework"


def test_a_supplier_applies_once(people, open_framework):
    _start(open_framework, people)
    with pytest.raises(DomainError) as refused:
        _start(open_framework, people)
    assert refused.value.code == "already_applied"


def test_a_submitted_application_is_not_changed(people, open_framework):
    application = submitted(open_framework, people.supplier, people.supplier_admin)
    with pytest.raises(InvalidTransition) as refused:
        applications.choose_lots(
            application=application, lot_ids=_lots(open_framework)[:1], by=people.supplier_admin
        )
    assert refused.value.code == "application_not_draft"


def test_withdrawing_withdraws_the_listings_not_yet_live(people, open_framework):
    application = submitted(open_framework, people.supplier, people.supplier_admin)
    row = marketplace.listing(
        application,
        open_framework.lots.first(),
        by=people.supplier_admin,
        name="Hosting",
        status="submitted",
    )
    applications.withdraw_application(application=application, by=people.supplier_admin)
    application.refresh_from_db()
    row.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    assert row.status == ListingStatus.WITHDRAWN
    assert _actions_of(application)[-1] == "marketplace.application_withdrawn"


def test_withdrawing_once_applications_close_is_refused(people, open_framework):
    application = submitted(open_framework, people.supplier, people.supplier_admin)
    frameworks.close_applications(framework=open_framework, by=people.admin)
    applications.admit_application(application=application, by=people.admin)
    with pytest.raises(InvalidTransition) as refused:
        applications.withdraw_application(application=application, by=people.supplier_admin)
    # The refusal does not tell the supplier its decision before the standstill.
    assert "admitted" not in refused.value.message
    assert refused.value.code == "framework_not_open"


def test_the_platform_admin_decides_only_while_pending(people, open_framework):
    application = submitted(open_framework, people.supplier, people.supplier_admin)
    with pytest.raises(InvalidTransition) as refused:
        applications.admit_application(application=application, by=people.admin)
    assert refused.value.code == "framework_not_pending"
    frameworks.close_applications(framework=open_framework, by=people.admin)
    with pytest.raises(PermissionDenied):
        applications.admit_application(application=application, by=people.supplier_admin)
    with pytest.raises(DomainError) as refused:
        applications.refuse_application(application=application, by=people.admin, reason=" ")
    assert refused.value.code == "reason_required"
    applications.refuse_application(
        application=application, by=people.admin, reason="No evidence of ISO 27001"
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REFUSED
    assert application.decided_by == people.admin
    assert application.decision_reason == "No evidence of ISO 27001"
    assert _actions_of(application)[-1] == "marketplace.application_refused"
    with pytest.raises(InvalidTransition):
        applications.admit_application(application=application, by=people.admin)
