"""Builders for the KPI, performance and outcome tests: a signed contract with KPIs, the clock
moved to a given day, releases checked against the patched OCDS schema."""

from datetime import date, datetime, time
from functools import cache

from jsonschema.validators import Draft4Validator

from levelfield.accounts.models import Role
from levelfield.contracts.actions import kpis
from levelfield.core import clock
from levelfield.opendata.tests import schema
from tests.support import testing

BACKEND = "django.contrib.auth.backends.ModelBackend"


def on(day: date, hour: int = 12):
    """Run as of `day` at noon, UK time."""
    return clock.frozen_at(datetime.combine(day, time(hour), tzinfo=clock.UK))


def signed_in(client, user):
    client.force_login(user, backend=BACKEND)
    return client


@cache
def _validator():
    return Draft4Validator(
        schema.patched_release_schema(), format_checker=Draft4Validator.FORMAT_CHECKER
    )


def release_errors(release: dict) -> list[str]:
    return [
        f"/{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in _validator().iter_errors(release)
    ]


def add(
    contract,
    by,
    name="Calls answered within 20 seconds",
    *,
    target="95",
    unit="%",
    frequency="quarterly",
    direction="higher",
    material=False,
):
    return kpis.add_kpi(
        contract=contract,
        by=by,
        name=name,
        target=target,
        unit=unit,
        frequency=frequency,
        direction=direction,
        material=material,
    )


def three_material(contract, by):
    return [
        add(contract, by, "Calls answered within 20 seconds", material=True),
        add(contract, by, "Visits missed", target="2", direction="lower", material=True),
        add(contract, by, "Carers with a care certificate", target="90", material=True),
    ]


def evaluator_of(buyer):
    return testing.member(buyer, Role.EVALUATOR, full_name="Eve Evaluator")
