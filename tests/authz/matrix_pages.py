"""The authorisation matrix of the pages: one line per named URL pattern (namespace:name), with
the scene its parameters are filled from and who may open it. Written from what the platform
should do (README's tour, DOMAIN.md's people); `test_matrix.py` tries every line as every role.

A page tried with POST is one that only answers POST (a button); the others are tried with GET.
"""

# ruff: noqa: E501 (one route a line reads best as a table)

from . import mp_buying, mp_frameworks, mp_listings, mp_reports
from .roles import (
    ALLOW,
    ANYONE_SIGNED_IN,
    BUYER_ADMIN,
    BUYER_AREA,
    BUYER_MANAGERS,
    BUYER_MANAGERS_AREA,
    BUYER_OFFICER,
    BUYER_STAFF,
    CONSORTIUM_MEMBER,
    EVALUATOR,
    NOBODY,
    OTHER_BUYER,
    OTHER_SUPPLIER,
    OWN_BUYER_ADMIN,
    OWN_BUYER_MANAGERS,
    OWN_BUYER_STAFF,
    OWN_SUPPLIER,
    OWN_SUPPLIER_ADMIN,
    PLATFORM_ADMIN_ONLY,
    PUBLIC,
    RESILIENCE_ONLY,
    RESILIENCE_TEAM,
    REVIEW_TEAM_ONLY,
    SUPPLIER_ADMIN,
    SUPPLIER_ADMINS_AREA,
    SUPPLIER_AREA,
    SUPPLIER_MEMBER,
    Entry,
    but,
    expect,
    form,
    page,
    post,
)

# Both sides of a contract, a thread or a report: the buyer's staff and the supplier's people.
BOTH_SIDES = expect(own=(*BUYER_STAFF, SUPPLIER_ADMIN, SUPPLIER_MEMBER))
BOTH_SIDES_MANAGERS = expect(own=(*BUYER_MANAGERS, SUPPLIER_ADMIN, SUPPLIER_MEMBER))
ORGANISATION_ADMINS = expect(
    allow=(BUYER_ADMIN, OTHER_BUYER, SUPPLIER_ADMIN, CONSORTIUM_MEMBER, OTHER_SUPPLIER)
)
# A contract's management: the buyer's admins and officers, and its contract manager (Priya Shah,
# an evaluator, manages the home care contract).
CONTRACT_MANAGERS = expect(own=(BUYER_ADMIN, BUYER_OFFICER, EVALUATOR))
# A living will's readers once submitted: the resilience team and the admins and officers of the
# authorities holding a critical contract in force with its supplier (both councils, for Meridian).
WILL_READERS = expect(allow=(RESILIENCE_TEAM, BUYER_ADMIN, BUYER_OFFICER, OTHER_BUYER))
WILL_READERS_WHY = (
    "Meridian's submitted will: the team and both councils' buyers (critical contracts)"
)
# The consortium: its lead's people and the members who accepted.
CONSORTIUM_PEOPLE = but(OWN_SUPPLIER, consortium_member=ALLOW)

NO_ANSWERS_YET = "with no answers kept, it goes back to the first question"

