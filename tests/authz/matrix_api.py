"""The authorisation matrix of the API: one line per operation of the OpenAPI document the API
serves (its operationId), with the scene its path parameters are filled from and who may call
it. A caller is a bearer token of the role's person (read and write); anonymous sends none.
An operation that changes something is sent a body made from its documented request schema, so
that a refusal is not hidden behind a 422 for a missing field."""

# ruff: noqa: E501 (one operation a line reads best as a table)

from .matrix_pages import (
    BOTH_SIDES,
    BOTH_SIDES_MANAGERS,
    CONSORTIUM_PEOPLE,
    CONTRACT_MANAGERS,
    MARKETPLACE_AREAS,
    WILL_READERS,
)
from .roles import (
    ANYONE_SIGNED_IN,
    BUYER_ADMIN,
    BUYER_AREA,
    BUYER_MANAGERS_AREA,
    BUYER_OFFICER,
    CONSORTIUM_MEMBER,
    EVALUATOR,
    OWN_BUYER_ADMIN,
    OWN_BUYER_MANAGERS,
    OWN_BUYER_STAFF,
    OWN_SUPPLIER,
    OWN_SUPPLIER_ADMIN,
    PLATFORM_ADMIN_ONLY,
    PUBLIC,
    RESILIENCE_ONLY,
    REVIEW_TEAM_ONLY,
    SUPPLIER_ADMIN,
    SUPPLIER_ADMINS_AREA,
    SUPPLIER_AREA,
    Entry,
    expect,
)


def op(scene: str, policy: dict[str, str], why: str = "") -> Entry:
    return Entry(scene, policy, "", why)


