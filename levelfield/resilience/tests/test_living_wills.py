"""Living wills: the content and its completeness, versions, who needs one, who reads it, the
flag on critical contracts without a current will, and the stale reminder."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail

from levelfield.accounts.models import Role
from levelfield.core import clock
from levelfield.core.errors import DomainError, InvalidTransition, PermissionDenied
from levelfield.core.models import AuditEvent
from levelfield.resilience import actions, content, selectors
from levelfield.resilience.models import LivingWill, LivingWillVersion, PlatformRole
from levelfield.resilience.rules import is_resilience_team
from tests.support import testing

FULL = {
    "entities": [
        {"name": "Big Group plc", "company_number": "01234567", "parent": ""},
        {"name": "Big Services Ltd", "company_number": "sc123456", "parent": "01234567"},
    ],
    "contracts": [],
    "other_contracts": [{"title": "Waste", "authority": "Wessex Council", "annual_value": 5}],
    "services": [{"name": "Meals", "authorities": ["Shire"], "people_served": 1200}],
    "dependencies": [{"name": "Van Co", "kind": "subcontractor", "services": ["Meals"]}],
    "plans": [
        {
            "service": "Meals",
            "steps": ["Tell the council", "Move the kitchens"],
            "days_to_transfer": 30,
            "data": "Client lists",
            "assets": "Vans",
            "staff": "40 cooks (TUPE)",
            "tell": ["Shire adult social care"],
        }
    ],
}


def superuser():
    return testing.UserFactory(is_superuser=True, is_staff=True)


# --- Content and completeness -------------------------------------------------------------------


def test_validate_normalises_and_lists_every_problem():
    cleaned = content.validate(FULL)
    assert cleaned["entities"][1]["company_number"] == "SC123456"
    with pytest.raises(content.InvalidContent) as refused:
        content.validate(
            {
                "entities": [{"name": "", "company_number": "123", "parent": "99999999"}],
                "plans": [{"service": "Nothing", "days_to_transfer": -1}],
                "dependencies": [{"name": "X", "kind": "friend"}],
                "colour": [],
            }
        )
    details = " | ".join(refused.value.details)
    for words in (
        "Unknown sections: colour",
        "Enter the name of entity 1",
        "must be 8 characters",
        "The parent of entity 1 must be",
        "unknown service: Nothing",
        "days to transfer in continuity plan 1 must be a whole number",
        "kind of dependency 1",
    ):
        assert words in details


def test_completeness_moves_as_sections_are_filled_and_names_what_is_missing():
    owner = object()
    score, missing = content.completeness(content.empty())
    assert score == 0
    assert "An owner" in missing and "The critical services" in missing
    steps = [
        {},
        {"entities": FULL["entities"]},
        {"other_contracts": FULL["other_contracts"]},
        {"services": FULL["services"]},
        {"dependencies": FULL["dependencies"]},
        {"plans": FULL["plans"]},
    ]
    filled, scores = {}, []
    for step in steps:
        filled.update(step)
        scores.append(content.completeness(filled, owner=owner, review_date=clock.today_uk())[0])
    assert scores == sorted(scores) and len(set(scores)) == len(scores)
    assert scores[-1] == 100
    # A service with no plan names the plan it lacks; a plan with gaps names each gap.
    half = {**FULL, "plans": [{**FULL["plans"][0], "data": "", "tell": []}]}
    score, missing = content.completeness(half, owner=owner, review_date=clock.today_uk())
    assert score < 100
    assert missing == [
        "The continuity plan for Meals: the data",
        "The continuity plan for Meals: who must be told",
    ]
    score, missing = content.completeness({**FULL, "plans": []}, owner=owner)
    assert "A continuity plan for Meals" in missing and "A review date" in missing


# --- Platform role and strategic mark -----------------------------------------------------------


@pytest.mark.django_db
def test_resilience_team_role_is_granted_and_revoked_by_a_platform_admin_only():
    admin, person = superuser(), testing.UserFactory()
    with pytest.raises(PermissionDenied):
        actions.grant_platform_role(user=person, by=testing.UserFactory())
    assert not is_resilience_team(person)
    grant = actions.grant_platform_role(user=person, by=admin)
    assert is_resilience_team(person)
    with pytest.raises(InvalidTransition):
        actions.grant_platform_role(user=person, by=admin)
    actions.revoke_platform_role(grant=grant, by=admin)
    assert not is_resilience_team(person)
    assert PlatformRole.objects.filter(user=person).count() == 1
    assert list(
        AuditEvent.objects.filter(action__startswith="resilience.role")
        .values_list("action", flat=True)
        .order_by("pk")
    ) == ["resilience.role_granted", "resilience.role_revoked"]


@pytest.mark.django_db
def test_a_supplier_needs_a_living_will_with_a_critical_contract_in_force_or_marked_strategic():
    signed = testing.signed_contract()
    supplier, admin = signed.supplier, superuser()
    assert not selectors.needs_living_will(supplier)
    signed.contract.critical = True
    signed.contract.save(update_fields=["critical"])
    assert selectors.needs_living_will(supplier)

    other, _ = testing.supplier_with_user()
    with pytest.raises(PermissionDenied):
        actions.mark_strategic(organisation=other, reason="Big", by=signed.buyer_admin)
    with pytest.raises(DomainError):
        actions.mark_strategic(organisation=other, reason=" ", by=admin)
    with pytest.raises(DomainError):
        actions.mark_strategic(organisation=signed.buyer, reason="Big", by=admin)
    assert not selectors.needs_living_will(other)
    actions.mark_strategic(organisation=other, reason="Runs prisons", by=admin)
    assert selectors.needs_living_will(other)
    actions.unmark_strategic(organisation=other, reason="Sold the business", by=admin)
    assert not selectors.needs_living_will(other)
    assert AuditEvent.objects.filter(
        action="resilience.strategic_marked", organisation_id=other.pk, data__reason="Runs prisons"
    ).exists()


# --- Drafts and versions ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_supplier_admin_edits_the_draft_and_each_submission_is_kept_unchanged():
    supplier, admin = testing.supplier_with_user()
    colleague = testing.member(supplier, Role.SUPPLIER_MEMBER)
    stranger = testing.UserFactory()
    will = actions.start_living_will(supplier=supplier, by=admin)
    with pytest.raises(InvalidTransition):
        actions.start_living_will(supplier=supplier, by=admin)
    review = clock.today_uk() + timedelta(days=180)
    with pytest.raises(PermissionDenied):
        actions.edit_living_will(
            will=will, by=colleague, content=FULL, owner=colleague, review_date=review
        )
    with pytest.raises(DomainError):
        actions.edit_living_will(
            will=will, by=admin, content=FULL, owner=stranger, review_date=review
        )
    half = {"entities": FULL["entities"], "services": FULL["services"]}
    actions.edit_living_will(will=will, by=admin, content=half, owner=colleague, review_date=review)
    first = actions.submit_living_will(will=will, by=admin)
    actions.edit_living_will(will=will, by=admin, content=FULL, owner=colleague, review_date=review)
    second = actions.submit_living_will(will=will, by=admin)
    assert (first.number, second.number) == (1, 2)
    assert first.score < second.score == 100
    first.refresh_from_db()
    assert first.content["dependencies"] == []
    with pytest.raises(ValueError):
        first.save()
    assert will.current_version() == second
    assert (
        list(
            AuditEvent.objects.filter(object_id=str(will.pk), action__startswith="resilience.will")
            .order_by("pk")
            .values_list("action", flat=True)
        )
        == ["resilience.will_started"] + ["resilience.will_edited", "resilience.will_submitted"] * 2
    )


@pytest.mark.django_db
def test_a_will_cannot_be_submitted_without_a_review_date_to_come():
    supplier, admin = testing.supplier_with_user()
    will = actions.start_living_will(supplier=supplier, by=admin)
    with pytest.raises(DomainError, match="review date"):
        actions.submit_living_will(will=will, by=admin)
    actions.edit_living_will(
        will=will,
        by=admin,
        content={},
        owner=admin,
        review_date=clock.today_uk() - timedelta(days=1),
    )
    with pytest.raises(DomainError, match="review date"):
        actions.submit_living_will(will=will, by=admin)
    assert not LivingWillVersion.objects.exists()


# --- Who reads it -------------------------------------------------------------------------------


@pytest.fixture
def world(db):
    """A supplier with a critical contract at Shire and a non-critical one at Wessex, its
    living will submitted, and everyone around it."""
    supplier = testing.supplier_with_user("Big Services Ltd")
    critical = testing.signed_contract(supplier=supplier)
    critical.contract.critical = True
    critical.contract.save(update_fields=["critical"])
    plain = testing.signed_contract(supplier=supplier, buyer=testing.buyer_org("Wessex Council"))
    org, supplier_admin = supplier
    will = actions.start_living_will(supplier=org, by=supplier_admin)
    actions.edit_living_will(
        will=will,
        by=supplier_admin,
        content=FULL,
        owner=supplier_admin,
        review_date=clock.today_uk() + timedelta(days=90),
    )
    actions.submit_living_will(will=will, by=supplier_admin)
    team = testing.UserFactory()
    actions.grant_platform_role(user=team, by=superuser())
    other_supplier, other_supplier_admin = testing.supplier_with_user("Rival Ltd")
    return {
        "will": will,
        "people": {
            "supplier admin": (supplier_admin, "edit"),
            "supplier member": (testing.member(org, Role.SUPPLIER_MEMBER), "read draft"),
            "critical buyer admin": (critical.buyer_admin, "read"),
            "critical buyer officer": (critical.officer, "read"),
            "resilience team": (team, "read"),
            "evaluator at the critical buyer": (
                testing.member(critical.buyer, Role.EVALUATOR),
                None,
            ),
            "buyer of a non-critical contract": (plain.buyer_admin, None),
            "unrelated buyer": (testing.member(testing.buyer_org("Far"), Role.BUYER_ADMIN), None),
            "other supplier": (other_supplier_admin, None),
            "platform admin": (superuser(), None),
            "anonymous": (AnonymousUser(), None),
        },
        "critical": critical.contract,
    }


ACCESS = [
    "supplier admin",
    "supplier member",
    "critical buyer admin",
    "critical buyer officer",
    "resilience team",
    "evaluator at the critical buyer",
    "buyer of a non-critical contract",
    "unrelated buyer",
    "other supplier",
    "platform admin",
    "anonymous",
]


@pytest.mark.parametrize("who", ACCESS)
def test_who_reads_and_edits_a_living_will(world, who):
    will = world["will"]
    user, access = world["people"][who]
    reads = access is not None
    assert user.has_perm("resilience.view_will", will) is reads
    assert LivingWill.objects.visible_to(user).filter(pk=will.pk).exists() is reads
    assert user.has_perm("resilience.view_draft", will) is (access in ("edit", "read draft"))
    assert user.has_perm("resilience.edit_will", will) is (access == "edit")


def test_buyers_and_the_team_see_nothing_before_the_first_submission(world):
    will = world["will"]
    LivingWillVersion._base_manager.filter(will=will).delete()
    for who in ("critical buyer admin", "resilience team"):
        user, _ = world["people"][who]
        assert not user.has_perm("resilience.view_will", will)
        assert not LivingWill.objects.visible_to(user).exists()
    user, _ = world["people"]["supplier member"]
    assert LivingWill.objects.visible_to(user).get() == will


def test_a_buyer_reads_no_more_once_the_contract_is_no_longer_critical(world):
    user, _ = world["people"]["critical buyer admin"]
    contract = world["critical"]
    contract.critical = False
    contract.save(update_fields=["critical"])
    assert not LivingWill.objects.visible_to(user).exists()


# --- The flag -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_critical_contracts_without_a_current_will_are_flagged_for_buyer_and_supplier():
    signed = testing.signed_contract()
    contract, buyer, supplier = signed.contract, signed.buyer, signed.supplier
    flagged = selectors.critical_contracts_without_current_will
    assert not flagged().exists()  # not critical
    contract.critical = True
    contract.save(update_fields=["critical"])
    assert list(flagged(buyer=buyer)) == [contract]
    assert list(flagged(supplier=supplier)) == [contract]
    assert not flagged(buyer=testing.buyer_org("Elsewhere")).exists()
    will = actions.start_living_will(supplier=supplier, by=signed.supplier_user)
    assert list(flagged()) == [contract]  # a draft is not a living will yet
    review = clock.today_uk() + timedelta(days=10)
    actions.edit_living_will(
        will=will, by=signed.supplier_user, content={}, owner=None, review_date=review
    )
    will.owner = signed.supplier_user
    will.save(update_fields=["owner"])
    actions.submit_living_will(will=will, by=signed.supplier_user)
    assert not flagged(buyer=buyer).exists()
    assert not flagged(today=review).exists()
    assert list(flagged(supplier=supplier, today=review + timedelta(days=1))) == [contract]


# --- The stale reminder -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_stale_living_will_raises_one_reminder(django_capture_on_commit_callbacks):
    supplier, admin = testing.supplier_with_user()
    will = actions.start_living_will(supplier=supplier, by=admin)
    review = clock.today_uk() + timedelta(days=30)
    actions.edit_living_will(will=will, by=admin, content=FULL, owner=admin, review_date=review)
    actions.submit_living_will(will=will, by=admin)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.send_stale_reminders(today=review) == {"stale_reminders": 0}
    assert mail.outbox == []
    for day in (1, 1, 2, 10):
        with django_capture_on_commit_callbacks(execute=True):
            actions.send_stale_reminders(today=review + timedelta(days=day))
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [admin.email]
    assert "due for review" in mail.outbox[0].subject
    assert AuditEvent.objects.filter(action="resilience.will_stale_reminded").count() == 1


@pytest.mark.django_db
def test_linked_contracts_must_be_the_suppliers_own():
    signed = testing.signed_contract()
    rival, rival_admin = testing.supplier_with_user("Rival Ltd")
    will = actions.start_living_will(supplier=rival, by=rival_admin)
    review = clock.today_uk() + timedelta(days=30)
    with pytest.raises(content.InvalidContent) as refused:
        actions.edit_living_will(
            will=will,
            by=rival_admin,
            content={"contracts": [signed.contract.pk]},
            owner=rival_admin,
            review_date=review,
        )
    assert refused.value.details == [
        f"Contract {signed.contract.pk} is not a contract of Rival Ltd"
    ]
    own = actions.start_living_will(supplier=signed.supplier, by=signed.supplier_user)
    actions.edit_living_will(
        will=own,
        by=signed.supplier_user,
        content={"contracts": [signed.contract.pk]},
        owner=signed.supplier_user,
        review_date=review,
    )
    own.refresh_from_db()
    assert own.draft["contracts"] == [signed.contract.pk]


@pytest.mark.django_db
def test_a_contract_awaiting_signature_is_neither_offered_nor_linked():
    from levelfield.resilience import selectors_wills

    buyer = testing.buyer_org("Vale District Council")
    supplier, admin = testing.supplier_with_user("Pending Care Ltd")
    today = clock.today_uk()
    pending = testing.contract_let_elsewhere(
        buyer=buyer,
        supplier=supplier,
        start_date=today,
        end_date=today + timedelta(days=300),
        title="Unsigned secret meals",
        signed=False,
    )
    signed = testing.contract_let_elsewhere(
        buyer=buyer,
        supplier=supplier,
        start_date=today,
        end_date=today + timedelta(days=300),
        title="Signed meals",
    )
    assert list(selectors_wills.linkable_contracts(supplier)) == [signed]
    will = actions.start_living_will(supplier=supplier, by=admin)
    with pytest.raises(content.InvalidContent):
        actions.edit_living_will(
            will=will,
            by=admin,
            content={"contracts": [pending.pk]},
            owner=admin,
            review_date=today + timedelta(days=30),
        )


@pytest.mark.django_db
def test_a_submitted_version_is_never_updated_nor_deleted_in_bulk_but_goes_with_its_supplier():
    supplier, admin = testing.supplier_with_user("Fixed Ltd")
    will = actions.start_living_will(supplier=supplier, by=admin)
    actions.edit_living_will(
        will=will,
        by=admin,
        content={},
        owner=admin,
        review_date=clock.today_uk() + timedelta(days=30),
    )
    version = actions.submit_living_will(will=will, by=admin)
    with pytest.raises(ValueError):
        LivingWillVersion.objects.filter(pk=version.pk).update(score=100)
    with pytest.raises(ValueError):
        will.versions.all().update(score=100)
    with pytest.raises(ValueError):
        LivingWillVersion.objects.filter(pk=version.pk).delete()
    with pytest.raises(ValueError):
        will.versions.all().delete()
    version.refresh_from_db()
    assert version.score != 100

    will.delete()  # the will (as when its supplier is deleted) takes its versions with it
    assert not LivingWillVersion._base_manager.filter(pk=version.pk).exists()
