"""What we publish, checked the way a consumer of our data would check it, fully offline: every
release validates against OCDS 1.1.5 patched with our extensions (jsonschema and libcoveocds);
`ocdskit compile` on our feed gives the compiled releases our records endpoint serves; and
nothing sealed or private is published.

Each check runs on the releases `levelfield demo` produces and, so that the checks themselves
are exercised whatever the demo publishes, on a few synthetic releases."""

import io
import json
import os
import re
import subprocess
import sys
import zipfile
from decimal import Decimal

import pytest
import requests
from django.core.management import call_command
from jsonschema.validators import Draft4Validator, validator_for

from levelfield.opendata.tests import schema

pytestmark = pytest.mark.django_db

FEED = "/api/ocds/releases?limit=1000"


def walk_feed(client) -> dict:
    """Every release the feed serves, in one release package as a harvester would keep it."""
    package, url = None, FEED
    while url:
        page = client.get(url).json()
        if package is None:
            package = {**page, "releases": []}
        package["releases"] += page["releases"]
        url = page["links"].get("next")
    package.pop("links")
    return package


@pytest.fixture
def demo_package(client):
    call_command("demo", stdout=io.StringIO())
    package = walk_feed(client)
    assert package["releases"], "the demo publishes releases"
    return package


@pytest.fixture
def synthetic_package(client, publish_release):
    for local_id, stage in [
        ("A", "tender"),
        ("B", "tender"),
        ("A", "tenderAmendment"),
        ("A", "award"),
        ("B", "tenderAmendment"),
    ]:
        publish_release(local_id, stage)
    return walk_feed(client)


@pytest.fixture(params=["demo", "synthetic"])
def published(request):
    """A release package of everything the feed serves."""
    return request.getfixturevalue(f"{request.param}_package")


# ---------------------------------------------------------------------------------------------
# JSON Schema


def schema_errors(releases: list[dict], release_schema: dict) -> list[str]:
    # Draft 4, as the schema declares; its $refs are local (#/definitions/...), so nothing is
    # fetched.
    cls = validator_for(release_schema, default=Draft4Validator)
    assert cls is Draft4Validator
    validator = cls(release_schema, format_checker=cls.FORMAT_CHECKER)
    return [
        f"{release.get('id')}: /{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for release in releases
        for error in validator.iter_errors(release)
    ]


def test_every_release_is_valid_against_the_patched_schema(published, patched_schema):
    errors = schema_errors(published["releases"], patched_schema)
    assert not errors, "\n".join(errors)


def test_the_schema_check_catches_an_invalid_release(synthetic_package, patched_schema):
    release = synthetic_package["releases"][0]
    broken = {
        **release,
        "date": "yesterday",
        "tag": ["notATag"],
        "tender": {**release["tender"], "value": {"amount": "lots", "currency": "GBP"}},
    }
    errors = "\n".join(schema_errors([broken], patched_schema))
    assert "/date: 'yesterday' is not a 'date-time'" in errors
    assert "/tag/0: 'notATag' is not one of" in errors
    assert "/tender/value/amount: 'lots' is not of type" in errors


# ---------------------------------------------------------------------------------------------
# libcoveocds, offline


class _Offline(requests.adapters.BaseAdapter):
    """Answers libcoveocds' requests for our extensions from tests/data/ocds/extensions, both as
    files (raw.githubusercontent.com) and as the GitHub archive ZIPs it prefers; 404 for any
    other extension or commit."""

    def __init__(self, folders: dict):
        super().__init__()
        self.folders = folders  # (repository, commit) -> folder

    def send(self, request, **kwargs):
        response = requests.Response()
        response.request, response.url = request, request.url
        response.status_code, response.reason, response._content = 404, "Not Found", b""
        for (repo, commit), folder in self.folders.items():
            base = f"https://raw.githubusercontent.com/{repo}/{commit}/"
            if request.url.startswith(base) and (folder / request.url[len(base) :]).is_file():
                content = (folder / request.url[len(base) :]).read_bytes()
            elif request.url == f"https://github.com/{repo}/archive/{commit}.zip":
                content = _zip(folder, top=f"{repo.split('/')[1]}-{commit}")
            else:
                continue
            response.status_code, response.reason, response._content = 200, "OK", content
        return response

    def close(self):
        pass


def _zip(folder, *, top: str, under: str = "") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(f"{top}/", "")
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, f"{top}/{under}{path.relative_to(folder)}")
    return buffer.getvalue()


@pytest.fixture
def offline_libcove(monkeypatch):
    """libcoveocds with the standard and our extensions read from tests/data/ocds: extension
    files are served by a local adapter on ocdsextensionregistry's session, the standard is
    given as a ZIP, and any other HTTP request fails."""
    from ocdsextensionregistry import extension_version, util

    sources = schema.SOURCES.read_text()
    folders = {
        (repo, commit): schema.OCDS / "extensions" / folder
        for folder, repo, commit in re.findall(
            r"^- extensions/(\w+)/: (\S+) at ([0-9a-f]{40})", sources, re.M
        )
    }
    session = requests.Session()
    session.mount("https://", _Offline(folders))
    session.mount("http://", _Offline(folders))
    monkeypatch.setattr(util, "session", session)
    monkeypatch.setattr(extension_version, "session", session)

    def refuse(self, request, **kwargs):
        raise requests.ConnectionError(f"tests do not reach the network: {request.url}")

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", refuse)
    # ProfileBuilder reads the standard from a ZIP whose first entry is its top folder, with
    # the schema files under schema/.
    return _zip(schema.OCDS / schema.CORE, top="standard", under="schema/")


