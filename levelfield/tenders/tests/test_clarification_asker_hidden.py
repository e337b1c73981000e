"""Who asked a clarification question (organisation and person), and the question as asked
when the buyer edited it, are shown only to those who answer: buyer admins and officers. A
table over every page, API answer and export where clarifications appear, for every other
viewer: evaluators, other suppliers, the public, open data."""

import gzip
import io
import json
import zipfile

import duckdb
import pytest
from django.test import Client
from django.urls import reverse

from levelfield.accounts.actions import create_api_token
from levelfield.accounts.models import Role
from levelfield.opendata import downloads
from levelfield.opendata.models import DownloadFile
from levelfield.tenders import actions, ocds
from tests.support import testing

pytestmark = pytest.mark.django_db

ASKER_ORG = "Zephyr Homecare Ltd"
ASKER_PERSON = "Quentin Asker"
ORIGINAL = "Zephyr's own rota software: may we keep using it?"
EDITED = "May a supplier keep using its own rota software?"
# Everything that would tell who asked (the asker's email is added per test).
SECRETS = (ASKER_ORG, ASKER_PERSON, "Zephyr")


@pytest.fixture
def world(buyer, officer, buyer_admin, evaluator, tender, other_supplier, tmp_path):
    org = testing.supplier_org(ASKER_ORG)
    user = testing.member(
        org, Role.SUPPLIER_ADMIN, full_name=ASKER_PERSON, email="quentin@zephyr.example"
    )
    answered = actions.ask_question(tender=tender, by=user, organisation=org, question=ORIGINAL)
    actions.answer_clarification(
        clarification=answered, by=officer, answer="Yes.", published_question=EDITED
    )
    # A second question, not yet answered, so the lists show both states.
    actions.ask_question(
        tender=tender, by=user, organisation=org, question="Zephyr asks: is parking provided?"
    )
    downloads.regenerate()
    return {
        "tender": tender,
        "officer": officer,
        "buyer_admin": buyer_admin,
        "evaluator": evaluator,
        "other_supplier": other_supplier[1],
        "asker": user,
        "answered": answered,
        "tmp_path": tmp_path,
    }


def page(client, user, path):
    if user is not None:
        client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def api(client, user, path):
    headers = {}
    if user is not None:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {create_api_token(user=user, name='t')[1]}"
    response = client.get("/api" + path, **headers)
    assert response.status_code == 200, path
    return response.content.decode()


def download_text(kind: str, tmp_path) -> str:
    """The text of every bulk download file of `kind` (each month's, or the whole file)."""
    texts = []
    for found in DownloadFile.objects.filter(kind=kind):
        with downloads.storage().open(found.stored, "rb") as handle:
            data = handle.read()
        if found.name.endswith(".parquet"):
            path = tmp_path / found.name
            path.write_bytes(data)
            texts.append(str(duckdb.sql(f"SELECT * FROM read_parquet('{path}')").fetchall()))
        elif found.name.endswith(".gz"):
            texts.append(gzip.decompress(data).decode())
        elif found.name.endswith((".zip", ".xlsx")):
            with zipfile.ZipFile(io.BytesIO(data)) as zipped:
                texts.append("".join(zipped.read(n).decode() for n in zipped.namelist()))
    assert texts, kind
    return "".join(texts)


def opportunity(w):
    return reverse("public:opportunity", args=[w["tender"].reference])


# (viewer, what they read): each must show no sign of who asked, nor the original question.
HIDDEN = {
    "evaluator: clarifications page": lambda c, w: page(
        c, w["evaluator"], reverse("tenders:clarifications", args=[w["tender"].pk])
    ),
    "evaluator: tender page": lambda c, w: page(
        c, w["evaluator"], reverse("tenders:detail", args=[w["tender"].pk])
    ),
    "evaluator: clarifications API": lambda c, w: api(
        c, w["evaluator"], f"/buyer/tenders/{w['tender'].pk}/clarifications"
    ),
    "public: opportunity page": lambda c, w: page(c, None, opportunity(w)),
    "other supplier: opportunity page": lambda c, w: page(c, w["other_supplier"], opportunity(w)),
    "public: opportunity API": lambda c, w: api(c, None, f"/opportunities/{w['tender'].reference}"),
    "other supplier: own questions API": lambda c, w: api(
        c, w["other_supplier"], "/supplier/questions"
    ),
    "public: OCDS record": lambda c, w: page(c, None, ocds.record_url(w["tender"])),
    "public: search": lambda c, w: page(c, None, reverse("public:opportunities")),
    **{
        f"open data: {d.key}": (lambda key: lambda c, w: download_text(key, w["tmp_path"]))(d.key)
        for d in downloads.DOWNLOADS
    },
}


@pytest.mark.parametrize("where", HIDDEN)
def test_no_one_but_those_who_answer_sees_who_asked(world, where):
    text = HIDDEN[where](Client(), world)
    for secret in (*SECRETS, world["asker"].email, ORIGINAL, "parking"):
        assert secret not in text.replace("Zephyr&#x27;", "Zephyr'"), (where, secret)


SHOWN = {
    "officer: clarifications page": lambda c, w: page(
        c, w["officer"], reverse("tenders:clarifications", args=[w["tender"].pk])
    ),
    "buyer admin: clarifications page": lambda c, w: page(
        c, w["buyer_admin"], reverse("tenders:clarifications", args=[w["tender"].pk])
    ),
    "officer: clarifications API": lambda c, w: api(
        c, w["officer"], f"/buyer/tenders/{w['tender'].pk}/clarifications"
    ),
}


@pytest.mark.parametrize("where", SHOWN)
def test_those_who_answer_see_who_asked_and_the_question_as_asked(world, where):
    text = SHOWN[where](Client(), world).replace("&#x27;", "'")
    assert ASKER_ORG in text and ASKER_PERSON in text
    assert ORIGINAL in text and EDITED in text


def test_the_published_question_is_what_everyone_else_reads(world):
    text = HIDDEN["public: opportunity page"](Client(), world)
    assert EDITED in text
    body = api(Client(), None, f"/opportunities/{world['tender'].reference}")
    assert EDITED in body


def test_the_evaluators_api_answer_has_no_asker(world):
    body = json.loads(
        api(Client(), world["evaluator"], f"/buyer/tenders/{world['tender'].pk}/clarifications")
    )
    # Only the answered question, as published.
    assert [(c["question"], c["asked_by"], c["published_question"]) for c in body] == [
        (None, None, EDITED)
    ]
    officer = json.loads(
        api(Client(), world["officer"], f"/buyer/tenders/{world['tender'].pk}/clarifications")
    )
    assert {c["asked_by"]["organisation"] for c in officer} == {ASKER_ORG}
