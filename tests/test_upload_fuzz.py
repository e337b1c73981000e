"""Every way a file comes in, fuzzed (issue 17): names a browser would never send (path
traversal, absolute paths, NUL and control characters, right-to-left overrides, double
extensions, HTML entities, hundreds of characters) and bytes of any kind (empty, random, a PDF
name on something else, a ZIP, text with NUL, the EICAR test string, files about the largest
allowed), with any content type, posted as raw multipart bodies to the pages and the API (the
ways in are here and in tests/support/upload_ways.py), and through the resumable (tus) upload of
a bid.

Whatever comes: never a server error; a file is accepted only when its name (as Django's parser
hands it over) has an allowed type and its bytes are not empty, not over the limit and, for a
PDF, are one; an accepted file is stored under the storage root with a name that climbs nowhere;
and a refused one leaves no row and no file behind, and the answer says why."""

import base64
import contextlib
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.http.multipartparser import MultiPartParser
from django.urls import reverse
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from levelfield.accounts.actions import create_api_token
from levelfield.accounts.models import Role
from levelfield.bids import actions as bid_actions
from levelfield.bids.models import BidAttachment, BidUpload
from levelfield.contracts.actions import outcomes
from levelfield.contracts.models import ContractDocument, Invoice
from levelfield.contracts.models.performance import OutcomeClaim
from levelfield.contracts.tests.kpis_builders import on
from levelfield.correspondence import actions as correspondence_actions
from levelfield.correspondence.models import MessageAttachment, Purpose
from levelfield.resilience.models import Reading
from levelfield.socialvalue.models import Measure
from levelfield.suppliers.models import Certificate
from levelfield.tenders.models import TenderDocument
from tests.support import testing, upload_ways
from tests.support.upload_ways import Way

# A few dozen examples: the whole fuzzing stays within minutes (no deadline: conftest.py)
FUZZ = settings(max_examples=30, suppress_health_check=list(HealthCheck))

# -- names and bytes --------------------------------------------------------------------------

PREFIXES = [
    *("", "", "../", "../../../../etc/", "..\\..\\", "/tmp/", "C:\\Users\\x\\", "\x00"),
    *("\u202e", " ", ".", "~/", "%2e%2e%2f", "&#46;&#46;/", "\r\n", "\t", "CON", "a\x00b/"),
]
EXTENSIONS = [
    *(".pdf", ".PDF", ".docx", ".xlsx", ".csv", ".txt", ".odt", ".ods", ".exe", ".html"),
    *(".svg", ".js", ".pdf.exe", ".exe.pdf", "", ".", ".pdf ", ".pdf\x00.exe", ".pdf/"),
    *(".pdf::$DATA", ".pdf%00.exe", "&#46;pdf", ".p\x00df", ".pdf\u202egpj.exe", ".ＰＤＦ"),
]
stems = st.one_of(
    st.sampled_from(["report", "", "a" * 300, "é" * 120, "new\nline", 'quote"d', "semi;colon"]),
    st.text(max_size=30),
)
file_names = st.builds(
    lambda prefix, stem, extension: prefix + stem + extension,
    st.sampled_from(PREFIXES),
    stems,
    st.sampled_from(EXTENSIONS),
)

# The largest upload, here (the fixture `quick` sets it): files of about that size come too
LIMIT = 150
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
contents = st.one_of(
    st.just(b""),
    st.binary(min_size=1, max_size=200),
    st.binary(max_size=100).map(lambda rest: b"%PDF-1.4\n" + rest),
    st.binary(max_size=100).map(lambda rest: b"PK\x03\x04" + rest),
    st.text(min_size=1, max_size=100).map(lambda text: text.encode()),
    st.just(b"ok\x00text"),
    st.just(EICAR),
    st.just(b"\xef\xbb\xbfContract reference,Invoice reference\n"),
    st.integers(LIMIT - 10, LIMIT + 10).map(lambda size: (b"%PDF-1.4\n" + b"x" * size)[:size]),
)


