"""KPIs and reports (s.52), performance assessments and failures (s.71, UK9) in the API. For the
buyer: set KPIs or the reason there are none, assess, record failures; for the supplier: report
on each KPI period and see its assessments. Outcomes and payment by results are in
`api_outcomes.py`, mounted with these (ROUTERS). Each endpoint calls the action that does it;
the action checks permission and state."""

from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.pagination import paginate

from levelfield.accounts.api_auth import api_auth
from levelfield.core.api_helpers import OWN_OBJECT_ERRORS, Pages, errors

from . import api_outcomes, kpi_rules, selectors_kpis
from .actions import kpis as kpi_actions
from .actions import performance as performance_actions
from .api_common import buyer_contract, supplier_contract
from .api_outcomes import ENDED, MANAGERS, RULES
from .models.performance import (
    Kpi,
    KpiReport,
    PerformanceFailure,
)
from .schemas_kpis import (
    KpiCorrectionIn,
    KpiExemptionIn,
    KpiIn,
    KpiOut,
    KpiReportIn,
    KpiReportOut,
    KpiS52Out,
    PerformanceAssessmentIn,
    PerformanceAssessmentOut,
    PerformanceFailureIn,
    PerformanceFailureOut,
)

router = Router(auth=api_auth, tags=["Buyer: KPIs, performance and outcomes"])
supplier_router = Router(auth=api_auth, tags=["Supplier: KPI reports and outcome claims"])


def _kpi(contract, kpi_id: int) -> Kpi:
    kpi = get_object_or_404(Kpi.objects.filter(contract=contract), pk=kpi_id)
    kpi.contract = contract
    return kpi


def _period_out(p) -> dict:
    report = p.report
    return {
        "number": p.period.number,
        "start": p.period.start,
        "end": p.period.end,
        "due": p.period.due,
        "value": report.value if report else None,
        "narrative": report.narrative if report else "",
        "met": p.met,
        "overdue": p.overdue,
        "reported_at": report.reported_at if report else None,
    }


def _kpis_out(contract) -> list[dict]:
    return [
        {
            **{
                f: getattr(row.kpi, f)
                for f in ("id", "number", "name", "description", "target", "unit")
            },
            "direction": row.kpi.direction,
            "frequency": row.kpi.frequency,
            "material": row.kpi.material,
            "periods": [_period_out(p) for p in row.periods],
        }
        for row in selectors_kpis.kpi_rows(contract)
    ]


def _kpi_out(contract, kpi: Kpi) -> dict:
    return next(row for row in _kpis_out(contract) if row["id"] == kpi.pk)


def _s52(contract) -> dict:
    return {
        "applies": kpi_rules.s52_applies(contract),
        "problems": kpi_rules.s52_problems(contract),
        "exemption_reason": contract.kpi_exemption_reason,
    }


# --- Buyer: KPIs ------------------------------------------------------------------------------


@router.get(
    "/contracts/{contract_id}/kpis",
    response={200: list[KpiOut], **errors(*OWN_OBJECT_ERRORS, 422)},
    operation_id="buyer_contract_kpis_list",
    summary="A contract's KPIs, each with its periods and the supplier's reports",
    description="For the buyer's staff. Paginated with `limit` and `offset`.",
)
@paginate(Pages)
def kpi_list(request, contract_id: int):
    return _kpis_out(buyer_contract(request, contract_id))


@router.get(
    "/contracts/{contract_id}/s52",
    response={200: KpiS52Out, **errors(*OWN_OBJECT_ERRORS)},
    operation_id="buyer_contract_s52",
    summary="Whether the contract meets s.52 (KPIs over £5m) and may go live",
)
def s52(request, contract_id: int):
    return _s52(buyer_contract(request, contract_id))


@router.post(
    "/contracts/{contract_id}/kpis",
    response={201: KpiOut, **errors(*OWN_OBJECT_ERRORS, 400, 409, 422)},
    operation_id="buyer_contract_kpis_add",
    summary="Add a KPI",
    description=f"{MANAGERS} At most three are marked most material (400 `too_many_material`). "
    f"{RULES} {ENDED}",
)
def kpi_add(request, contract_id: int, payload: KpiIn):
    contract = buyer_contract(request, contract_id)
    kpi = kpi_actions.add_kpi(contract=contract, by=request.user, **payload.model_dump())
    return Status(201, _kpi_out(contract, kpi))


