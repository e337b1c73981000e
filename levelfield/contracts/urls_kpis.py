"""KPIs, performance and outcomes: the buyer's pages under buyer/contracts/<pk>/, the
supplier's under supplier/contracts/<pk>/."""

from django.urls import path

from . import views_kpis, views_outcomes, views_performance

B = "buyer/contracts/<int:pk>/"
S = "supplier/contracts/<int:pk>/"

urlpatterns = [
    # KPIs (s.52)
    path(f"{B}kpis/", views_kpis.kpis, name="kpis"),
    path(f"{B}kpis/add/", views_kpis.kpi_add, name="kpi_add"),
    path(f"{B}kpis/<int:kpi_id>/edit/", views_kpis.kpi_edit, name="kpi_edit"),
    path(f"{B}kpis/<int:kpi_id>/remove/", views_kpis.kpi_remove, name="kpi_remove"),
    path(f"{B}kpis/exemption/", views_kpis.kpi_exemption, name="kpi_exemption"),
    path(f"{S}kpis/", views_kpis.supplier_kpis, name="supplier_kpis"),
    path(
        f"{S}kpis/<int:kpi_id>/periods/<int:number>/report/",
        views_kpis.supplier_report,
        name="supplier_kpi_report",
    ),
    # Performance assessments (s.71, UK9) and failures
    path(f"{B}performance/", views_performance.performance, name="performance"),
    path(f"{B}performance/assess/", views_performance.assess, name="assess"),
    path(f"{B}performance/failures/add/", views_performance.failure_add, name="failure_add"),
    # Outcomes and payment by results
    path(
        "buyer/contracts/cost-per-outcome/",
        views_outcomes.cost_per_outcome,
        name="cost_per_outcome",
    ),
    path(f"{B}outcomes/", views_outcomes.outcomes, name="outcomes"),
    path(f"{B}outcomes/measure/", views_outcomes.outcome_measure, name="outcome_measure"),
    path(f"{B}outcomes/record/", views_outcomes.outcome_record, name="outcome_record"),
    path(
        f"{B}outcomes/records/<int:record_id>/remove/",
        views_outcomes.outcome_record_remove,
        name="outcome_record_remove",
    ),
    path(f"{B}outcomes/priced/add/", views_outcomes.priced_outcome_add, name="priced_outcome_add"),
    path(
        f"{B}outcomes/priced/<int:outcome_id>/remove/",
        views_outcomes.priced_outcome_remove,
        name="priced_outcome_remove",
    ),
    path(f"{B}outcomes/claims/<int:claim_id>/", views_outcomes.claim, name="claim"),
    path(
        f"{B}outcomes/claims/<int:claim_id>/evidence/",
        views_outcomes.claim_evidence,
        name="claim_evidence",
    ),
    path(f"{S}outcomes/", views_outcomes.supplier_outcomes, name="supplier_outcomes"),
    path(
        f"{S}outcomes/<int:outcome_id>/claim/",
        views_outcomes.supplier_claim,
        name="supplier_claim",
    ),
    path(
        f"{S}outcomes/claims/<int:claim_id>/evidence/",
        views_outcomes.supplier_claim_evidence,
        name="supplier_claim_evidence",
    ),
]
