"""The people the authorisation matrix tries every route as, and the expectations it writes.

Every role is a real person of the world `world.py` builds (the demo's councils and suppliers,
through the actions their clicks call). The "own" organisations are Wessex County Council (the
buyer) and Wessex Community Care Trust (the supplier: it leads a consortium, won the home care
contract, drafts a bid on the open library tender and keeps a living will); the "other" roles
belong to organisations with no claim on those objects.

An expectation is one of:
- ``allow``: the role gets the page or the operation (for a change, at least no refusal);
- ``own``: allowed on its own organisation's object, which is the object the route is tried
  with; the same route tried by the other organisation's matching role must be refused, and
  `test_matrix_complete` checks the matrix says so;
- ``deny``: refused, with nothing changed. Pages refuse someone signed out with a redirect to
  the sign-in page, and someone signed in with 403 (no permission on an object they may see)
  or 404 (an object their organisation cannot see, or a part of the site that is not theirs);
  the API answers 401 to a caller with no credentials and 403 or 404 likewise.
"""

from dataclasses import dataclass

ANONYMOUS = "anonymous"
SUPPLIER_ADMIN = "supplier_admin"  # Role.SUPPLIER_ADMIN at the Trust; the consortium's lead
SUPPLIER_MEMBER = "supplier_member"  # Role.SUPPLIER_MEMBER at the Trust
CONSORTIUM_MEMBER = "consortium_member"  # admin of a supplier that accepted MemberRole.MEMBER
OTHER_SUPPLIER = "other_supplier"  # admin of a supplier with no part in the Trust's objects
BUYER_ADMIN = "buyer_admin"
BUYER_OFFICER = "buyer_officer"
EVALUATOR = "evaluator"  # assigned, declared no conflict on the tenders in evaluation
EVALUATOR_UNDECLARED = "evaluator_undeclared"  # an evaluator who has declared nothing
EVALUATOR_CONFLICTED = "evaluator_conflicted"  # declared a conflict on the tender in evaluation
OTHER_BUYER = "other_buyer"  # admin of another council (Sandbourne)
PLATFORM_ADMIN = "platform_admin"  # is_superuser, no organisation
RESILIENCE_TEAM = "resilience_team"  # the platform role, no organisation
REVIEW_TEAM = "review_team"  # the platform role review manager, no organisation

ROLES = (
    ANONYMOUS,
    SUPPLIER_ADMIN,
    SUPPLIER_MEMBER,
    CONSORTIUM_MEMBER,
    OTHER_SUPPLIER,
    BUYER_ADMIN,
    BUYER_OFFICER,
    EVALUATOR,
    EVALUATOR_UNDECLARED,
    EVALUATOR_CONFLICTED,
    OTHER_BUYER,
    PLATFORM_ADMIN,
    RESILIENCE_TEAM,
    REVIEW_TEAM,
)

# A person on two organisations' staff: the other supplier's admin, also invited onto the own
# council's staff as an officer, acting for the supplier (the session's choice; an API token
# acts for the organisation joined first, the supplier). Every line expects of them what it
# expects of the other supplier: nothing of the council's is theirs while they act for another.
TWO_ORGANISATIONS = "two_organisations"
SAME_AS = {TWO_ORGANISATIONS: OTHER_SUPPLIER}
# Every role each line is tried as
TRIED = (*ROLES, *SAME_AS)

ALLOW, OWN, DENY = "allow", "own", "deny"
OUTCOMES = (ALLOW, OWN, DENY)

# The other organisation's role that must be refused where a role is allowed only on its own
# organisation's object.
COUNTERPART = {
    SUPPLIER_ADMIN: OTHER_SUPPLIER,
    SUPPLIER_MEMBER: OTHER_SUPPLIER,
    BUYER_ADMIN: OTHER_BUYER,
    BUYER_OFFICER: OTHER_BUYER,
    EVALUATOR: OTHER_BUYER,
    EVALUATOR_UNDECLARED: OTHER_BUYER,
    EVALUATOR_CONFLICTED: OTHER_BUYER,
}