def seen_name(raw: str) -> str | None:
    """The file's name as the application sees it: Django's parser takes the part after the
    last slash or backslash, unescapes HTML entities and drops unprintable characters."""
    return MultiPartParser.sanitize_file_name(None, raw)


# What the file says it is (the application reads its name and its bytes, never this)
file_types = st.sampled_from(
    [
        *("application/octet-stream", "application/pdf", "text/csv", "text/html"),
        *("image/svg+xml", "application/x-msdownload", "multipart/mixed", "x/\u00e9", ""),
    ]
)


def multipart(
    fields: dict[str, str],
    file_field: str,
    name: str,
    data: bytes,
    file_type: str = "application/octet-stream",
):
    """A multipart body as a client can send it, the file's name as it is (a browser would
    escape a quote and line breaks; we do that much, so the header still parses)."""
    boundary = uuid.uuid4().hex
    parts = []
    for key, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'.encode()
            + value.encode()
            + b"\r\n"
        )
    escaped = name.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
        f'filename="{escaped}"\r\nContent-Type: {file_type}\r\n\r\n'.encode()
        + data
        + b"\r\n"
    )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def stored_files() -> set[Path]:
    root = Path(django_settings.MEDIA_ROOT)
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


# -- the ways in ------------------------------------------------------------------------------


def tender_document(client) -> Way:
    buyer = testing.buyer_org()
    officer = testing.member(buyer, Role.BUYER_OFFICER)
    tender = testing.draft_tender(buyer=buyer, by=officer)
    client.force_login(officer)
    url = reverse("tenders:document_add", args=[tender.pk])
    return Way(url, {"title": "Spec", "doc_type": "specification"}, "file", TenderDocument, {})


def bid_attachment(client) -> Way:
    buyer = testing.buyer_org()
    tender = testing.published_tender(buyer=buyer, by=testing.member(buyer, Role.BUYER_OFFICER))
    organisation, user = testing.supplier_with_user("Acorn Care Ltd")
    bid = bid_actions.start_bid(lot=tender.lots.get(), supplier=organisation, by=user)
    client.force_login(user)
    url = reverse("bids:attachment_add", args=[bid.pk])
    return Way(url, {"attachment-title": ""}, "attachment-file", BidAttachment, {})


CERTIFICATE = {"kind": "other", "title": "Hygiene", "issuer": "Council", "expires_on": "2099-01-01"}


def certificate_page(client) -> Way:
    _, user = testing.supplier_with_user("Acorn Care Ltd")
    client.force_login(user)
    return Way(reverse("suppliers:certificates"), CERTIFICATE, "document", Certificate, {})


def certificate_api(client) -> Way:
    _, user = testing.supplier_with_user("Acorn Care Ltd")
    _, secret = create_api_token(user=user, name="fuzz")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    return Way("/api/supplier/certificates", CERTIFICATE, "document", Certificate, auth)


def contract_document(client) -> Way:
    signed = testing.signed_contract()
    client.force_login(signed.officer)
    url = reverse("contracts:add_document", args=[signed.contract.pk])
    return Way(url, {"title": "Signed"}, "file", ContractDocument, {})


def payments_file(client) -> Way:
    signed = testing.signed_contract()
    client.force_login(signed.officer)
    return Way(
        reverse("contracts:payments_import"), {}, "file", Invoice, {}, good=None, keeps_file=False
    )


def outcome_claim_evidence(client) -> Way:
    """A supplier's claim for a priced outcome, with the evidence the contract asks for."""
    signed = testing.signed_contract(value="250000")
    outcome = outcomes.add_priced_outcome(
        contract=signed.contract,
        by=signed.officer,
        name="Tenancy sustained",
        unit_price="1",
        budget="100000",
        evidence_required="A landlord's letter",
    )
    start = signed.contract.start_date
    client.force_login(signed.supplier_user)
    url = reverse("contracts:supplier_claim", args=[signed.contract.pk, outcome.pk])
    fields = {
        "period_start": start.isoformat(),
        "period_end": (start + timedelta(days=90)).isoformat(),
        "quantity": "1",
        "narrative": "One family kept its home",
    }
    return Way(url, fields, "evidence", OutcomeClaim, {}, day=start + timedelta(days=120))


