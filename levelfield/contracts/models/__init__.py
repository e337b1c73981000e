"""The contracts app's tables, one module per concern."""

from ..lifecycle import ContractStatus
from .award import AssessmentSummary, AwardDecision, ExclusionDecision
from .changes import ChangeKind, ChangeStatus, ContractChange
from .checklists import Anchor, ChecklistItem, ChecklistTemplateItem, Stage
from .contract import (
    Accreditation,
    AccreditationLevel,
    Category,
    Contract,
    ContractDocument,
    ExtensionOption,
    Origin,
    Risk,
    Tier,
)
from .notices import ContractNotice, NoticeType, Reminder
from .payments import Invoice, InvoiceSource, InvoiceStatus
from .performance import (
    ClaimStatus,
    Direction,
    FailureKind,
    Frequency,
    Kpi,
    KpiReport,
    OutcomeClaim,
    OutcomeRecord,
    PerformanceAssessment,
    PerformanceFailure,
    PricedOutcome,
    Rating,
)

__all__ = [
    "Accreditation",
    "AccreditationLevel",
    "Anchor",
    "ExclusionDecision",
    "AssessmentSummary",
    "AwardDecision",
    "Category",
    "ChangeKind",
    "ChangeStatus",
    "ChecklistItem",
    "ChecklistTemplateItem",
    "ClaimStatus",
    "Contract",
    "ContractChange",
    "ContractDocument",
    "ContractNotice",
    "ContractStatus",
    "Direction",
    "ExtensionOption",
    "FailureKind",
    "Frequency",
    "Invoice",
    "InvoiceSource",
    "InvoiceStatus",
    "Kpi",
    "KpiReport",
    "NoticeType",
    "OutcomeClaim",
    "OutcomeRecord",
    "Origin",
    "PerformanceAssessment",
    "PerformanceFailure",
    "PricedOutcome",
    "Rating",
    "Reminder",
    "Risk",
    "Stage",
    "Tier",
]