@router.put(
    "/contracts/{contract_id}/kpis/{kpi_id}",
    response={200: KpiOut, **errors(*OWN_OBJECT_ERRORS, 400, 409, 422)},
    operation_id="buyer_contract_kpis_edit",
    summary="Change a KPI",
    description=f"{MANAGERS} Its frequency cannot change once reported on (400 `kpi_reported`). "
    f"{RULES} {ENDED}",
)
def kpi_edit(request, contract_id: int, kpi_id: int, payload: KpiIn):
    contract = buyer_contract(request, contract_id)
    kpi = kpi_actions.edit_kpi(kpi=_kpi(contract, kpi_id), by=request.user, **payload.model_dump())
    return _kpi_out(contract, kpi)


@router.delete(
    "/contracts/{contract_id}/kpis/{kpi_id}",
    response={204: None, **errors(*OWN_OBJECT_ERRORS, 400, 409)},
    operation_id="buyer_contract_kpis_remove",
    summary="Remove a KPI nobody has reported on",
    description=f"{MANAGERS} 400 `kpi_reported` once the supplier has reported on it; 400 "
    "`kpis_required` when a live contract over £5m would be left with fewer than three KPIs "
    f"and no reason recorded (s.52). {ENDED}",
)
def kpi_remove(request, contract_id: int, kpi_id: int):
    contract = buyer_contract(request, contract_id)
    kpi_actions.remove_kpi(kpi=_kpi(contract, kpi_id), by=request.user)
    return Status(204, None)


@router.put(
    "/contracts/{contract_id}/kpi-exemption",
    response={200: KpiS52Out, **errors(*OWN_OBJECT_ERRORS, 400, 409, 422)},
    operation_id="buyer_contract_kpi_exemption",
    summary="Record why performance is not assessed by KPIs (s.52(3))",
    description="Published as the UK extension's noAgreedMetricsRationale; 400 `kpis_required` "
    "when clearing it would leave a live contract over £5m with fewer than three KPIs (s.52). "
    f"{MANAGERS} {ENDED}",
)
def kpi_exemption(request, contract_id: int, payload: KpiExemptionIn):
    contract = kpi_actions.set_kpi_exemption(
        contract=buyer_contract(request, contract_id), by=request.user, reason=payload.reason
    )
    return _s52(contract)


# --- Buyer: assessments and failures -----------------------------------------------------------


@router.get(
    "/contracts/{contract_id}/assessments",
    response={200: list[PerformanceAssessmentOut], **errors(*OWN_OBJECT_ERRORS, 422)},
    operation_id="buyer_contract_assessments_list",
    summary="The contract's performance assessments, newest first",
    description="Paginated with `limit` and `offset`.",
)
@paginate(Pages)
def assessment_list(request, contract_id: int):
    contract = buyer_contract(request, contract_id)
    return contract.assessments.order_by("-period_end", "-id")


@router.post(
    "/contracts/{contract_id}/assessments",
    response={201: PerformanceAssessmentOut, **errors(*OWN_OBJECT_ERRORS, 400, 409, 422)},
    operation_id="buyer_contract_assessments_add",
    summary="Assess performance and publish a contract performance notice (UK9)",
    description=f"s.71: at least every 12 months and at termination. {MANAGERS} The period "
    "cannot end after today nor start before the contract. 400 with the rule's code; 409 "
    "`invalid_state` before the contract is signed.",
)
def assessment_add(request, contract_id: int, payload: PerformanceAssessmentIn):
    assessment = performance_actions.record_assessment(
        contract=buyer_contract(request, contract_id), by=request.user, **payload.model_dump()
    )
    return Status(201, assessment)


