"""Numbers too big for any list, and bodies too big to read, get a clear refusal (422 or 413)
in the API's error shape instead of a server error. Every paginated endpoint is found in the
OpenAPI document, so a list added later is checked too."""

import json

import pytest

from levelfield.accounts.actions import create_api_token
from levelfield.api import api
from tests.support import testing

pytestmark = pytest.mark.django_db

# A number from the issue: beyond a 64-bit integer, so no database can take it as an offset.
HUGE = "1639313180691712180224"
PAGE_PARAMETERS = {"offset", "limit", "cursor"}


def paginated_endpoints() -> list[tuple[str, list[str]]]:
    """Every GET of the API that takes a page parameter, with the ones it takes."""
    found = []
    for path, operations in api.get_openapi_schema()["paths"].items():
        get = operations.get("get")
        names = {p["name"] for p in (get or {}).get("parameters", []) if p["in"] == "query"}
        if names & PAGE_PARAMETERS:
            found.append((path, sorted(names & PAGE_PARAMETERS)))
    return found


@pytest.fixture
def tokens(buyer, officer, supplier):
    """A buyer with a published tender and a supplier with a bid on it, so every list has
    something in it (an empty list may answer before the database is asked)."""
    tender = testing.published_tender(buyer=buyer, by=officer)
    org, user = supplier
    testing.submitted_bid(tender=tender, supplier=org, by=user, price="100000")

    def bearer(person):
        return {"HTTP_AUTHORIZATION": f"Bearer {create_api_token(user=person, name='t')[1]}"}

    platform_admin = testing.UserFactory(is_superuser=True, is_staff=True)
    # A contract of this buyer held by this supplier, for the lists that belong to a contract.
    contract = testing.signed_contract(buyer=buyer, supplier=supplier).contract
    return {
        "contract_id": str(contract.pk),
        "tender_id": str(tender.pk),
        "buyer": bearer(officer),
        "supplier": bearer(user),
        "platform": bearer(platform_admin),
        "resilience": bearer(testing.resilience_team_member()),
        "review_team": bearer(testing.review_team_member()),
    }


def concrete(tokens, path: str) -> str:
    """The path with its parameters filled in (a contract's lists, and a tender's
    correspondence)."""
    return path.replace("{contract_id}", tokens["contract_id"]).replace(
        "{tender_id}", tokens["tender_id"]
    )


def caller(tokens, path: str) -> dict:
    if "/buyer/" in path or path.endswith("/buyer"):
        return tokens["buyer"]
    if "/supplier/" in path or path.endswith("/supplier"):
        return tokens["supplier"]
    if path.startswith(("/api/platform/", "/api/insights/spend/")):
        return tokens["platform"]
    if path.startswith("/api/resilience/"):
        return tokens["resilience"]
    if path.startswith("/api/reviews/team/"):
        return tokens["review_team"]
    if path.startswith(("/api/reviews/my-cases", "/api/reviews/requests")):
        return tokens["supplier"]
    if path.startswith(("/api/marketplace/savings", "/api/marketplace/projects")):
        return tokens["buyer"]  # a buyer's own call-offs' savings, its own projects
    return {}


def test_the_issue_lists_are_among_the_paginated_endpoints():
    paths = {path for path, _ in paginated_endpoints()}
    assert {
        "/api/supplier/bids",
        "/api/buyer/tenders",
        "/api/social-value/buyer/summary",
        "/api/social-value/buyer/reports",
        "/api/social-value/supplier/contracts",
    } <= paths


@pytest.mark.parametrize("value", [HUGE, "-1", str(2**63)])
def test_every_paginated_endpoint_refuses_a_page_number_out_of_range(client, tokens, value):
    client.raise_request_exception = False
    answers = {}
    for path, parameters in paginated_endpoints():
        for name in parameters:
            response = client.get(concrete(tokens, path), {name: value}, **caller(tokens, path))
            body = response.json() if response.status_code < 500 else response.content[:200]
            answers[f"{path}?{name}={value}"] = (response.status_code, body)
    wrong = {
        url: answer
        for url, answer in answers.items()
        if answer[0] != 422 or answer[1]["code"] != "validation_error" or not answer[1]["message"]
    }
    assert not wrong, json.dumps(wrong, indent=1, default=str)