def financial_readings(client) -> Way:
    client.force_login(testing.resilience_team_member())
    return Way(
        reverse("resilience:financial_import"), {}, "file", Reading, {}, good=None, keeps_file=False
    )


def framework(client) -> Way:
    buyer = testing.buyer_org()
    client.force_login(testing.member(buyer, Role.BUYER_OFFICER))
    good = ("measures.csv", b"code,description,unit\nAPP,Apprenticeships,weeks\n")
    url = reverse("socialvalue:frameworks")
    return Way(url, {"name": "Ours"}, "file", Measure, {}, good=good, keeps_file=False)


def correspondence_attachment(client) -> Way:
    """A supplier's reply, with a file, to a buyer's message after the deadline."""
    officer, tender, supplier, user = upload_ways.opened_tender_with_bid()
    thread = correspondence_actions.start_thread(
        tender=tender,
        supplier=supplier,
        by=officer,
        purpose=Purpose.BID_CLARIFICATION,
        subject="Travel time",
        body="Does your price include travel time?",
    )
    client.force_login(user)
    url = reverse("correspondence:thread", args=[thread.pk])
    fields = {"body": "Yes: see the file"}
    return Way(url, fields, "attachment", MessageAttachment, {}, optional=True)


WAYS = {
    "tender document": tender_document,
    "bid attachment": bid_attachment,
    "certificate page": certificate_page,
    "certificate API": certificate_api,
    "contract document": contract_document,
    "payments file": payments_file,
    "financial readings": financial_readings,
    "measurement framework": framework,
    "correspondence attachment": correspondence_attachment,
    "outcome claim evidence": outcome_claim_evidence,
    **upload_ways.MORE,
}


@pytest.fixture
def quick(settings):
    """Uploads not rate limited here (a test posts dozens)."""
    settings.LEVELFIELD_RATE_LIMITS = {**settings.LEVELFIELD_RATE_LIMITS, "upload": "100000/h"}


def small_uploads(settings) -> None:
    """The largest upload LIMIT bytes, once a way's world is built (with its own files)."""
    settings.LEVELFIELD_UPLOAD_MAX_BYTES = settings.LEVELFIELD_BID_UPLOAD_MAX_BYTES = LIMIT


def valid_by_its_name_and_bytes(name: str | None, data: bytes) -> bool:
    """What any accepted upload must be: a name with an allowed type, some bytes, and a PDF
    that is one. (A way in may ask for more: a type of its own, content that parses.)"""
    if not name or not data or "." not in name or len(data) > LIMIT:
        return False
    extension = name.rsplit(".", 1)[-1].lower()
    if extension not in django_settings.LEVELFIELD_UPLOAD_EXTENSIONS:
        return False
    return extension != "pdf" or data.startswith(b"%PDF")


def check_stored(new_files: set[Path]) -> None:
    root = Path(django_settings.MEDIA_ROOT).resolve()
    for path in new_files:
        assert path.resolve().is_relative_to(root)
        assert path.name.isprintable() and ".." not in path.relative_to(root).parts


def told_why(response) -> str:
    """The refusal's message: an API's `message`, or a page's error summary (the admin's list
    of errors), its text."""
    if response["Content-Type"].startswith("application/json"):
        return str(response.json().get("message") or "").strip()
    page = response.content.decode()
    for start in ('class="govuk-error-summary"', 'class="errorlist'):
        if start in page:
            return page[page.index(start) :][:2000]
    return ""


@pytest.fixture(params=WAYS)
def way(request, client, quick, settings) -> Way:
    """The world of one way in, built once a test; the examples post to it in turn."""
    built = WAYS[request.param](client)
    small_uploads(settings)
    return built


def post(client, way: Way, name: str, data: bytes, file_type: str = "application/octet-stream"):
    if way.current:
        way.url, way.fields, way.file_field = way.current()
    body, content_type = multipart(way.fields, way.file_field, name, data, file_type)
    with on(way.day) if way.day else contextlib.nullcontext():
        return client.generic("POST", way.url, body, content_type=content_type, **way.auth)