@router.get(
    "/contracts/{contract_id}/failures",
    response={200: list[PerformanceFailureOut], **errors(*OWN_OBJECT_ERRORS, 422)},
    operation_id="buyer_contract_failures_list",
    summary="The contract's performance failures",
    description="Paginated with `limit` and `offset`.",
)
@paginate(Pages)
def failure_list(request, contract_id: int):
    contract = buyer_contract(request, contract_id)
    return PerformanceFailure.objects.filter(contract=contract).order_by("-occurred_on", "-id")


@router.post(
    "/contracts/{contract_id}/failures",
    response={201: PerformanceFailureOut, **errors(*OWN_OBJECT_ERRORS, 400, 409, 422)},
    operation_id="buyer_contract_failures_add",
    summary="Record a breach leading to termination, damages or a settlement",
    description=f"Published with the next UK9 notice. {MANAGERS} {RULES} 409 `invalid_state` "
    "before the contract is signed.",
)
def failure_add(request, contract_id: int, payload: PerformanceFailureIn):
    failure = performance_actions.record_failure(
        contract=buyer_contract(request, contract_id), by=request.user, **payload.model_dump()
    )
    return Status(201, failure)


# --- Supplier -----------------------------------------------------------------------------------


@supplier_router.get(
    "/contracts/{contract_id}/kpis",
    response={200: list[KpiOut], **errors(*OWN_OBJECT_ERRORS, 422)},
    operation_id="supplier_contract_kpis_list",
    summary="Your contract's KPIs, each with its periods, what is due and your reports",
    description="Paginated with `limit` and `offset`.",
)
@paginate(Pages)
def supplier_kpi_list(request, contract_id: int):
    return _kpis_out(supplier_contract(request, contract_id))


@supplier_router.post(
    "/contracts/{contract_id}/kpis/{kpi_id}/reports",
    response={201: KpiReportOut, **errors(*OWN_OBJECT_ERRORS, 400, 409, 422)},
    operation_id="supplier_contract_kpi_reports_add",
    summary="Report your figure for one ended period of a KPI",
    description="One report per period (400 `already_reported`); a period that has not ended "
    "(400 `period_open`) or does not exist (400 `period_unknown`) is refused. 409 "
    "`invalid_state` before the contract is signed.",
)
def supplier_report(request, contract_id: int, kpi_id: int, payload: KpiReportIn):
    contract = supplier_contract(request, contract_id)
    report = kpi_actions.report_kpi(
        kpi=_kpi(contract, kpi_id),
        by=request.user,
        period=payload.period,
        value=payload.value,
        narrative=payload.narrative,
    )
    return Status(201, report)


@supplier_router.put(
    "/contracts/{contract_id}/kpis/{kpi_id}/reports/{period}",
    response={200: KpiReportOut, **errors(*OWN_OBJECT_ERRORS, 400, 409, 422)},
    operation_id="supplier_contract_kpi_reports_correct",
    summary="Correct your report for a period, until it is due",
    description="409 `invalid_state` once the report was due or a published performance "
    "notice covers it; 404 for a period not reported.",
)
def supplier_correct(request, contract_id: int, kpi_id: int, period: int, payload: KpiCorrectionIn):
    contract = supplier_contract(request, contract_id)
    kpi = _kpi(contract, kpi_id)
    chosen = kpi_actions.period_of(kpi, period) if 1 <= period <= 10000 else None
    report = get_object_or_404(
        KpiReport.objects.filter(kpi=kpi), period_end=chosen.end if chosen else None
    )
    report.kpi = kpi
    return kpi_actions.correct_report(
        report=report, by=request.user, value=payload.value, narrative=payload.narrative
    )


@supplier_router.get(
    "/contracts/{contract_id}/assessments",
    response={200: list[PerformanceAssessmentOut], **errors(*OWN_OBJECT_ERRORS, 422)},
    operation_id="supplier_contract_assessments_list",
    summary="The buyer's assessments of your performance, newest first",
    description="Paginated with `limit` and `offset`.",
)
@paginate(Pages)
def supplier_assessments(request, contract_id: int):
    return supplier_contract(request, contract_id).assessments.order_by("-period_end", "-id")


ROUTERS = [
    ("/buyer", router),
    ("/supplier", supplier_router),
    ("/buyer", api_outcomes.router),
    ("/supplier", api_outcomes.supplier_router),
]
