"""A platform admin (a superuser) who also works in an organisation has there only the role
they were given. Django grants a superuser every permission, and each rule of an object (a role
in an organisation, being assigned to a question) was skipped: an evaluator who was also the
platform admin could assign evaluators, moderate and score questions they were not assigned to
(after declaring a conflict too). The admin's own pages keep every model permission."""

import pytest

from levelfield.accounts.models import Role
from levelfield.core.errors import PermissionDenied
from levelfield.evaluation import actions as evaluation_actions
from tests.support import testing

pytestmark = pytest.mark.django_db


@pytest.fixture
def root_evaluator(buyer):
    user = testing.member(buyer, Role.EVALUATOR, full_name="Root Evaluator")
    user.is_superuser = user.is_staff = True
    user.save(update_fields=["is_superuser", "is_staff"])
    return user


def test_a_platform_admin_has_only_their_role_in_an_organisation(root_evaluator, tender):
    question = tender.lots.get().questions.first()
    assert not root_evaluator.has_perm("evaluation.score_question", question)
    assert not root_evaluator.has_perm("evaluation.moderate", tender)
    assert not root_evaluator.has_perm("evaluation.assign_evaluators", tender)
    assert root_evaluator.has_perm("evaluation.declare_conflict", tender)  # their own role
    with pytest.raises(PermissionDenied):
        evaluation_actions.assign_evaluator(
            question=question, evaluator=root_evaluator, by=root_evaluator
        )


def test_a_platform_admin_keeps_the_admin_and_its_own_rules(root_evaluator, supplier):
    organisation, _ = supplier
    assert root_evaluator.has_perm("accounts.manage_accounts")
    assert root_evaluator.has_perm("accounts.view_user")
    assert root_evaluator.has_perm("core.view_auditevent")
    assert root_evaluator.has_perm("accounts.manage_accounts", organisation)
