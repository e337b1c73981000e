"""Schemathesis over every operation of the JSON API, as a buyer admin and as a supplier admin
with API tokens, through Django's WSGI handler in this process (no network).

For each operation and each role, a bounded, repeatable run of generated requests (valid ones
and ones that break the schema; MAX_EXAMPLES each, derandomized, no deadline) checks that the
server never fails (no 5xx), that every status code it answers is documented for that operation,
that every response matches its documented schema and content type, and that a valid request is
not refused for its shape (a 422 validation_error for a request the description allows is a
documentation or validation bug). Schemathesis' coverage phase (every boundary of every field) is
off: it multiplies the requests several times over for this suite's time.

The demo data (`levelfield demo`: a buyer, suppliers and tenders in every state, contracts with
social value reports) is loaded once for the module inside a transaction rolled back at the end;
each test runs in the test transaction pytest-django rolls back after it, so every operation
starts from the same data. Path parameters are drawn from the ids that exist (or left as
generated), so most requests reach the code behind the 404."""

import io
import re
import zlib

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.test import override_settings
from hypothesis import HealthCheck, settings

from levelfield.accounts.actions import create_api_token
from levelfield.accounts.models import User
from levelfield.api import NOT_AS_DESCRIBED
from levelfield.core.null_characters import MESSAGE as NULL_CHARACTER_MESSAGE

MAX_EXAMPLES = 4

application = get_wsgi_application()
schema = schemathesis.openapi.from_wsgi(
    "/api/openapi.json",
    application,
    config=schemathesis.Config.from_dict({"phases": {"coverage": {"enabled": False}}}),
)


@schemathesis.check
def valid_requests_are_not_refused_as_invalid(ctx, response, case):
    """A request generated to match the description is not refused by the API's own request
    validation. (Schemathesis' positive_data_acceptance also counts a domain rule's refusal,
    such as 400 bid_incomplete or a 422 naming a rule, which a valid request can meet.)"""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return None
    if response.status_code != 422 or not response.json()["message"].startswith(NOT_AS_DESCRIBED):
        return None
    details = response.json()["details"]
    if details and all(detail.endswith(NULL_CHARACTER_MESSAGE) for detail in details):
        # U+0000 is refused in any text, whatever the schema (PostgreSQL cannot store it): a
        # JSON body's with 400 before the operation, a multipart form's field by field here.
        return None
    parameters = {p["name"] for p in case.operation.definition.raw.get("parameters", [])}
    rules = [WHOLE_OBJECT_RULE.match(detail) for detail in details]
    if all(rule and rule["name"] not in parameters for rule in rules):
        return None  # a rule across fields (max_value at least min_value) no schema can say
    raise AssertionError(f"A request that matches the description was refused: {response.text}")


WHOLE_OBJECT_RULE = re.compile(r"^(?P<name>\w+): Value error, ")
"""A model's own validator: its error names the whole body or group of parameters (`payload`,
`filters`), not one documented parameter or field."""


CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
    valid_requests_are_not_refused_as_invalid,
]

MULTIPART = (
    "werkzeug's multipart encoder, which schemathesis' WSGI transport uses, writes an empty text "
    "field with no line break before the next boundary, and Django reads no such field "
    "(`kind: Field required`); the same form from Django's test client or a browser is read as "
    "it should be"
)
KNOWN_REFUSALS = {
    "POST /api/supplier/certificates": MULTIPART,
    "POST /api/social-value/buyer/frameworks": MULTIPART,
    "POST /api/social-value/supplier/contracts/{contract_id}/obligations/{number}/reports": (
        MULTIPART
    ),
}
"""Operations whose valid requests may still be refused as invalid, with why: every other check
still runs on them (no server error, statuses and responses as documented)."""

BUYER_EMAIL = "helen.marsh@wessex.example"
SUPPLIER_EMAIL = "maya.collins@bytebridge.example"


def _path_values() -> dict[str, list]:
    """For each path parameter name, the values that exist in the demo data."""
    from levelfield.bids.models import Bid
    from levelfield.contracts.models import Contract
    from levelfield.opendata.models import Record, Release
    from levelfield.socialvalue.models import (
        Commitment,
        DeliveryReport,
        MeasurementFramework,
        Obligation,
        SocialValueModel,
    )
    from levelfield.suppliers.models import (
        BidSubcontractor,
        Certificate,
        Consortium,
        ConsortiumMember,
    )
    from levelfield.tenders.models import Clarification, Lot, Question, Tender

    def pks(model):
        return list(model.objects.order_by("pk").values_list("pk", flat=True))

    return {
        "tender_id": pks(Tender),
        "reference": list(Tender.objects.order_by("pk").values_list("reference", flat=True)),
        "lot_id": pks(Lot),
        "question_id": pks(Question),
        "clarification_id": pks(Clarification),
        "contract_id": pks(Contract),
        "bid_id": pks(Bid),
        "certificate_id": pks(Certificate),
        "consortium_id": pks(Consortium),
        "member_id": pks(ConsortiumMember),
        "subcontractor_id": pks(BidSubcontractor),
        "commitment_id": pks(Commitment),
        "report_id": pks(DeliveryReport),
        "framework_id": pks(MeasurementFramework),
        "model_id": pks(SocialValueModel),
        "number": sorted(set(Obligation.objects.values_list("number", flat=True))),
        "release_id": list(Release.objects.order_by("pk").values_list("release_id", flat=True)),
        "ocid": list(Record.objects.order_by("pk").values_list("ocid", flat=True)),
    }


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo data and a token for each role, for the whole module; rolled back after it. Its
    files go to a temporary folder and its emails nowhere, as every test's do."""
    files = tmp_path_factory.mktemp("fuzz")
    with (
        override_settings(
            MEDIA_ROOT=files / "media",
            DOWNLOADS_ROOT=files / "downloads",
            TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        ),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        call_command("demo", stdout=io.StringIO())
        tokens = {
            role: create_api_token(user=User.objects.get(email=email), name="fuzz")[1]
            for role, email in (("buyer", BUYER_EMAIL), ("supplier", SUPPLIER_EMAIL))
        }
        try:
            yield {"tokens": tokens, "paths": _path_values()}
        finally:
            transaction.set_rollback(True)


@pytest.fixture
def served_in_process(demo, db):
    """Requests are served in this process, inside the test's transaction (rolled back after
    it, so each operation starts from the same data). As Django's test client does, a
    request's end must not close the connection mid-transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield demo
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.parametrize("role", ["buyer", "supplier"])
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_as_documented(case, role, served_in_process):
    for name, generated in case.path_parameters.items():
        existing = served_in_process["paths"].get(name)
        if existing:
            # One of the existing values, or the generated one, picked by the generated value
            # itself: as repeatable as the generation.
            choices = [*existing, generated]
            pick = zlib.crc32(repr(generated).encode()) % len(choices)
            case.path_parameters[name] = choices[pick]
    checks = CHECKS
    if case.operation.label in KNOWN_REFUSALS:
        checks = [c for c in CHECKS if c is not valid_requests_are_not_refused_as_invalid]
    case.call_and_validate(
        headers={"Authorization": f"Bearer {served_in_process['tokens'][role]}"}, checks=checks
    )
