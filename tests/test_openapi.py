"""The OpenAPI description says what each operation accepts and answers: every schema class
reachable from an operation has its own component name, and every operation's request body and
responses point at components that are its own classes' schemas.

django-ninja names a component after its class (`AnswerIn`) and merges the components of every
operation into one dictionary, so two classes of one name overwrite each other silently and the
docs show one class's fields for both. These tests read the operations themselves (not the
generated document), so a new collision anywhere in the API fails here."""

import json
import typing
from collections import defaultdict

import pytest
from ninja.openapi.schema import BODY_CONTENT_TYPES, REF_TEMPLATE
from ninja.schema import NinjaGenerateJsonSchema
from pydantic import BaseModel, ValidationError

from levelfield.accounts.actions import create_api_token
from levelfield.api import api
from levelfield.core.models import AuditEvent
from tests.support import testing

REF_PREFIX = REF_TEMPLATE.split("{")[0]


def _operations():
    """(method, path, operation) for every operation the API serves."""
    for bound_router in api._get_bound_routers():
        for path, path_view in bound_router.path_operations.items():
            for operation in path_view.operations:
                if operation.include_in_schema:
                    for method in operation.methods:
                        yield method, bound_router.prefix + path, operation


def _operation_models(operation) -> list[tuple[type[BaseModel], str]]:
    """The models an operation documents, each with the JSON schema mode it is documented in:
    its parameter and body models for validation, its response models for serialization."""
    models = [(model, "validation") for model in operation.models]
    models += [
        (model, "serialization")
        for status, model in operation.response_models.items()
        if isinstance(model, type) and issubclass(model, BaseModel)
    ]
    return models


def _classes_in(annotation, seen: set) -> None:
    """Every pydantic model class reachable from a type annotation, into `seen`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in seen:
            return
        seen.add(annotation)
        for field in annotation.model_fields.values():
            _classes_in(field.annotation, seen)
        return
    for argument in typing.get_args(annotation):
        _classes_in(argument, seen)


def _documented_classes() -> set[type[BaseModel]]:
    """Every schema class the API documents: the schemas in its operations' parameters, bodies
    and responses, and every schema nested in them (ninja's own wrapper models excluded)."""
    seen: set[type[BaseModel]] = set()
    for _, _, operation in _operations():
        for model, _mode in _operation_models(operation):
            _classes_in(model, seen)
    return {cls for cls in seen if not hasattr(cls, "__ninja_param_source__")}


def test_no_two_schema_classes_share_a_component_name():
    by_name = defaultdict(set)
    for cls in _documented_classes():
        by_name[cls.__name__].add(f"{cls.__module__}.{cls.__qualname__}")
    collisions = {name: sorted(classes) for name, classes in by_name.items() if len(classes) > 1}
    assert collisions == {}


def test_the_walk_finds_the_schemas_of_bodies_responses_and_parameters():
    """The collision test sees nested classes, bodies, responses and query parameters (so a
    collision among them cannot pass unseen)."""
    names = {cls.__name__ for cls in _documented_classes()}
    assert {"TenderIn", "BuyerTenderOut", "ErrorOut", "OpportunityQuery", "QuestionOut"} <= names


@pytest.fixture(scope="module")
def document():
    return api.get_openapi_schema(path_prefix="")


def _resolve(document, schema: dict) -> dict:
    ref = schema.get("$ref")
    if ref is None:
        return schema
    assert ref.startswith(REF_PREFIX), ref
    return document["components"]["schemas"][ref.removeprefix(REF_PREFIX)]


def _own_schemas(model: type[BaseModel], mode: str) -> dict[str, dict]:
    """The component schemas a model's own JSON schema defines, by name."""
    schema = model.model_json_schema(
        ref_template=REF_TEMPLATE, schema_generator=NinjaGenerateJsonSchema, mode=mode
    )
    return schema.get("$defs", {})


@pytest.mark.parametrize(
    ("method", "path", "operation"),
    [pytest.param(m, p, o, id=f"{m} {p}") for m, p, o in _operations()],
)
def test_every_component_an_operation_points_at_is_its_own_classes_schema(
    document, method, path, operation
):
    components = document["components"]["schemas"]
    for model, mode in _operation_models(operation):
        for name, own in _own_schemas(model, mode).items():
            assert components.get(name) == own, (
                f"{method} {path}: the component {name!r} is not the {mode} schema of "
                "this operation's own class of that name"
            )


def test_each_request_body_documents_its_own_class():
    """The three `answer` bodies and two declarations described in the issue, read through the
    document a client reads: each body's fields are its own class's."""
    document = api.get_openapi_schema(path_prefix="")
    checked = 0
    for method, path, operation in _operations():
        body_models = [
            m for m in operation.models if m.__ninja_param_source__ in BODY_CONTENT_TYPES
        ]
        if len(body_models) != 1 or body_models[0].__ninja_param_source__ != "body":
            continue
        (field,) = body_models[0].model_fields.values()
        cls = field.annotation
        if not (isinstance(cls, type) and issubclass(cls, BaseModel)):
            continue
        documented = _find_operation(document, operation)["requestBody"]["content"]
        schema = _resolve(document, documented["application/json"]["schema"])
        assert set(schema["properties"]) == set(cls.model_fields), f"{method} {path}"
        checked += 1
    assert checked > 20


def _find_operation(document, operation) -> dict:
    for methods in document["paths"].values():
        for details in methods.values():
            if details["operationId"] == operation.operation_id:
                return details
    raise AssertionError(f"{operation.operation_id} is not in the document")


# ---------------------------------------------------------------------------------------------
# A request body is a JSON object


def _body_classes() -> set[type[BaseModel]]:
    """Every schema class a request body is read into, nested ones included."""
    seen: set[type[BaseModel]] = set()
    for _, _, operation in _operations():
        for model in operation.models:
            if model.__ninja_param_source__ in BODY_CONTENT_TYPES:
                _classes_in(model, seen)
    return {cls for cls in seen if not hasattr(cls, "__ninja_param_source__")}


@pytest.mark.parametrize("value", ["AAA", [None, None], 7, None])
def test_every_body_schema_refuses_anything_but_an_object(value):
    """ninja's Schema reads any object's attributes (it describes model instances), so as a
    body it took the string "AAA" for a lot titled "Aaa" (`str.title`) and a list for a patch
    that changes nothing. Each body class, nested ones too, is refused for its shape alone."""
    accepted, misread = [], []
    for cls in _body_classes():
        try:
            cls.model_validate(value)
        except ValidationError as error:
            if [e["loc"] for e in error.errors()] != [()]:
                misread.append(cls.__name__)
        else:
            accepted.append(cls.__name__)
    assert (sorted(accepted), sorted(misread)) == ([], [])


@pytest.fixture
def buyer_api(client, officer):
    _, secret = create_api_token(user=officer, name="tests")
    return lambda method, path, body: getattr(client, method)(
        "/api" + path,
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )


@pytest.mark.django_db
def test_a_string_is_not_a_lot(buyer_api, buyer, officer):
    tender = testing.draft_tender(buyer=buyer, by=officer)
    response = buyer_api("post", f"/buyer/tenders/{tender.pk}/lots", "AAA")
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "validation_error"
    assert "JSON object" in response.json()["message"]
    assert tender.lots.count() == 1


@pytest.mark.django_db
def test_a_list_is_not_a_change_to_a_tender(buyer_api, buyer, officer):
    tender = testing.draft_tender(buyer=buyer, by=officer)
    events = AuditEvent.objects.count()
    response = buyer_api("patch", f"/buyer/tenders/{tender.pk}", [None, None])
    assert response.status_code == 422, response.content
    assert "JSON object" in response.json()["message"]
    assert AuditEvent.objects.count() == events


# ---------------------------------------------------------------------------------------------
# A date in a query is a date as documented (format: date)


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["0", "86400"])
def test_a_number_is_not_a_closing_date(client, value):
    """Pydantic reads a number as seconds since 1970, so `closing_after=0` searched from
    1 January 1970; the description says a date (YYYY-MM-DD)."""
    response = client.get("/api/opportunities", {"closing_after": value})
    assert response.status_code == 422, response.content
    assert "closing_after" in response.json()["message"]


