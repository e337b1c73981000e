"""The platform's default stage checklist, as versioned data.

A buyer that has never edited its template gets the current version's items on every contract
it signs; its first edit copies them into its own rows (ChecklistTemplateItem), and from then on
its rows are the template. Each item is due a number of days after (negative: before) the
contract's start or end date.
"""

from dataclasses import dataclass
from datetime import date

from .models.checklists import Anchor, Stage


@dataclass(frozen=True)
class DefaultItem:
    stage: str
    text: str
    anchor: str
    offset_days: int


@dataclass(frozen=True)
class DefaultTemplate:
    code: str
    valid_from: date
    source: str
    items: tuple[DefaultItem, ...]


S, E = Anchor.START, Anchor.END

DEFAULT_TEMPLATES: tuple[DefaultTemplate, ...] = (
    DefaultTemplate(
        code="LF-CHECKLIST-2025",
        valid_from=date(2000, 1, 1),
        source="levelfield default, after the Government Commercial Function's contract "
        "management guidance (mobilise, manage, review, exit)",
        items=(
            DefaultItem(Stage.MOBILISATION, "Hold the kick-off meeting with the supplier", S, -14),
            DefaultItem(Stage.MOBILISATION, "Agree the contract management plan", S, -7),
            DefaultItem(Stage.MOBILISATION, "Confirm KPIs, reporting dates and contacts", S, 0),
            DefaultItem(Stage.MOBILISATION, "Check insurance and security clearances", S, 0),
            DefaultItem(Stage.DELIVERY, "First performance review meeting", S, 30),
            DefaultItem(Stage.DELIVERY, "Review the risk register with the supplier", S, 90),
            DefaultItem(Stage.REVIEW, "Annual performance assessment (s.71)", S, 365),
            DefaultItem(Stage.REVIEW, "Decide whether to use any extension option", E, -180),
            DefaultItem(Stage.EXIT, "Agree the exit plan with the supplier", E, -120),
            DefaultItem(Stage.EXIT, "Plan the re-procurement or the end of the service", E, -90),
            DefaultItem(Stage.EXIT, "Return assets, data and access; close the contract", E, 0),
        ),
    ),
)


def default_for(on: date) -> DefaultTemplate:
    applicable = [t for t in DEFAULT_TEMPLATES if t.valid_from <= on]
    return max(applicable, key=lambda t: t.valid_from) if applicable else DEFAULT_TEMPLATES[0]