SUPPLIERS = (SUPPLIER_ADMIN, SUPPLIER_MEMBER, CONSORTIUM_MEMBER, OTHER_SUPPLIER)
EVALUATORS = (EVALUATOR, EVALUATOR_UNDECLARED, EVALUATOR_CONFLICTED)
BUYER_MANAGERS = (BUYER_ADMIN, BUYER_OFFICER)
BUYER_STAFF = (*BUYER_MANAGERS, *EVALUATORS)
BUYERS = (*BUYER_STAFF, OTHER_BUYER)
SIGNED_IN = tuple(role for role in ROLES if role != ANONYMOUS)


def expect(*, allow=(), own=()) -> dict[str, str]:
    """Every role's expectation: those named allowed (on any object) or allowed on their own
    organisation's object; everyone else refused."""
    outcome = dict.fromkeys(ROLES, DENY)
    outcome.update(dict.fromkeys(allow, ALLOW))
    outcome.update(dict.fromkeys(own, OWN))
    return outcome


# The policies the matrix uses most, by name.
PUBLIC = expect(allow=ROLES)
ANYONE_SIGNED_IN = expect(allow=SIGNED_IN)
# Pages of one's own buyer organisation with no object in the address: every buyer's staff.
BUYER_AREA = expect(allow=BUYERS)
BUYER_MANAGERS_AREA = expect(allow=(*BUYER_MANAGERS, OTHER_BUYER))
BUYER_ADMINS_AREA = expect(allow=(BUYER_ADMIN, OTHER_BUYER))
SUPPLIER_AREA = expect(allow=SUPPLIERS)
SUPPLIER_ADMINS_AREA = expect(allow=(SUPPLIER_ADMIN, CONSORTIUM_MEMBER, OTHER_SUPPLIER))
# One of the buyer's objects (a tender, a contract).
OWN_BUYER_STAFF = expect(own=BUYER_STAFF)
OWN_BUYER_MANAGERS = expect(own=BUYER_MANAGERS)
OWN_BUYER_ADMIN = expect(own=(BUYER_ADMIN,))
# One of the supplier's objects (a bid, its contract, its consortium).
OWN_SUPPLIER = expect(own=(SUPPLIER_ADMIN, SUPPLIER_MEMBER))
OWN_SUPPLIER_ADMIN = expect(own=(SUPPLIER_ADMIN,))
RESILIENCE_ONLY = expect(allow=(RESILIENCE_TEAM,))
REVIEW_TEAM_ONLY = expect(allow=(REVIEW_TEAM,))
PLATFORM_ADMIN_ONLY = expect(allow=(PLATFORM_ADMIN,))
NOBODY = expect()


def but(policy: dict[str, str], **changes: str) -> dict[str, str]:
    """A policy with some roles' expectations changed: ``but(OWN_SUPPLIER, anonymous=ALLOW)``."""
    unknown = set(changes) - set(ROLES)
    assert not unknown, f"no such role: {sorted(unknown)}"
    return {**policy, **changes}


@dataclass(frozen=True)
class Entry:
    """One route's or operation's line of the matrix.

    `scene`: the objects of the world its URL parameters are filled from (`world.py`);
    `expect`: every role's expectation; `method`: what a page is tried with (an operation has
    its own); `why`: where the app does something a reader might not guess."""

    scene: str
    expect: dict[str, str]
    method: str = "GET"
    why: str = ""
    post: dict[str, str] | None = None  # a page that shows to more people than may send it
    data: dict | None = None  # what that POST sends (else nothing)
    headers: dict | None = None  # sent with every request (a protocol's own header)


def page(scene: str, policy: dict[str, str], method: str = "GET", why: str = "") -> Entry:
    return Entry(scene, policy, method, why)


def form(
    scene: str, shown: dict[str, str], sent: dict[str, str], why: str = "", data=None
) -> Entry:
    """A page read by some (`shown`, tried with GET) and sent by fewer (`sent`, tried with a
    POST of `data`, empty by default: a refusal is 403 or 404, an allowance the form again with
    its errors)."""
    return Entry(scene, shown, "GET", why, sent, data)


def post(scene: str, policy: dict[str, str], why: str = "") -> Entry:
    return Entry(scene, policy, "POST", why)