@pytest.mark.django_db
def test_a_closing_date_is_read_as_documented(client):
    assert client.get("/api/opportunities", {"closing_before": "2026-03-27"}).status_code == 200


@pytest.mark.django_db
def test_an_empty_optional_date_in_a_form_is_no_date(client, supplier):
    """A multipart form sends an optional field left empty as an empty string; the
    certificate's `expires_on` (null allowed) reads it as none, and the domain rule asks for it."""
    _, secret = create_api_token(user=supplier[1], name="tests")
    response = client.post(
        "/api/supplier/certificates",
        {"kind": "iso_9001", "issuer": "BSI", "expires_on": "", "document": testing.pdf()},
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 400, response.content
    assert response.json()["message"] == "Enter the date the certificate expires"


@pytest.mark.django_db
def test_a_number_is_not_a_commencement_date(client):
    response = client.get("/api/social-value/models/on-date", {"date": "0"})
    assert response.status_code == 422, response.content
    assert client.get("/api/social-value/models/on-date", {"date": "2026-03-27"}).status_code == 200


def test_the_description_is_built_once_and_each_caller_gets_its_own_copy(monkeypatch):
    """/api/openapi.json does not build the description again for every caller (about a second
    of the server's CPU each), and what one caller changes in its copy, the next does not see."""
    from levelfield.api import LevelfieldAPI

    built = []
    build = LevelfieldAPI._build_openapi_schema

    def counted(self, *args):
        built.append(args)
        return build(self, *args)

    monkeypatch.setattr(LevelfieldAPI, "_build_openapi_schema", counted)
    monkeypatch.setitem(api.__dict__, "_lf_schemas", {})
    first = api.get_openapi_schema()
    operations = len(first["paths"])
    first["paths"].clear()
    assert len(api.get_openapi_schema()["paths"]) == operations > 0
    assert len(built) == 1


def test_no_error_is_described_by_its_bare_status_phrase():
    """Every error an operation answers says what it means and its codes, not "Unprocessable
    Entity" or "Conflict" (ninja's phrase where an operation declares the status itself)."""
    from http import HTTPStatus

    bare = [
        f"{method.upper()} {path} {status}"
        for path, methods in api.get_openapi_schema()["paths"].items()
        for method, operation in methods.items()
        for status, response in operation["responses"].items()
        if int(status) >= 400 and response["description"] == HTTPStatus(int(status)).phrase
    ]
    assert bare == []