def cove(package: dict, standard_zip: bytes, output_dir) -> dict:
    from libcoveocds.api import ocds_json_output
    from libcoveocds.config import LibCoveOCDSConfig

    config = LibCoveOCDSConfig({"context": "api", "standard_zip": standard_zip})
    return ocds_json_output(str(output_dir), json_data=package, lib_cove_ocds_config=config)


def test_libcoveocds_reports_no_validation_error(published, offline_libcove, tmp_path):
    report = cove(published, offline_libcove, tmp_path)

    # Every extension we declare was read and applied, so the check is against the patched
    # schema, not the bare standard.
    assert report["extensions"]["invalid_extensions"] == []
    assert report["extensions"]["is_extended_schema"] is True
    assert len(report["extensions"]["extensions"]) == len(published["extensions"])
    assert report["validation_errors"] == []
    assert report["additional_closed_codelist_values"] == {}
    assert report.get("conformance_errors", {}) == {}
    assert report["count"] == len(published["releases"])


def test_releases_use_no_field_the_patched_schema_does_not_define(
    published, offline_libcove, tmp_path
):
    # Valid as they are, unknown fields would surprise the tools that read our data.
    report = cove(published, offline_libcove, tmp_path)
    assert report["additional_fields"] == []


def test_libcoveocds_catches_an_invalid_release(synthetic_package, offline_libcove, tmp_path):
    package = json.loads(json.dumps(synthetic_package))
    package["releases"][0]["date"] = "yesterday"
    package["releases"][0]["tender"]["value"]["amount"] = "lots"
    package["releases"][0]["tender"]["status"] = "nearlyDone"

    report = cove(package, offline_libcove, tmp_path)

    problems = json.dumps(report["validation_errors"])
    assert "releases/0/date" in problems
    assert "releases/0/tender/value/amount" in problems
    assert "tender/status" in json.dumps(report["additional_closed_codelist_values"])


# ---------------------------------------------------------------------------------------------
# ocdskit compile


def test_ocdskit_compile_gives_the_compiled_releases_of_our_records(
    published, patched_schema, client, tmp_path
):
    release_schema = tmp_path / "release-schema.json"
    release_schema.write_text(json.dumps(patched_schema))
    dump = tmp_path / "releases.json"
    dump.write_text(json.dumps(published))

    # With --schema, ocdskit reads no extension; a proxy that refuses every connection makes
    # sure nothing is fetched all the same.
    offline = {"HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9"}
    with dump.open("rb") as stdin:
        result = subprocess.run(
            [sys.executable, "-m", "ocdskit", "compile", "--schema", str(release_schema)],
            stdin=stdin,
            capture_output=True,
            check=True,
            env={**os.environ, **offline, "NO_PROXY": ""},
            timeout=120,
        )
    compiled = [json.loads(line) for line in result.stdout.decode().splitlines() if line]

    ocids = sorted({release["ocid"] for release in published["releases"]})
    assert sorted(release["ocid"] for release in compiled) == ocids
    for release in compiled:
        [record] = client.get(f"/api/ocds/records/{release['ocid']}").json()["records"]
        assert record["compiledRelease"] == release


# ---------------------------------------------------------------------------------------------
# Nothing sealed or private


def amounts(data) -> set[Decimal]:
    """Every `amount` anywhere in the data."""
    found = set()
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "amount" and isinstance(value, int | float | str):
                found.add(Decimal(str(value)))
            else:
                found |= amounts(value)
    elif isinstance(data, list):
        for item in data:
            found |= amounts(item)
    return found


def test_nothing_sealed_or_private_is_published(demo_package):
    from levelfield.accounts.models import Membership, Organisation, Role
    from levelfield.bids.models import Bid, BidAnswer, BidStatus
    from levelfield.demo.data import BUYER_NAME
    from levelfield.opendata.models import Release
    from levelfield.tenders.lifecycle import Status
    from levelfield.tenders.models import Tender
    from tests.support import testing

    # The buyer starts another tender and leaves it in draft.
    buyer = Organisation.objects.get(kind=Organisation.Kind.BUYER, name=BUYER_NAME)
    officer = Membership.objects.get(organisation=buyer, role=Role.BUYER_OFFICER).user
    testing.draft_tender(buyer=buyer, by=officer, title="Unpublished draft: school meals 2031")
    # The store holds everything the API can serve.
    releases = list(Release.objects.values_list("data", flat=True))
    text = json.dumps(releases, ensure_ascii=False).lower()

    # No draft tender.
    drafts = Tender.objects.filter(status=Status.DRAFT)
    assert drafts.exists()
    for tender in drafts:
        assert tender.title.lower() not in text
        assert tender.reference.lower() not in text

    # No evaluator, by name or email.
    evaluators = Membership.objects.filter(role=Role.EVALUATOR).select_related("user")
    assert evaluators.exists()
    for membership in evaluators:
        assert membership.user.full_name.lower() not in text
        assert membership.user.email.lower() not in text

    # No price or answer of a bid still sealed: any bid on a tender not yet awarded (open for
    # bids or in evaluation), and any draft or withdrawn bid.
    not_awarded = {Status.PUBLISHED, Status.EVALUATION, Status.AWARD_DECIDED}
    sealed = Bid.objects.filter(lot__tender__status__in=not_awarded) | Bid.objects.exclude(
        status=BidStatus.SUBMITTED
    )
    sealed_prices = {bid.price for bid in sealed if bid.price is not None}
    assert sealed_prices, "the demo has bids in evaluation"
    assert not sealed_prices & amounts(releases)
    for answer in BidAnswer.objects.filter(bid__in=sealed):
        assert answer.text.lower() not in text