@pytest.mark.django_db
def test_each_way_in_takes_a_good_file(client, way):
    """The control: the fuzzing below could not tell a refusal from a way that takes nothing."""
    if way.good is None:
        pytest.skip("an import: a good file depends on the world's references (its own tests)")
    rows, files = way.rows.objects.count(), stored_files()

    response = post(client, way, *way.good)

    assert response.status_code in (201, 302), response.content[:2000]
    assert way.rows.objects.count() > rows
    assert bool(stored_files() - files) == way.keeps_file


@pytest.mark.django_db
@FUZZ
@given(name=file_names, data=contents, file_type=file_types)
def test_an_upload_is_accepted_only_when_valid_and_a_refusal_leaves_nothing(
    client, way, name, data, file_type
):
    rows, files = way.rows.objects.count(), stored_files()
    note(f"name={name!r} seen as {seen_name(name)!r}, {len(data)} bytes, {file_type!r}")

    response = post(client, way, name, data, file_type)

    assert response.status_code < 500
    added = way.rows.objects.count() - rows
    new_files = stored_files() - files
    if added:
        assert response.status_code in (201, 302)
        assert valid_by_its_name_and_bytes(seen_name(name), data)
        check_stored(new_files)
        assert bool(new_files) == way.keeps_file
    else:
        assert new_files == set(), new_files
        if response.status_code not in (201, 302):  # (taken without the file it dropped)
            assert told_why(response), response.content[:2000]
        # (a file Django's parser drops, its name all unprintable, is no file at all)
        taken = response.status_code in (201, 302) and not (way.optional and not seen_name(name))
        assert not taken or way.rows in (Invoice, Reading)


# -- the resumable upload of a bid (tus) --------------------------------------------------------


@pytest.fixture
def bid_upload(client, quick, settings):
    way = bid_attachment(client)
    small_uploads(settings)
    return way.url.replace("attachments", "uploads")


def tus_headers(**headers) -> dict:
    return {"HTTP_TUS_RESUMABLE": "1.0.0", **{f"HTTP_{k.upper()}": v for k, v in headers.items()}}


@pytest.mark.django_db
@FUZZ
@given(name=file_names, data=contents, declared=st.integers(-1, 2))
def test_a_resumable_upload_is_kept_only_when_valid_and_a_refusal_leaves_nothing(
    client, bid_upload, name, data, declared
):
    """Begun with the fuzzed name in its metadata (base64, as tus sends it) and a length that
    is the file's, or one more or less; then sent in one chunk."""
    files = stored_files()
    attachments, uploads = BidAttachment.objects.count(), BidUpload.objects.count()
    encoded = base64.b64encode(name.encode("utf-8", "surrogatepass")).decode()
    length = str(len(data) + declared) if declared < 2 else "-1"
    note(f"name={name!r}, {len(data)} bytes, Upload-Length {length}")

    begun = client.post(
        bid_upload,
        **tus_headers(upload_length=length, upload_metadata=f"filename {encoded}"),
    )

    assert begun.status_code < 500
    if begun.status_code != 201:
        assert BidUpload.objects.count() == uploads and stored_files() == files
        return
    sent = client.generic(
        "PATCH",
        begun["Location"],
        data,
        content_type="application/offset+octet-stream",
        **tus_headers(upload_offset="0"),
    )
    assert sent.status_code < 500
    added = BidAttachment.objects.count() - attachments
    new_files = stored_files() - files
    if added:
        stored = BidAttachment.objects.latest("pk")
        assert valid_by_its_name_and_bytes(Path(stored.file.name).name, data)
        assert len(data) == int(length)
        check_stored(new_files)
    elif sent.status_code != 204 or BidUpload.objects.count() == uploads:
        # refused, or finished and refused: nothing of it is left (an upload still waiting
        # for the rest of its bytes keeps them, and only them)
        assert new_files == set(), new_files
