import rules

from levelfield.accounts.models import Role
from levelfield.accounts.rules import has_role


@rules.predicate
def runs_evaluation(user, tender):
    return has_role(user, tender.buyer, Role.BUYER_ADMIN, Role.BUYER_OFFICER)


@rules.predicate
def is_buyer_staff(user, tender):
    return has_role(user, tender.buyer, Role.BUYER_ADMIN, Role.BUYER_OFFICER, Role.EVALUATOR)


@rules.predicate
def is_assigned(user, question):
    return question.assignments.filter(evaluator=user).exists()


rules.add_perm("evaluation.assign_evaluators", runs_evaluation)
rules.add_perm("evaluation.moderate", runs_evaluation)
rules.add_perm("evaluation.view_report", runs_evaluation)
rules.add_perm("evaluation.declare_conflict", is_buyer_staff)
rules.add_perm("evaluation.score_question", is_assigned)
