"""Nobody but the two sides sees anything: as a table of who asks for what, on the pages and the
API; and nothing reaches the public pages, the open data or the evaluators."""

import json

import pytest
from django.urls import reverse

from levelfield.opendata.models import Release
from tests.support import testing

from .. import actions
from ..models import MessageAttachment
from .conftest import start

pytestmark = pytest.mark.django_db

SECRET_BODY = "Our reference price is 1234567 and we query your staffing"
SECRET_SUBJECT = "Staffing query 998877"

PEOPLE = {
    # who: status of (thread page, attachment, tender list, record, API thread)
    "officer": (200, 200, 200, 200, 200),
    "buyer_admin": (200, 200, 200, 200, 200),
    "evaluator": (404, 404, 404, 404, 404),
    "other_admin": (404, 404, 404, 404, 404),
    "acorn_admin": (200, 200, 404, 404, 200),
    "acorn_member": (200, 200, 404, 404, 200),
    "beech_admin": (404, 404, 404, 404, 404),
}


@pytest.fixture
def thread(closed):
    return start(
        closed,
        subject=SECRET_SUBJECT,
        body=SECRET_BODY,
        attachments=[testing.pdf("staffing.pdf")],
    )


@pytest.mark.parametrize("who", list(PEOPLE))
def test_who_sees_a_thread(client, closed, thread, who):
    person = getattr(closed, who)
    client.force_login(person)
    item = MessageAttachment.objects.get()
    urls = [
        reverse("correspondence:thread", args=[thread.pk]),
        reverse("correspondence:attachment", args=[thread.pk, item.pk]),
        reverse("correspondence:tender_threads", args=[closed.tender.pk]),
        reverse("correspondence:record", args=[closed.tender.pk]),
        f"/api/correspondence/threads/{thread.pk}",
    ]
    got = tuple(client.get(url).status_code for url in urls)
    assert got == PEOPLE[who]


@pytest.mark.parametrize("who", list(PEOPLE))
def test_who_can_write_in_a_thread(client, closed, thread, who):
    person = getattr(closed, who)
    client.force_login(person)
    page = client.post(reverse("correspondence:thread", args=[thread.pk]), {"body": "Hello"})
    api = client.post(
        f"/api/correspondence/threads/{thread.pk}/messages",
        {"body": "Hello"},
        content_type="application/json",
    )
    may = PEOPLE[who][0] == 200
    assert page.status_code == (302 if may else 404)
    assert api.status_code == (201 if may else 404)


def test_signed_out_people_are_sent_to_sign_in_and_the_api_refuses(client, closed, thread):
    response = client.get(reverse("correspondence:thread", args=[thread.pk]))
    assert response.status_code == 302 and "sign-in" in response["Location"]
    assert client.get(f"/api/correspondence/threads/{thread.pk}").status_code == 401


def test_a_consortium_member_reads_but_cannot_reply_and_an_invited_one_sees_nothing(
    client, consortium_thread
):
    c = consortium_thread
    url = reverse("correspondence:thread", args=[c.thread.pk])
    client.force_login(c.member_admin)
    page = client.get(url)
    assert page.status_code == 200
    assert b"lead writes for the consortium" in page.content
    assert client.post(url, {"body": "Hi"}).status_code == 404
    client.force_login(c.invited_admin)
    assert client.get(url).status_code == 404
    client.force_login(c.lead_admin)
    assert client.post(url, {"body": "Hi"}).status_code == 302


def test_nothing_of_it_reaches_the_public_the_open_data_or_other_pages(client, closed, thread):
    actions.send_message(thread=thread, by=closed.acorn_admin, body=SECRET_BODY + " (reply)")
    secrets = (SECRET_BODY, SECRET_SUBJECT)
    released = json.dumps([r.data for r in Release.objects.all()])
    assert not any(s in released for s in secrets)
    public = [
        reverse("public:opportunity", args=[closed.tender.reference]),
        f"/api/opportunities/{closed.tender.reference}",
    ]
    for url in public:
        text = client.get(url).content.decode()
        assert not any(s in text for s in secrets), url
    # The officer's view of the tender lists the correspondence in its history, who wrote to
    # whom, never what.
    client.force_login(closed.officer)
    text = client.get(reverse("tenders:detail", args=[closed.tender.pk])).content.decode()
    assert not any(s in text for s in secrets)
    assert "Private message sent" in text
    # The evaluator, who does not read correspondence (correspondence.view_record), sees none
    # of it, not even that a bidder was written to.
    client.force_login(closed.evaluator)
    text = client.get(reverse("tenders:detail", args=[closed.tender.pk])).content.decode()
    assert not any(s in text for s in secrets)
    assert reverse("correspondence:tender_threads", args=[closed.tender.pk]) not in text
    assert "Private message sent" not in text
    assert "Private correspondence with a bidder started" not in text
    # Another bidder's list is empty.
    client.force_login(closed.beech_admin)
    text = client.get(reverse("correspondence:supplier_threads")).content.decode()
    assert "No buyer has written to you yet" in text
    assert client.get("/api/supplier/correspondence").json()["count"] == 0