PAGES = {
    # Probes and public pages: no personal data, anyone.
    "healthz": page("none", PUBLIC),
    "readyz": page("none", PUBLIC),
    "api:openapi-json": page("none", PUBLIC),
    "api:openapi-view": page("none", PUBLIC),
    "public:home": page("none", PUBLIC),
    "public:opportunities": page("none", PUBLIC),
    "public:opportunity": page("tender_open", PUBLIC),
    "public:document": page("tender_open", PUBLIC),
    "public:ask": post("tender_open", SUPPLIER_AREA),
    "public:question": page(
        "tender_open", OWN_SUPPLIER, why="the question the Trust asked: only its asker's people"
    ),
    # Accounts.
    "accounts:login": page("none", PUBLIC),
    "accounts:two_factor_code": page(
        "none", PUBLIC, why="with no sign-in under way it moves on to the sign-in page"
    ),
    "accounts:logout": post("none", PUBLIC),
    "accounts:two_factor_setup": page("none", ANYONE_SIGNED_IN),
    "accounts:two_factor_recovery_codes": page("none", ANYONE_SIGNED_IN),
    "accounts:two_factor_turn_off": post("none", ANYONE_SIGNED_IN),
    "accounts:register": page("none", PUBLIC),
    "accounts:forgot_password": page("none", PUBLIC),
    "accounts:password_reset_confirm": page(
        "reset_link", PUBLIC, why="a link that is not valid: a page saying so (200)"
    ),
    "accounts:resend_verification": post("none", ANYONE_SIGNED_IN),
    "accounts:verify_email": page(
        "verify_link",
        PUBLIC,
        why="the Trust member's link: confirmed, then on to the dashboard or to sign in",
    ),
    "accounts:account": page("none", ANYONE_SIGNED_IN),
    "accounts:dashboard": page("none", ANYONE_SIGNED_IN),
    "accounts:switch": post(
        "organisation", OWN_SUPPLIER, why="switching to the Trust: only its people"
    ),
    "accounts:create_token": page("none", ANYONE_SIGNED_IN),
    "accounts:revoke_token": post(
        "api_token",
        expect(own=(SUPPLIER_ADMIN,)),
        why="the Trust admin's own token: only its holder",
    ),
    "accounts:invite": page("none", ORGANISATION_ADMINS),
    "accounts:accept_invitation": page(
        "invitation_link", PUBLIC, why="an invitation to Wessex, opened by anyone holding the link"
    ),
    # Tenders (buyer).
    "tenders:dashboard": page("none", BUYER_AREA),
    "tenders:create": page("none", BUYER_MANAGERS_AREA),
    "tenders:detail": page("tender_draft", OWN_BUYER_STAFF),
    "tenders:edit": page("tender_draft", OWN_BUYER_MANAGERS),
    "tenders:lot_add": page("tender_draft", OWN_BUYER_MANAGERS),
    "tenders:lot_edit": page("tender_draft", OWN_BUYER_MANAGERS),
    "tenders:question_add": page("tender_draft", OWN_BUYER_MANAGERS),
    "tenders:question_edit": page("tender_draft", OWN_BUYER_MANAGERS),
    "tenders:question_remove": post("tender_draft", OWN_BUYER_MANAGERS),
    "tenders:document_add": page("tender_draft", OWN_BUYER_MANAGERS),
    "tenders:publish": post("tender_draft", OWN_BUYER_MANAGERS),
    "tenders:barrier_reason": post("tender_draft", OWN_BUYER_MANAGERS),
    "tenders:cancel": page("tender_open", OWN_BUYER_ADMIN),
    "tenders:amend": page("tender_open", OWN_BUYER_MANAGERS),
    "tenders:tendering_period": form("tender_draft", OWN_BUYER_STAFF, OWN_BUYER_MANAGERS),
    "tenders:tendering_period_preview": post("tender_draft", OWN_BUYER_MANAGERS),
    "tenders:amend_period_preview": post("tender_open", OWN_BUYER_MANAGERS),
    "tenders:clarifications": page(
        "tender_open",
        OWN_BUYER_STAFF,
        why="evaluators read the published answers; who asked is shown to admins and officers only",
    ),
    "tenders:answer": page("tender_open", OWN_BUYER_MANAGERS),
    "tenders:open_evaluation": post("tender_open", OWN_BUYER_MANAGERS),
    # Evaluation.
    "evaluation:overview": page("tender_evaluating", OWN_BUYER_STAFF),
    "evaluation:open": post("tender_evaluating", OWN_BUYER_MANAGERS),
    "evaluation:assign": page("tender_evaluating", OWN_BUYER_MANAGERS),
    "evaluation:declare": page("tender_evaluating", OWN_BUYER_STAFF),
    "evaluation:score": page(
        "tender_evaluating",
        expect(own=(EVALUATOR,)),
        why="the evaluator assigned to the question, once declared",
    ),
    "evaluation:moderate": page("tender_evaluating", OWN_BUYER_MANAGERS),
    "evaluation:report": page("tender_evaluating", OWN_BUYER_MANAGERS),
    "evaluation:report_csv": page("tender_evaluating", OWN_BUYER_MANAGERS),
    # Award and contract (buyer).
    "contracts:award": page("tender_evaluating", OWN_BUYER_MANAGERS),
    "contracts:exclusions": page("tender_evaluating", OWN_BUYER_MANAGERS),
    "contracts:notice": page("tender_awarded", OWN_BUYER_MANAGERS),
    "contracts:record": page("tender_awarded", OWN_BUYER_MANAGERS),
    "contracts:sign": form("tender_awarded", OWN_BUYER_MANAGERS, OWN_BUYER_ADMIN),
    "contracts:register": page("none", BUYER_AREA),
    "contracts:register_download": page("register_download", BUYER_AREA),
    "contracts:enter": page("none", BUYER_MANAGERS_AREA),
    "contracts:detail": page("contract", OWN_BUYER_STAFF),
    "contracts:edit": page("contract", CONTRACT_MANAGERS),
    "contracts:suspend": page("contract", OWN_BUYER_ADMIN),
    "contracts:manager": page("contract", CONTRACT_MANAGERS),
    "contracts:add_option": page("contract", CONTRACT_MANAGERS),
    "contracts:remove_option": post("contract", CONTRACT_MANAGERS),
    "contracts:add_document": page("contract", CONTRACT_MANAGERS),
    "contracts:document": page("contract", OWN_BUYER_STAFF),
    "contracts:remove_document": post("contract", CONTRACT_MANAGERS),
    "contracts:sign_let_elsewhere": post("contract", OWN_BUYER_ADMIN),
    "contracts:mobilise": post("contract", CONTRACT_MANAGERS),
    "contracts:go_live": post("contract", CONTRACT_MANAGERS),
    "contracts:resume": post("contract", OWN_BUYER_ADMIN),
    "contracts:supplier_contracts": page("none", SUPPLIER_AREA),
    "contracts:supplier_contract": page("contract", OWN_SUPPLIER),
    "contracts:public_register": page("none", PUBLIC),
    "contracts:public_contract": page("contract", PUBLIC),
    "contracts:checklist_template": page("none", BUYER_MANAGERS_AREA),
    "contracts:checklist_template_add": page("none", BUYER_MANAGERS_AREA),
    "contracts:checklist_template_edit": page(
        "checklist_template",
        BUYER_MANAGERS_AREA,
        why="each buyer's own template: the address names a stage and a place in it",
    ),
    "contracts:checklist_template_remove": post(
        "checklist_template",
        BUYER_MANAGERS_AREA,
        why="each buyer's own template: the address names a stage and a place in it",
    ),
    "contracts:checklist_template_move": post(
        "checklist_template",
        BUYER_MANAGERS_AREA,
        why="each buyer's own template: the address names a stage and a place in it",
    ),
    "contracts:checklist": page("contract", OWN_BUYER_STAFF),
    "contracts:checklist_item": form(
        "contract", OWN_BUYER_STAFF, CONTRACT_MANAGERS, data={"do": "done"}
    ),
    "contracts:people": page("none", BUYER_AREA),
    "contracts:accreditation": page("people", OWN_BUYER_ADMIN),
    "contracts:capability": page("none", PLATFORM_ADMIN_ONLY),
    "contracts:kpis": page("contract", OWN_BUYER_STAFF),
    "contracts:kpi_add": page("contract", CONTRACT_MANAGERS),
    "contracts:kpi_edit": page("contract", CONTRACT_MANAGERS),
    "contracts:kpi_remove": post("contract", CONTRACT_MANAGERS),
    "contracts:kpi_exemption": page("contract", CONTRACT_MANAGERS),
    "contracts:supplier_kpis": page("contract", OWN_SUPPLIER),
    "contracts:supplier_kpi_report": page("contract", OWN_SUPPLIER),
    "contracts:performance": page("contract", OWN_BUYER_STAFF),
    "contracts:assess": page("contract", CONTRACT_MANAGERS),
    "contracts:failure_add": page("contract", CONTRACT_MANAGERS),
    "contracts:cost_per_outcome": page("none", BUYER_AREA),
    "contracts:outcomes": page("contract", OWN_BUYER_STAFF),
    "contracts:outcome_measure": page("contract", CONTRACT_MANAGERS),
    "contracts:outcome_record": page("contract", CONTRACT_MANAGERS),
    "contracts:outcome_record_remove": post("contract", CONTRACT_MANAGERS),
    "contracts:priced_outcome_add": page("contract", CONTRACT_MANAGERS),
    "contracts:priced_outcome_remove": post("contract", CONTRACT_MANAGERS),
    "contracts:claim": form("contract", OWN_BUYER_STAFF, CONTRACT_MANAGERS),
    "contracts:claim_evidence": page("contract", OWN_BUYER_STAFF),
    "contracts:supplier_outcomes": page("contract", OWN_SUPPLIER),
    "contracts:supplier_claim": page("contract", OWN_SUPPLIER),
    "contracts:supplier_claim_evidence": page("contract", OWN_SUPPLIER),
    "contracts:payments_contract": page("contract", OWN_BUYER_STAFF),
    "contracts:payments_mark_paid": page("contract", CONTRACT_MANAGERS),
    "contracts:payments_dispute": page("contract", CONTRACT_MANAGERS),
    "contracts:payments_resolve": post("contract", CONTRACT_MANAGERS),
    "contracts:payments_correct": page("contract", CONTRACT_MANAGERS),
    "contracts:payments_buyer": page("none", BUYER_AREA),
    "contracts:payments_import": post("none", BUYER_MANAGERS_AREA),
    "contracts:payments_publish": post("none", BUYER_MANAGERS_AREA),
    "contracts:payments_supplier": page("contract", OWN_SUPPLIER),
    "contracts:public_payments_compliance": page("payments_compliance", PUBLIC),
    "contracts:changes": page("contract", OWN_BUYER_STAFF),
    "contracts:record_change": page("contract", CONTRACT_MANAGERS),
    "contracts:use_option": page("contract", CONTRACT_MANAGERS),
    "contracts:make_change": post("contract", CONTRACT_MANAGERS),
    "contracts:terminate": page("contract", OWN_BUYER_ADMIN),
    "contracts:complete": page("contract", CONTRACT_MANAGERS),
    # Supplier profile, consortia and subcontractors.
    "suppliers:profile": page("none", SUPPLIER_AREA),
    "suppliers:profile_edit": page("none", SUPPLIER_ADMINS_AREA),
    "suppliers:declaration": form("none", SUPPLIER_AREA, SUPPLIER_ADMINS_AREA),
    "suppliers:certificates": page("none", SUPPLIER_AREA),
    "suppliers:certificate_document": page("certificate", OWN_SUPPLIER),
    "suppliers:certificate_remove": post("certificate", OWN_SUPPLIER_ADMIN),
    "suppliers:consortia": page("none", SUPPLIER_AREA),
    "suppliers:consortium_create": page("none", SUPPLIER_ADMINS_AREA),
    "suppliers:consortium": page("consortium", CONSORTIUM_PEOPLE),
    "suppliers:consortium_invite": post("consortium", OWN_SUPPLIER_ADMIN),
    "suppliers:consortium_withdraw": post("consortium", OWN_SUPPLIER_ADMIN),
    "suppliers:consortium_remove": post("consortium", OWN_SUPPLIER_ADMIN),
    "suppliers:consortium_leave": post(
        "consortium",
        expect(allow=(CONSORTIUM_MEMBER,), own=(SUPPLIER_ADMIN,)),
        why="a member leaves; the lead is told it cannot (a rule, not a permission)",
    ),
    "suppliers:consortium_guarantee": page(
        "consortium",
        NOBODY,
        why="liability is joint and several: no member gives a guarantee, 404 for everyone",
    ),
    "suppliers:consortium_respond": post(
        "consortium_invitation", NOBODY, why="an invitation to Kennet, which none of the roles is"
    ),
    "suppliers:subcontractors": page("bid_draft", OWN_SUPPLIER),
    "suppliers:subcontractor_remove": post("bid_draft", OWN_SUPPLIER),
    # Bids.
    "bids:dashboard": page("none", SUPPLIER_AREA),
    "bids:edit": page("bid_draft", SUPPLIER_AREA, why="any supplier may open a bid on an open lot"),
    "bids:start": post("bid_draft", SUPPLIER_AREA),
    "bids:autosave": post("bid_draft", OWN_SUPPLIER),
    "bids:submit": post("bid_draft", OWN_SUPPLIER),
    "bids:checklist": page("bid_draft", OWN_SUPPLIER),
    "bids:submit_lot": post("bid_draft", OWN_SUPPLIER),
    "bids:tender": page("bid_draft", SUPPLIER_AREA),
    "bids:withdraw": post("bid_won", OWN_SUPPLIER),
    "bids:receipt": page("bid_won", OWN_SUPPLIER),
    "bids:summary": page("bid_won", OWN_SUPPLIER),
    "bids:attachment_add": post("bid_draft", OWN_SUPPLIER),
    "bids:attachment": page("bid_draft", OWN_SUPPLIER),
    "bids:attachment_remove": post("bid_draft", OWN_SUPPLIER),
    "bids:uploads": post("bid_draft", OWN_SUPPLIER),
    "bids:upload": Entry(
        "bid_upload",
        expect(own=(SUPPLIER_ADMIN,)),
        "HEAD",
        "a resumable upload (tus: HEAD, PATCH, DELETE), continued only by the person who began it",
        headers={"HTTP_TUS_RESUMABLE": "1.0.0"},
    ),
    # Correspondence after the deadline: the council's officers and the bidder written to.
    "correspondence:supplier_threads": page("none", SUPPLIER_AREA),
    "correspondence:tender_threads": page("thread", OWN_BUYER_MANAGERS),
    "correspondence:start": page("thread", OWN_BUYER_MANAGERS),
    "correspondence:record": page("thread", OWN_BUYER_MANAGERS),
    "correspondence:thread": page("thread", BOTH_SIDES_MANAGERS),
    "correspondence:attachment": page("thread", BOTH_SIDES_MANAGERS),
    # Open data.
    "opendata:downloads": page("none", PUBLIC),
    "opendata:policy": page("none", PUBLIC),
    "opendata:download": page("download", PUBLIC),
    # Social value.
    "socialvalue:home": page("none", PUBLIC),
    "socialvalue:portfolio": page("none", BUYER_AREA),
    "socialvalue:frameworks": page("none", BUYER_AREA),
    "socialvalue:framework": page("framework", OWN_BUYER_STAFF),
    "socialvalue:lot": page(
        "tender_draft",
        OWN_BUYER_STAFF,
        why="a page to read; its changes are on the outcomes and questions pages",
    ),
    "socialvalue:outcomes": page("tender_draft", OWN_BUYER_MANAGERS),
    "socialvalue:propose": page("tender_draft", OWN_BUYER_MANAGERS),
    "socialvalue:contract": page("contract", BOTH_SIDES),
    "socialvalue:report_add": page("contract", OWN_SUPPLIER),
    "socialvalue:report": page("contract", BOTH_SIDES),
    "socialvalue:evidence": page("contract", BOTH_SIDES),
    "socialvalue:supplier_home": page("none", SUPPLIER_AREA),
    "socialvalue:commitments": page("bid_draft", OWN_SUPPLIER),
    "socialvalue:commitment_value": post("bid_draft", OWN_SUPPLIER),
    "socialvalue:commitment_edit": page("bid_draft", OWN_SUPPLIER),
    "socialvalue:commitment_remove": post("bid_draft", OWN_SUPPLIER),
    # Saved searches: a supplier's people each keep their own.
    "alerts:list": page("none", SUPPLIER_AREA),
    "alerts:save": post("none", SUPPLIER_AREA),
    "alerts:delete": post("saved_search", expect(own=(SUPPLIER_ADMIN,))),
    # The supplier's living will: its admins edit, its people read.
    "resilience:will": page("none", SUPPLIER_AREA),
    "resilience:will_start": post(
        "none", expect(allow=(SUPPLIER_ADMIN, CONSORTIUM_MEMBER, OTHER_SUPPLIER))
    ),
    "resilience:will_submit": post("none", OWN_SUPPLIER_ADMIN),
    "resilience:will_owner": page("none", OWN_SUPPLIER_ADMIN),
    "resilience:will_contracts": form("none", OWN_SUPPLIER, OWN_SUPPLIER_ADMIN),
    "resilience:will_draft": page("none", OWN_SUPPLIER),
    "resilience:will_version": page("will", OWN_SUPPLIER),
    "resilience:will_section": page("will", OWN_SUPPLIER),
    "resilience:will_item_add": page("will", OWN_SUPPLIER_ADMIN),
    "resilience:will_item_change": page("will", OWN_SUPPLIER_ADMIN),
    "resilience:will_item_remove": post("will", OWN_SUPPLIER_ADMIN),
    # The resilience team's pages: the team only (a platform admin not given the role too is
    # refused); anyone else 404.
    "resilience:home": page("none", RESILIENCE_ONLY),
    "resilience:concentration": page("none", RESILIENCE_ONLY),
    "resilience:concentration_csv": page("none", RESILIENCE_ONLY),
    "resilience:wills": page(
        "none", ANYONE_SIGNED_IN, why="the list of the wills a person may read"
    ),
    "resilience:will_detail": page("will_read", WILL_READERS, why=WILL_READERS_WHY),
    "resilience:will_version_detail": page("will_read", WILL_READERS, why=WILL_READERS_WHY),
    "resilience:financial": page("none", RESILIENCE_ONLY),
    "resilience:financial_supplier": page("financial", RESILIENCE_ONLY),
    "resilience:financial_reading": page("financial", RESILIENCE_ONLY),
    "resilience:financial_notified": post("breach", RESILIENCE_ONLY),
    "resilience:financial_indicators": page("none", RESILIENCE_ONLY),
    "resilience:financial_import": page("none", RESILIENCE_ONLY),
    "resilience:scenarios": page("none", RESILIENCE_ONLY),
    "resilience:scenario_new": page("none", RESILIENCE_ONLY),
    "resilience:scenario": page("scenario", RESILIENCE_ONLY),
    "resilience:scenario_csv": page("scenario", RESILIENCE_ONLY),
    "resilience:scenario_pdf": page("scenario", RESILIENCE_ONLY),
    # The platform admin gives the team role and marks strategic suppliers.
    "resilience:platform_team": page("none", PLATFORM_ADMIN_ONLY),
    "resilience:platform_team_end": post("platform_role", PLATFORM_ADMIN_ONLY),
    "resilience:strategic": page("none", PLATFORM_ADMIN_ONLY),
    "resilience:strategic_mark": page("strategic", PLATFORM_ADMIN_ONLY),
    "resilience:strategic_end": page("strategic", PLATFORM_ADMIN_ONLY),
    # Insights: public figures for anyone; a buyer's own for its staff.
    "insights:public": page("none", PUBLIC),
    "insights:download": page("insights_download", PUBLIC),
    "insights:buyer": page("none", BUYER_AREA),
    "insights:buyer_download": page("insights_download", BUYER_AREA),
    "insights:unit_costs": page("none", BUYER_AREA),
    "insights:remove_unit_cost": post("unit_cost", OWN_BUYER_MANAGERS),
    "insights:spend_files": page("none", PLATFORM_ADMIN_ONLY),
    "insights:spend_unmatched": page("none", PLATFORM_ADMIN_ONLY),
    "insights:spend_resolve": page("spend_unmatched", PLATFORM_ADMIN_ONLY),
    # The procurement review service. Raising a concern: anyone signed in (the steps with no
    # answers kept go back to the first question); the raiser's case: the Trust's people.
    "reviews:raise_start": page("none", PUBLIC),
    "reviews:raise_kind": page("none", ANYONE_SIGNED_IN),
    "reviews:raise_details": page("none", ANYONE_SIGNED_IN, why=NO_ANSWERS_YET),
    "reviews:raise_who": page("none", ANYONE_SIGNED_IN, why=NO_ANSWERS_YET),
    "reviews:raise_check": page("none", ANYONE_SIGNED_IN, why=NO_ANSWERS_YET),
    "reviews:raise_done": page("review_case", OWN_SUPPLIER),
    "reviews:raiser_cases": page("none", ANYONE_SIGNED_IN, why="the cases a person raised"),
    "reviews:raiser_case": page("review_case", OWN_SUPPLIER),
    "reviews:raiser_add_evidence": form("review_case", OWN_SUPPLIER, OWN_SUPPLIER),
    "reviews:raiser_evidence": page("review_case", OWN_SUPPLIER),
    # The review team's pages: the platform roles reviewer and review manager (a reviewer's
    # limits are tried in levelfield/reviews/tests/test_pages_team.py); anyone else 404.
    "reviews:team_cases": page("none", REVIEW_TEAM_ONLY),
    "reviews:team_case": page("review_case", REVIEW_TEAM_ONLY),
    "reviews:team_accept": form("review_case", REVIEW_TEAM_ONLY, REVIEW_TEAM_ONLY),
    "reviews:team_reject": form("review_case", REVIEW_TEAM_ONLY, REVIEW_TEAM_ONLY),
    "reviews:team_request": form("review_case", REVIEW_TEAM_ONLY, REVIEW_TEAM_ONLY),
    "reviews:team_findings": form("review_case", REVIEW_TEAM_ONLY, REVIEW_TEAM_ONLY),
    "reviews:team_follow_up": form("review_case", REVIEW_TEAM_ONLY, REVIEW_TEAM_ONLY),
    "reviews:team_close": form("review_case", REVIEW_TEAM_ONLY, REVIEW_TEAM_ONLY),
    "reviews:team_publish": form("review_case", REVIEW_TEAM_ONLY, REVIEW_TEAM_ONLY),
    "reviews:team_evidence": page("review_case", REVIEW_TEAM_ONLY),
    "reviews:team_document": page("review_named", REVIEW_TEAM_ONLY),
    # Wessex asked for a response: its admins and officers (evaluators are not asked).
    "reviews:respondent_cases": page("none", ANYONE_SIGNED_IN, why="the requests to one's own"),
    "reviews:respondent_cases_csv": page(
        "none", ANYONE_SIGNED_IN, why="the requests to one's own organisations"
    ),
    "reviews:respondent_case": page("review_case", OWN_BUYER_MANAGERS),
    "reviews:respond": form("review_case", OWN_BUYER_MANAGERS, OWN_BUYER_MANAGERS),
    "reviews:respondent_evidence": page(
        "review_named",
        OWN_BUYER_MANAGERS,
        why="a named case's evidence (an anonymous case's is refused to everyone)",
    ),
    "reviews:respondent_document": page("review_named", OWN_BUYER_MANAGERS),
    # Published outcomes: anyone.
    "reviews:published_cases": page("none", PUBLIC),
    "reviews:yearly_summary": page("none", PUBLIC),
    "reviews:published_cases_csv": page("none", PUBLIC),
    "reviews:published_case": page("review_published", PUBLIC),
}

# The marketplace's pages, one module per part (tests/authz/mp_*.py).
MARKETPLACE_AREAS = (mp_frameworks, mp_listings, mp_buying, mp_reports)
for _area in MARKETPLACE_AREAS:
    PAGES.update(_area.PAGES)

# The admin site, as one group: these of its pages are tried for the whole of it.
ADMIN_PAGES = {
    "admin:index": page("none", PLATFORM_ADMIN_ONLY),
    "admin:accounts_user_changelist": page("none", PLATFORM_ADMIN_ONLY),
    "admin:tenders_tender_changelist": page("none", PLATFORM_ADMIN_ONLY),
    "admin:core_auditevent_changelist": page("none", PLATFORM_ADMIN_ONLY),
}

__all__ = ["ADMIN_PAGES", "PAGES", "BUYER_OFFICER", "SUPPLIER_MEMBER", "OTHER_SUPPLIER"]
