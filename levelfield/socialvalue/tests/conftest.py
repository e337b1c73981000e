"""Builders for social value tests. Everything is done through the actions a person's clicks
call; the proxy values are invented for tests (no National TOMs values anywhere)."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from jsonschema.validators import Draft4Validator

from levelfield.core import clock
from levelfield.opendata.tests import schema
from levelfield.socialvalue import actions, selectors
from levelfield.socialvalue.models import PolicyOutcome
from tests.support import testing

# Invented proxy values, in pounds.
MEASURES = (
    ("code", "description", "unit", "proxy value"),
    ("APP", "Apprenticeships for local people", "apprenticeships", "2500"),
    ("VOL", "Hours volunteered locally", "hours", "15.50"),
    ("CO2", "Tonnes of CO2e avoided", "tonnes CO2e", ""),
)


def csv_upload(rows, name: str = "measures.csv") -> SimpleUploadedFile:
    body = "\n".join(",".join(str(cell) for cell in row) for row in rows) + "\n"
    return SimpleUploadedFile(name, body.encode(), content_type="text/csv")


def import_measures(buyer, by, rows=MEASURES, name: str = "Test measures"):
    return actions.import_framework(buyer=buyer, by=by, name=name, upload=csv_upload(rows))


def outcomes(*codes: str, day=None) -> list[PolicyOutcome]:
    model = selectors.model_for(day or clock.today_uk())
    return list(PolicyOutcome.objects.filter(theme__model=model, code__in=codes))


def adopt(lot, by, *, per: str = selectors.PER_OUTCOME, total=None):
    """Add the proposed questions as proposed."""
    proposals = selectors.proposals_for(lot, per=per, total=total)
    drafts = [
        actions.QuestionDraft(
            outcome_id=p.outcome.pk,
            criterion_id=p.criterion.pk,
            sub_criterion_id=p.sub_criterion.pk if p.sub_criterion else None,
            text=p.text,
            guidance=p.guidance,
            weight=p.weight,
        )
        for p in proposals
    ]
    return actions.adopt_questions(lot=lot, by=by, drafts=drafts)


def social_value_tender(
    *,
    buyer,
    by,
    codes=("G1",),
    per: str = selectors.PER_OUTCOME,
    price_weight="40",
    quality_weight="50",
    framework=True,
    publish: bool = True,
    **kwargs,
):
    """A tender whose social value questions come from the model: price and one quality
    question, then outcomes picked and the proposed questions added (10 points in all)."""
    tender = testing.draft_tender(
        buyer=buyer,
        by=by,
        price_weight=Decimal(price_weight),
        questions=(("quality", Decimal(quality_weight)),),
        **kwargs,
    )
    lot = tender.lots.get()
    actions.choose_outcomes(lot=lot, by=by, outcomes=outcomes(*codes))
    measures = import_measures(buyer, by) if framework else None
    actions.set_options(tender=tender, by=by, framework=measures, reporting_months=3)
    adopt(lot, by, per=per)
    if publish:
        from levelfield.tenders import actions as tender_actions

        tender = tender_actions.publish_tender(tender=tender, by=by)
    return tender


def measure(tender, code: str):
    return next(m for m in selectors.measures_for(tender) if m.code == code)


def commit(bid, by, *, code="APP", quantity="6", year=1, question=None, **fields):
    question = question or bid.lot.questions.filter(kind="social_value").first()
    values = {
        "description": "apprenticeships for local care leavers",
        "location": "Shaston",
        "beneficiaries": "care leavers aged 16 to 25",
        **fields,
    }
    return actions.add_commitment(
        bid=bid,
        by=by,
        question=question,
        measure=measure(bid.lot.tender, code) if code else None,
        quantity=Decimal(quantity),
        contract_year=year,
        **values,
    )


@pytest.fixture(scope="session")
def release_validator():
    """Checks a release against OCDS 1.1.5 patched with our extensions."""
    release_schema = schema.patched_release_schema()
    validator = Draft4Validator(release_schema, format_checker=Draft4Validator.FORMAT_CHECKER)

    def errors(release: dict) -> list[str]:
        return [
            f"/{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(release)
        ]

    return errors