def test_the_message_names_the_parameter_and_its_limits(client, tokens):
    response = client.get("/api/buyer/tenders", {"offset": HUGE}, **tokens["buyer"])
    assert response.status_code == 422
    assert "offset" in response.json()["message"]
    assert "1000000000" in response.json()["message"]
    response = client.get("/api/buyer/tenders", {"limit": "0"}, **tokens["buyer"])
    assert response.status_code == 422
    assert "limit" in response.json()["message"]


def test_the_largest_offset_allowed_is_an_empty_page(client, tokens):
    from levelfield.core.api_helpers import MAX_OFFSET

    for path, parameters in paginated_endpoints():
        if "offset" not in parameters:
            continue
        response = client.get(
            concrete(tokens, path), {"offset": MAX_OFFSET, "limit": 100}, **caller(tokens, path)
        )
        assert response.status_code == 200, (path, response.content)
        assert response.json()["items"] == [], path
    first = client.get("/api/buyer/tenders", {"offset": 0}, **tokens["buyer"]).json()
    assert len(first["items"]) == first["count"] == 2, "the published tender and the contract's"


def test_the_largest_cursor_allowed_is_an_empty_feed_page(client, tokens):
    from levelfield.core.api_helpers import MAX_POSITION

    response = client.get("/api/ocds/releases", {"cursor": MAX_POSITION})
    assert response.status_code == 200, response.content
    assert response.json()["releases"] == []
    assert client.get("/api/ocds/releases").json()["releases"], "the tender's release is there"


@pytest.mark.parametrize("page", [HUGE, "-1", "0", "1e400", "nan", "inf", "9" * 5000])
def test_a_list_page_number_out_of_range_shows_a_real_page(client, tokens, supplier, page):
    """The pages' lists (not the API) turn a page number that is no page into the nearest real
    page rather than an error."""
    client.raise_request_exception = False
    response = client.get("/", {"page": page})
    assert response.status_code == 200
    assert "Home care services" in response.content.decode()
    client.force_login(supplier[1])
    response = client.get("/supplier/", {"page": page, "questions_page": page})
    assert response.status_code == 200


def too_big_text(settings) -> str:
    return "a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)


def test_a_json_body_over_the_limit_is_refused_with_413_in_the_api_shape(client, tokens, settings):
    client.raise_request_exception = False
    body = json.dumps({"title": "Too long", "description": too_big_text(settings)})
    response = client.post(
        "/api/buyer/tenders", body, content_type="application/json", **tokens["buyer"]
    )
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    error = response.json()
    assert error["code"] == "too_large"
    assert "5 MB" in error["message"]
    assert "Traceback" not in response.content.decode()
    from levelfield.tenders.models import Tender

    assert not Tender.objects.filter(title="Too long").exists()
    # The same request under the limit goes through.
    body = json.dumps({"title": "Short enough", "description": "Care at home."})
    response = client.post(
        "/api/buyer/tenders", body, content_type="application/json", **tokens["buyer"]
    )
    assert response.status_code == 201, response.content


def test_a_form_over_the_limit_gets_a_page_saying_so(client, officer, settings):
    client.raise_request_exception = False
    client.force_login(officer)
    for encoded in (False, True):
        data = {"title": "Too long", "description": too_big_text(settings)}
        if encoded:  # a form that can carry files sends multipart: only its text counts
            response = client.post("/buyer/tenders/new/", data)
        else:
            response = client.post(
                "/buyer/tenders/new/",
                "title=Too+long&description=" + data["description"],
                content_type="application/x-www-form-urlencoded",
            )
        assert response.status_code == 413
        page = response.content.decode()
        assert "What you sent is too large" in page
        assert "govuk-template" in page
    from levelfield.tenders.models import Tender

    assert not Tender.objects.filter(title="Too long").exists()


def test_a_file_bigger_than_the_text_limit_still_uploads(client, tokens, settings, tmp_path):
    """Files do not count towards the limit on text: a 6 MB certificate is taken (files have
    their own limit)."""
    settings.LEVELFIELD_UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    size = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1024 * 1024
    document = testing.pdf(body=b"%PDF-1.4\n" + b"0" * size)
    response = client.post(
        "/api/supplier/certificates",
        {
            "kind": "other",
            "title": "Food hygiene",
            "issuer": "Council",
            "number": "1",
            "expires_on": "2099-01-01",
            "document": document,
        },
        **tokens["supplier"],
    )
    assert response.status_code == 201, response.content