OPERATIONS = {
    "opportunities_search": op("none", PUBLIC),  # GET /api/opportunities
    "opportunities_search_everywhere": op("none", PUBLIC),  # GET /api/opportunities/everywhere
    "opportunities_get": op("tender_open", PUBLIC),  # GET /api/opportunities/{reference}
    "buyer_tenders_list": op("none", BUYER_AREA),  # GET /api/buyer/tenders
    "buyer_tenders_create": op("none", BUYER_MANAGERS_AREA),  # POST /api/buyer/tenders
    "buyer_tenders_get": op("tender_draft", OWN_BUYER_STAFF),  # GET /api/buyer/tenders/{tender_id}
    "buyer_tenders_update": op(
        "tender_draft", OWN_BUYER_MANAGERS
    ),  # PATCH /api/buyer/tenders/{tender_id}
    "buyer_lots_create": op(
        "tender_draft", OWN_BUYER_MANAGERS
    ),  # POST /api/buyer/tenders/{tender_id}/lots
    "buyer_lots_update": op(
        "tender_draft", OWN_BUYER_MANAGERS
    ),  # PATCH /api/buyer/tenders/{tender_id}/lots/{lot_id}
    "buyer_questions_create": op(
        "tender_draft", OWN_BUYER_MANAGERS
    ),  # POST /api/buyer/tenders/{tender_id}/lots/{lot_id}/questions
    "buyer_questions_delete": op(
        "tender_draft", OWN_BUYER_MANAGERS
    ),  # DELETE /api/buyer/tenders/{tender_id}/questions/{question_id}
    "buyer_tenders_publish": op(
        "tender_draft", OWN_BUYER_MANAGERS
    ),  # POST /api/buyer/tenders/{tender_id}/publish
    "buyer_tenders_barrier_reason": op(
        "tender_draft", OWN_BUYER_MANAGERS
    ),  # POST /api/buyer/tenders/{tender_id}/barriers/{code}/reason
    "buyer_tenders_cancel": op(
        "tender_open", OWN_BUYER_ADMIN
    ),  # POST /api/buyer/tenders/{tender_id}/cancel
    "buyer_tenders_open_evaluation": op(
        "tender_open", OWN_BUYER_MANAGERS
    ),  # POST /api/buyer/tenders/{tender_id}/open-evaluation
    "buyer_evaluators_assign": op(
        "tender_evaluating", OWN_BUYER_MANAGERS
    ),  # POST /api/buyer/tenders/{tender_id}/evaluators
    "buyer_evaluation_declare": op(
        "tender_evaluating", OWN_BUYER_STAFF
    ),  # POST /api/buyer/tenders/{tender_id}/declaration
    "buyer_bids_list": op(
        "tender_evaluating",
        expect(own=(BUYER_ADMIN, BUYER_OFFICER, EVALUATOR)),
        why="the evaluator who has declared no conflict reads the bids it scores",
    ),  # GET /api/buyer/tenders/{tender_id}/bids
    "buyer_scores_record": op(
        "tender_evaluating", expect(own=(EVALUATOR,)), why="the evaluator assigned, once declared"
    ),  # POST /api/buyer/tenders/{tender_id}/scores
    "buyer_moderations_record": op(
        "tender_evaluating", OWN_BUYER_MANAGERS
    ),  # POST /api/buyer/tenders/{tender_id}/moderations
    "buyer_evaluation_results": op(
        "tender_evaluating", OWN_BUYER_MANAGERS
    ),  # GET /api/buyer/tenders/{tender_id}/evaluation
    "buyer_bids_complete_not_submitted": op(
        "tender_evaluating", OWN_BUYER_MANAGERS
    ),  # GET /api/buyer/tenders/{tender_id}/complete-not-submitted
    "buyer_award_confirm": op(
        "tender_evaluating", OWN_BUYER_ADMIN
    ),  # POST /api/buyer/tenders/{tender_id}/award
    "buyer_exclusion_checks": op(
        "tender_evaluating", OWN_BUYER_MANAGERS
    ),  # GET /api/buyer/tenders/{tender_id}/exclusion-checks
    "buyer_award_notice_publish": op(
        "tender_awarded", OWN_BUYER_MANAGERS
    ),  # POST /api/buyer/tenders/{tender_id}/award-notice
    "buyer_contracts_record": op(
        "tender_awarded", OWN_BUYER_MANAGERS
    ),  # POST /api/buyer/tenders/{tender_id}/lots/{lot_id}/contract
    "buyer_contracts_sign": op(
        "tender_awarded", OWN_BUYER_ADMIN
    ),  # POST /api/buyer/tenders/{tender_id}/contracts/{contract_id}/sign
    "supplier_bids_list": op("none", SUPPLIER_AREA),  # GET /api/supplier/bids
    "supplier_bids_start": op("bid_draft", SUPPLIER_AREA),  # POST /api/supplier/lots/{lot_id}/bid
    "supplier_bids_get": op("bid_draft", OWN_SUPPLIER),  # GET /api/supplier/bids/{bid_id}
    "supplier_bids_update": op("bid_draft", OWN_SUPPLIER),  # PATCH /api/supplier/bids/{bid_id}
    "supplier_bids_checklist": op(
        "bid_draft", OWN_SUPPLIER
    ),  # GET /api/supplier/bids/{bid_id}/checklist
    "supplier_bids_submit": op(
        "bid_draft", OWN_SUPPLIER
    ),  # POST /api/supplier/bids/{bid_id}/submit
    "supplier_bids_withdraw": op(
        "bid_draft", OWN_SUPPLIER
    ),  # POST /api/supplier/bids/{bid_id}/withdraw
    "supplier_bids_assessment_summary": op(
        "bid_won", OWN_SUPPLIER
    ),  # GET /api/supplier/bids/{bid_id}/assessment-summary
    "supplier_clarifications_ask": op(
        "tender_open", SUPPLIER_AREA
    ),  # POST /api/supplier/tenders/{reference}/questions
    "supplier_profile_get": op("none", SUPPLIER_AREA),  # GET /api/supplier/profile
    "supplier_profile_update": op("none", SUPPLIER_ADMINS_AREA),  # PUT /api/supplier/profile
    "supplier_exclusion_grounds": op("none", SUPPLIER_AREA),  # GET /api/supplier/exclusion-grounds
    "supplier_declaration_get": op("none", SUPPLIER_AREA),  # GET /api/supplier/declaration
    "supplier_declaration_make": op("none", SUPPLIER_ADMINS_AREA),  # POST /api/supplier/declaration
    "supplier_certificates_list": op("none", SUPPLIER_AREA),  # GET /api/supplier/certificates
    "supplier_certificates_add": op(
        "none", SUPPLIER_ADMINS_AREA
    ),  # POST /api/supplier/certificates
    "supplier_certificates_remove": op(
        "certificate", OWN_SUPPLIER_ADMIN
    ),  # DELETE /api/supplier/certificates/{certificate_id}
    "supplier_consortia_list": op("none", SUPPLIER_AREA),  # GET /api/supplier/consortia
    "supplier_consortia_create": op("none", SUPPLIER_ADMINS_AREA),  # POST /api/supplier/consortia
    "supplier_consortia_get": op(
        "consortium", CONSORTIUM_PEOPLE
    ),  # GET /api/supplier/consortia/{consortium_id}
    "supplier_consortia_invite": op(
        "consortium", OWN_SUPPLIER_ADMIN
    ),  # POST /api/supplier/consortia/{consortium_id}/members
    "supplier_consortia_respond": op(
        "consortium_invitation", expect(), why="an invitation to Kennet, which none of the roles is"
    ),  # POST /api/supplier/consortium-invitations/{member_id}/{answer}
    "supplier_consortia_withdraw_invitation": op(
        "consortium", OWN_SUPPLIER_ADMIN
    ),  # POST /api/supplier/consortia/{consortium_id}/members/{member_id}/withdraw-invitation
    "supplier_consortia_remove_member": op(
        "consortium", OWN_SUPPLIER_ADMIN
    ),  # POST /api/supplier/consortia/{consortium_id}/members/{member_id}/remove
    "supplier_consortia_leave": op(
        "consortium",
        expect(allow=(CONSORTIUM_MEMBER,), own=(SUPPLIER_ADMIN,)),
        why="a member leaves; the lead is told it cannot (400, a rule, not a permission)",
    ),  # POST /api/supplier/consortia/{consortium_id}/leave
    "supplier_consortia_record_guarantee": op(
        "consortium",
        OWN_SUPPLIER_ADMIN,
        why="liability is joint and several: the lead is told no member gives a guarantee (400)",
    ),  # PUT /api/supplier/consortia/{consortium_id}/members/{member_id}/guarantee
    "supplier_consortia_start_bid": op(
        "consortium_bid", OWN_SUPPLIER
    ),  # POST /api/supplier/consortia/{consortium_id}/lots/{lot_id}/bid
    "supplier_subcontractors_list": op(
        "bid_draft", OWN_SUPPLIER
    ),  # GET /api/supplier/bids/{bid_id}/subcontractors
    "supplier_subcontractors_add": op(
        "bid_draft", OWN_SUPPLIER
    ),  # POST /api/supplier/bids/{bid_id}/subcontractors
    "supplier_subcontractors_remove": op(
        "bid_draft", OWN_SUPPLIER
    ),  # DELETE /api/supplier/bids/{bid_id}/subcontractors/{subcontractor_id}
    "ocds_releases": op("none", PUBLIC),  # GET /api/ocds/releases
    "ocds_release": op("ocds", PUBLIC),  # GET /api/ocds/releases/{release_id}
    "ocds_record": op("ocds", PUBLIC),  # GET /api/ocds/records/{ocid}
    "social_value_models_list": op("none", PUBLIC),  # GET /api/social-value/models
    "social_value_models_on_date": op("none", PUBLIC),  # GET /api/social-value/models/on-date
    "social_value_models_get": op(
        "social_value_model", PUBLIC
    ),  # GET /api/social-value/models/{model_id}
    "social_value_supplier_commitments_list": op(
        "bid_draft", OWN_SUPPLIER
    ),  # GET /api/social-value/supplier/bids/{bid_id}/commitments
    "social_value_supplier_commitments_add": op(
        "bid_draft", OWN_SUPPLIER
    ),  # POST /api/social-value/supplier/bids/{bid_id}/commitments
    "social_value_supplier_commitments_delete": op(
        "bid_draft", OWN_SUPPLIER
    ),  # DELETE /api/social-value/supplier/bids/{bid_id}/commitments/{commitment_id}
    "social_value_buyer_commitments_list": op(
        "tender_awarded", OWN_BUYER_STAFF
    ),  # GET /api/social-value/buyer/tenders/{tender_id}/commitments
    "social_value_buyer_summary": op("none", BUYER_AREA),  # GET /api/social-value/buyer/summary
    "social_value_contract_get": op(
        "contract", BOTH_SIDES
    ),  # GET /api/social-value/contracts/{contract_id}
    "social_value_buyer_report_review": op(
        "contract", OWN_BUYER_MANAGERS
    ),  # POST /api/social-value/buyer/reports/{report_id}/review
    "social_value_buyer_reports_waiting": op(
        "none", BUYER_AREA
    ),  # GET /api/social-value/buyer/reports
    "social_value_buyer_frameworks_list": op(
        "none", BUYER_AREA
    ),  # GET /api/social-value/buyer/frameworks
    "social_value_buyer_frameworks_import": op(
        "none", BUYER_MANAGERS_AREA
    ),  # POST /api/social-value/buyer/frameworks
    "social_value_buyer_frameworks_get": op(
        "framework", OWN_BUYER_STAFF
    ),  # GET /api/social-value/buyer/frameworks/{framework_id}
    "social_value_supplier_contracts_list": op(
        "none", SUPPLIER_AREA
    ),  # GET /api/social-value/supplier/contracts
    "social_value_supplier_report_submit": op(
        "contract_obligation", OWN_SUPPLIER
    ),  # POST /api/social-value/supplier/contracts/{contract_id}/obligations/{number}/reports
    "buyer_tenders_amend": op(
        "tender_open", OWN_BUYER_MANAGERS
    ),  # POST /api/buyer/tenders/{tender_id}/amendments
    "buyer_tenders_amendments": op(
        "tender_open", OWN_BUYER_STAFF
    ),  # GET /api/buyer/tenders/{tender_id}/amendments
    "buyer_tenders_document_new_version": op(
        "tender_open", OWN_BUYER_MANAGERS
    ),  # POST /api/buyer/tenders/{tender_id}/documents/{document_id}/versions
    "opportunities_amendments": op(
        "tender_open", PUBLIC
    ),  # GET /api/opportunities/{reference}/amendments
    "opportunities_documents": op(
        "tender_open", PUBLIC
    ),  # GET /api/opportunities/{reference}/documents
    "buyer_clarifications_list": op(
        "tender_open",
        OWN_BUYER_STAFF,
        why="evaluators read the published answers; who asked is for admins and officers",
    ),  # GET /api/buyer/tenders/{tender_id}/clarifications
    "buyer_clarifications_answer": op(
        "tender_open", OWN_BUYER_MANAGERS
    ),  # POST /api/buyer/tenders/{tender_id}/clarifications/{clarification_id}/answer
    "supplier_clarifications_list": op("none", SUPPLIER_AREA),  # GET /api/supplier/questions
    "supplier_clarifications_get": op(
        "tender_open", OWN_SUPPLIER
    ),  # GET /api/supplier/questions/{clarification_id}
    "buyer_contracts_list": op("none", BUYER_AREA),  # GET /api/buyer/contracts
    "buyer_contract_enter": op("none", BUYER_MANAGERS_AREA),  # POST /api/buyer/contracts
    "buyer_contract_get": op("contract", OWN_BUYER_STAFF),  # GET /api/buyer/contracts/{contract_id}
    "buyer_contract_update": op(
        "contract", CONTRACT_MANAGERS
    ),  # PATCH /api/buyer/contracts/{contract_id}
    "buyer_contract_manager_set": op(
        "contract", CONTRACT_MANAGERS
    ),  # PUT /api/buyer/contracts/{contract_id}/manager
    "buyer_contract_sign_let_elsewhere": op(
        "contract", OWN_BUYER_ADMIN
    ),  # POST /api/buyer/contracts/{contract_id}/sign
    "buyer_contract_mobilise": op(
        "contract", CONTRACT_MANAGERS
    ),  # POST /api/buyer/contracts/{contract_id}/mobilise
    "buyer_contract_go_live": op(
        "contract", CONTRACT_MANAGERS
    ),  # POST /api/buyer/contracts/{contract_id}/go-live
    "buyer_contract_suspend": op(
        "contract", OWN_BUYER_ADMIN
    ),  # POST /api/buyer/contracts/{contract_id}/suspend
    "buyer_contract_resume": op(
        "contract", OWN_BUYER_ADMIN
    ),  # POST /api/buyer/contracts/{contract_id}/resume
    "buyer_contract_options_list": op(
        "contract", OWN_BUYER_STAFF
    ),  # GET /api/buyer/contracts/{contract_id}/options
    "buyer_contract_options_add": op(
        "contract", CONTRACT_MANAGERS
    ),  # POST /api/buyer/contracts/{contract_id}/options
    "buyer_contract_options_remove": op(
        "contract", CONTRACT_MANAGERS
    ),  # DELETE /api/buyer/contracts/{contract_id}/options/{option_id}
    "supplier_contracts_list": op("none", SUPPLIER_AREA),  # GET /api/supplier/contracts
    "supplier_contract_get": op(
        "contract", OWN_SUPPLIER
    ),  # GET /api/supplier/contracts/{contract_id}
    "public_contracts_list": op("none", PUBLIC),  # GET /api/contracts
    "public_contract_get": op("contract", PUBLIC),  # GET /api/contracts/{contract_id}
    "buyer_contract_checklist": op(
        "contract", OWN_BUYER_STAFF
    ),  # GET /api/buyer/contracts/{contract_id}/checklist
    "buyer_contract_checklist_done": op(
        "contract", CONTRACT_MANAGERS
    ),  # POST /api/buyer/contracts/{contract_id}/checklist/{item_id}/done
    "buyer_contract_checklist_reopen": op(
        "contract", CONTRACT_MANAGERS
    ),  # POST /api/buyer/contracts/{contract_id}/checklist/{item_id}/reopen
    "platform_capability_list": op("none", PLATFORM_ADMIN_ONLY),  # GET /api/platform/capability
    "buyer_contract_kpis_list": op(
        "contract", OWN_BUYER_STAFF
    ),  # GET /api/buyer/contracts/{contract_id}/kpis
    "buyer_contract_kpis_add": op(
        "contract", CONTRACT_MANAGERS
    ),  # POST /api/buyer/contracts/{contract_id}/kpis
    "buyer_contract_s52": op(
        "contract", OWN_BUYER_STAFF
    ),  # GET /api/buyer/contracts/{contract_id}/s52
    "buyer_contract_kpis_edit": op(
        "contract", CONTRACT_MANAGERS
    ),  # PUT /api/buyer/contracts/{contract_id}/kpis/{kpi_id}
    "buyer_contract_kpis_remove": op(
        "contract", CONTRACT_MANAGERS
    ),  # DELETE /api/buyer/contracts/{contract_id}/kpis/{kpi_id}
    "buyer_contract_kpi_exemption": op(
        "contract", CONTRACT_MANAGERS
    ),  # PUT /api/buyer/contracts/{contract_id}/kpi-exemption
    "buyer_contract_assessments_list": op(
        "contract", OWN_BUYER_STAFF
    ),  # GET /api/buyer/contracts/{contract_id}/assessments
    "buyer_contract_assessments_add": op(
        "contract", CONTRACT_MANAGERS
    ),  # POST /api/buyer/contracts/{contract_id}/assessments
    "buyer_contract_failures_list": op(
        "contract", OWN_BUYER_STAFF
    ),  # GET /api/buyer/contracts/{contract_id}/failures
    "buyer_contract_failures_add": op(
        "contract", CONTRACT_MANAGERS
    ),  # POST /api/buyer/contracts/{contract_id}/failures
    "supplier_contract_kpis_list": op(
        "contract", OWN_SUPPLIER
    ),  # GET /api/supplier/contracts/{contract_id}/kpis
    "supplier_contract_kpi_reports_add": op(
        "contract", OWN_SUPPLIER
    ),  # POST /api/supplier/contracts/{contract_id}/kpis/{kpi_id}/reports
    "supplier_contract_kpi_reports_correct": op(
        "contract", OWN_SUPPLIER
    ),  # PUT /api/supplier/contracts/{contract_id}/kpis/{kpi_id}/reports/{period}
    "supplier_contract_assessments_list": op(
        "contract", OWN_SUPPLIER
    ),  # GET /api/supplier/contracts/{contract_id}/assessments
    "buyer_contract_outcomes": op(
        "contract", OWN_BUYER_STAFF
    ),  # GET /api/buyer/contracts/{contract_id}/outcomes
    "buyer_contract_outcome_measure": op(
        "contract", CONTRACT_MANAGERS
    ),  # PUT /api/buyer/contracts/{contract_id}/outcomes/measure
    "buyer_contract_outcome_records_add": op(
        "contract", CONTRACT_MANAGERS
    ),  # POST /api/buyer/contracts/{contract_id}/outcomes/records
    "buyer_contract_outcome_records_remove": op(
        "contract", CONTRACT_MANAGERS
    ),  # DELETE /api/buyer/contracts/{contract_id}/outcomes/records/{record_id}
    "buyer_outcomes_compare": op("none", BUYER_AREA),  # GET /api/buyer/outcomes/compare
    "buyer_contract_priced_outcomes_list": op(
        "contract", OWN_BUYER_STAFF
    ),  # GET /api/buyer/contracts/{contract_id}/priced-outcomes
    "buyer_contract_priced_outcomes_add": op(
        "contract", CONTRACT_MANAGERS
    ),  # POST /api/buyer/contracts/{contract_id}/priced-outcomes
    "buyer_contract_claims_list": op(
        "contract", OWN_BUYER_STAFF
    ),  # GET /api/buyer/contracts/{contract_id}/claims
    "buyer_contract_claims_validate": op(
        "contract", CONTRACT_MANAGERS
    ),  # POST /api/buyer/contracts/{contract_id}/claims/{claim_id}/validate
    "buyer_contract_claims_reject": op(
        "contract", CONTRACT_MANAGERS
    ),  # POST /api/buyer/contracts/{contract_id}/claims/{claim_id}/reject
    "supplier_contract_priced_outcomes_list": op(
        "contract", OWN_SUPPLIER
    ),  # GET /api/supplier/contracts/{contract_id}/priced-outcomes
    "supplier_contract_claims_list": op(
        "contract", OWN_SUPPLIER
    ),  # GET /api/supplier/contracts/{contract_id}/claims
    "supplier_contract_claims_add": op(
        "contract", OWN_SUPPLIER
    ),  # POST /api/supplier/contracts/{contract_id}/priced-outcomes/{outcome_id}/claims
    "buyer_contract_invoices_list": op(
        "contract", OWN_BUYER_STAFF
    ),  # GET /api/buyer/contracts/{contract_id}/invoices
    "buyer_contract_invoices_record": op(
        "contract", CONTRACT_MANAGERS
    ),  # POST /api/buyer/contracts/{contract_id}/invoices
    "buyer_contract_invoices_paid": op(
        "contract", CONTRACT_MANAGERS
    ),  # POST /api/buyer/contracts/{contract_id}/invoices/{invoice_id}/paid
    "buyer_contract_invoices_dispute": op(
        "contract", CONTRACT_MANAGERS
    ),  # POST /api/buyer/contracts/{contract_id}/invoices/{invoice_id}/dispute
    "buyer_contract_invoices_resolve": op(
        "contract", CONTRACT_MANAGERS
    ),  # POST /api/buyer/contracts/{contract_id}/invoices/{invoice_id}/resolve
    "buyer_payments_compliance": op("none", BUYER_AREA),  # GET /api/buyer/payments/compliance
    "buyer_payments_notices_list": op("none", BUYER_AREA),  # GET /api/buyer/payments/notices
    "buyer_payments_notices_due": op("none", BUYER_AREA),  # GET /api/buyer/payments/notices/due
    "buyer_payments_notices_publish": op(
        "none", BUYER_MANAGERS_AREA
    ),  # POST /api/buyer/payments/notices/publish
    "supplier_contract_invoices_list": op(
        "contract", OWN_SUPPLIER
    ),  # GET /api/supplier/contracts/{contract_id}/invoices
    "buyer_contract_changes_list": op(
        "contract", OWN_BUYER_STAFF
    ),  # GET /api/buyer/contracts/{contract_id}/changes
    "buyer_contract_changes_record": op(
        "contract", CONTRACT_MANAGERS
    ),  # POST /api/buyer/contracts/{contract_id}/changes
    "buyer_contract_changes_check": op(
        "contract", CONTRACT_MANAGERS
    ),  # POST /api/buyer/contracts/{contract_id}/changes/check
    "buyer_contract_changes_make": op(
        "contract", CONTRACT_MANAGERS
    ),  # POST /api/buyer/contracts/{contract_id}/changes/{number}/make
    "buyer_contract_terminate": op(
        "contract", OWN_BUYER_ADMIN
    ),  # POST /api/buyer/contracts/{contract_id}/terminate
    "buyer_contract_complete": op(
        "contract", CONTRACT_MANAGERS
    ),  # POST /api/buyer/contracts/{contract_id}/complete
    "buyer_correspondence_list": op(
        "tender_awarded", OWN_BUYER_MANAGERS
    ),  # GET /api/buyer/tenders/{tender_id}/correspondence
    "buyer_correspondence_start": op(
        "tender_awarded", OWN_BUYER_MANAGERS
    ),  # POST /api/buyer/tenders/{tender_id}/correspondence
    "buyer_correspondence_bidders": op(
        "tender_awarded", OWN_BUYER_MANAGERS
    ),  # GET /api/buyer/tenders/{tender_id}/correspondence/bidders
    "supplier_correspondence_list": op("none", SUPPLIER_AREA),  # GET /api/supplier/correspondence
    "correspondence_thread_get": op(
        "thread", BOTH_SIDES_MANAGERS
    ),  # GET /api/correspondence/threads/{thread_id}
    "correspondence_message_send": op(
        "thread", BOTH_SIDES_MANAGERS
    ),  # POST /api/correspondence/threads/{thread_id}/messages
    "correspondence_thread_read": op(
        "thread", BOTH_SIDES_MANAGERS
    ),  # POST /api/correspondence/threads/{thread_id}/read
    "supplier_living_will_get": op(
        "none", OWN_SUPPLIER, why="a supplier with no living will gets 404"
    ),  # GET /api/supplier/living-will
    "supplier_living_will_update": op("none", OWN_SUPPLIER_ADMIN),  # PUT /api/supplier/living-will
    "supplier_living_will_start": op(
        "none", SUPPLIER_ADMINS_AREA
    ),  # POST /api/supplier/living-will/start
    "supplier_living_will_submit": op(
        "none", OWN_SUPPLIER_ADMIN
    ),  # POST /api/supplier/living-will/submit
    "supplier_living_will_versions": op(
        "none", SUPPLIER_AREA
    ),  # GET /api/supplier/living-will/versions
    "supplier_living_will_version": op(
        "will", OWN_SUPPLIER
    ),  # GET /api/supplier/living-will/versions/{number}
    "resilience_living_wills_list": op(
        "none", ANYONE_SIGNED_IN, why="the list of the wills a person may read"
    ),  # GET /api/resilience/living-wills
    "resilience_living_will_get": op(
        "will_read",
        WILL_READERS,
        why="Meridian's submitted will: the team and both councils' buyers (critical contracts)",
    ),  # GET /api/resilience/living-wills/{will_id}
    "resilience_scenarios_list": op("none", RESILIENCE_ONLY),  # GET /api/resilience/scenarios
    "resilience_scenarios_create": op("none", RESILIENCE_ONLY),  # POST /api/resilience/scenarios
    "resilience_scenarios_preview": op(
        "none", RESILIENCE_ONLY
    ),  # POST /api/resilience/scenarios/preview
    "resilience_scenarios_get": op(
        "scenario", RESILIENCE_ONLY
    ),  # GET /api/resilience/scenarios/{scenario_id}
    "resilience_concentration": op("none", RESILIENCE_ONLY),  # GET /api/resilience/concentration
    "resilience_financial_indicators": op(
        "none", RESILIENCE_ONLY
    ),  # GET /api/resilience/financial/indicators
    "resilience_financial_reading_record": op(
        "none", RESILIENCE_ONLY
    ),  # POST /api/resilience/financial/readings
    "resilience_financial_supplier": op(
        "financial", RESILIENCE_ONLY
    ),  # GET /api/resilience/financial/suppliers/{supplier_id}
    "resilience_financial_breach_notified": op(
        "financial", RESILIENCE_ONLY
    ),  # POST /api/resilience/financial/breaches/{breach_id}/notified
    "insights_share_of_spend": op("none", PUBLIC),  # GET /api/insights/share-of-spend
    "insights_share_of_spend_by_quarter": op(
        "none", PUBLIC
    ),  # GET /api/insights/share-of-spend/by-quarter
    "insights_share_of_spend_by_authority": op(
        "none", PUBLIC
    ),  # GET /api/insights/share-of-spend/by-authority
    "insights_access": op("none", PUBLIC),  # GET /api/insights/access
    "insights_access_by_category": op("none", PUBLIC),  # GET /api/insights/access/by-category
    "insights_red_flags": op("none", PUBLIC),  # GET /api/insights/red-flags
    "insights_relets": op("none", PUBLIC),  # GET /api/insights/relets
    "insights_buyer_share_of_spend": op(
        "none", BUYER_AREA
    ),  # GET /api/insights/buyer/share-of-spend
    "insights_buyer_share_of_spend_by_quarter": op(
        "none", BUYER_AREA
    ),  # GET /api/insights/buyer/share-of-spend/by-quarter
    "insights_buyer_access": op("none", BUYER_AREA),  # GET /api/insights/buyer/access
    "insights_buyer_red_flags": op("none", BUYER_AREA),  # GET /api/insights/buyer/red-flags
    "insights_buyer_relets": op("none", BUYER_AREA),  # GET /api/insights/buyer/relets
    "insights_buyer_unit_costs": op("none", BUYER_AREA),  # GET /api/insights/buyer/unit-costs
    "insights_buyer_unit_cost_set": op(
        "none", BUYER_MANAGERS_AREA
    ),  # POST /api/insights/buyer/unit-costs
    "insights_buyer_unit_cost_remove": op(
        "unit_cost", OWN_BUYER_MANAGERS
    ),  # DELETE /api/insights/buyer/unit-costs/{cost_id}
    "insights_spend_files": op("none", PLATFORM_ADMIN_ONLY),  # GET /api/insights/spend/files
    "insights_spend_unmatched": op(
        "none", PLATFORM_ADMIN_ONLY
    ),  # GET /api/insights/spend/unmatched
    # The procurement review service. The raiser's case is the Trust's (raised by its admin for
    # it, so its members read it too); the respondent is the council it asked (admins and
    # officers); the team is the platform role, whatever its organisation.
    "reviews_outcomes": op("none", PUBLIC),  # GET /api/reviews/outcomes
    "reviews_outcome": op("review_published", PUBLIC),  # GET /api/reviews/outcomes/{case_id}
    "reviews_summary": op("none", PUBLIC),  # GET /api/reviews/summary
    "reviews_case_raise": op(
        "none", ANYONE_SIGNED_IN, "anyone registered raises a concern"
    ),  # POST /api/reviews/cases
    "reviews_raiser_cases": op(
        "none", ANYONE_SIGNED_IN, "each their own"
    ),  # GET /api/reviews/my-cases
    "reviews_raiser_case": op("review_case", OWN_SUPPLIER),  # GET /api/reviews/my-cases/{case_id}
    "reviews_raiser_evidence_add": op(
        "review_case", OWN_SUPPLIER
    ),  # POST /api/reviews/my-cases/{case_id}/evidence
    "reviews_team_cases": op("none", REVIEW_TEAM_ONLY),  # GET /api/reviews/team/cases
    "reviews_team_case": op(
        "review_case", REVIEW_TEAM_ONLY
    ),  # GET /api/reviews/team/cases/{case_id}
    "reviews_team_case_accept": op(
        "review_case", REVIEW_TEAM_ONLY
    ),  # POST /api/reviews/team/cases/{case_id}/accept
    "reviews_team_case_reject": op(
        "review_case", REVIEW_TEAM_ONLY
    ),  # POST /api/reviews/team/cases/{case_id}/reject
    "reviews_team_request_response": op(
        "review_case", REVIEW_TEAM_ONLY
    ),  # POST /api/reviews/team/cases/{case_id}/requests
    "reviews_team_findings": op(
        "review_case", REVIEW_TEAM_ONLY
    ),  # POST /api/reviews/team/cases/{case_id}/findings
    "reviews_team_follow_up": op(
        "review_case", REVIEW_TEAM_ONLY
    ),  # POST /api/reviews/team/cases/{case_id}/follow-ups
    "reviews_team_close": op(
        "review_case", REVIEW_TEAM_ONLY
    ),  # POST /api/reviews/team/cases/{case_id}/close
    "reviews_team_publish": op(
        "review_case", REVIEW_TEAM_ONLY
    ),  # POST /api/reviews/team/cases/{case_id}/publish
    "reviews_respondent_cases": op(
        "none", ANYONE_SIGNED_IN, "each organisation's own requests"
    ),  # GET /api/reviews/requests
    "reviews_respondent_case": op(
        "review_case", expect(own=(BUYER_ADMIN, BUYER_OFFICER))
    ),  # GET /api/reviews/requests/{case_id}
    "reviews_respondent_respond": op(
        "review_case", expect(own=(BUYER_ADMIN, BUYER_OFFICER))
    ),  # POST /api/reviews/requests/{case_id}/response
}

# The marketplace's operations, one module per part (tests/authz/mp_*.py).
for _area in MARKETPLACE_AREAS:
    OPERATIONS.update(_area.OPERATIONS)
