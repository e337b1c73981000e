"""The buyer's and the bidder's pages: writing, replying, unread counts, the record, empty
states and pages of long lists."""

import pytest
from django.core import mail
from django.urls import reverse

from tests.support import testing

from .. import actions
from ..models import Message, Purpose, Thread
from .conftest import start

pytestmark = pytest.mark.django_db


def test_the_buyer_writes_to_a_bidder_from_the_tenders_correspondence(
    client, closed, django_capture_on_commit_callbacks
):
    client.force_login(closed.officer)
    detail = client.get(reverse("tenders:detail", args=[closed.tender.pk])).content.decode()
    threads_url = reverse("correspondence:tender_threads", args=[closed.tender.pk])
    assert threads_url in detail
    listing = client.get(threads_url).content.decode()
    assert "No correspondence with bidders on this tender yet" in listing
    form = client.get(reverse("correspondence:start", args=[closed.tender.pk])).content.decode()
    # Only the bidders are offered.
    assert "Acorn Care Ltd" in form and "Beech Homecare CIC" in form
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("correspondence:start", args=[closed.tender.pk]),
            {
                "supplier": closed.beech.pk,
                "purpose": Purpose.STANDSTILL,
                "subject": "Your debrief",
                "body": "We can meet on Tuesday.",
                "attachment": testing.pdf("letter.pdf"),
            },
        )
    thread = Thread.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("correspondence:thread", args=[thread.pk])
    assert thread.supplier == closed.beech
    assert sorted(e.to[0] for e in mail.outbox) == [closed.beech_admin.email]
    page = client.get(response["Location"]).content.decode()
    assert "We can meet on Tuesday." in page and "letter.pdf" in page
    assert "Not yet read by the bidder" in page


def test_the_start_form_says_what_is_missing_beside_each_field(client, closed):
    client.force_login(closed.officer)
    response = client.post(reverse("correspondence:start", args=[closed.tender.pk]), {})
    text = response.content.decode()
    assert response.status_code == 200 and "<title>Error:" in text
    for field, words in (
        ("supplier", "Choose the bidder to write to"),
        ("purpose", "Choose what the correspondence is about"),
        ("subject", "Enter a subject"),
        ("body", "Enter a message"),
    ):
        assert f'href="#id_{field}"' in text and words in text
    assert not Thread.objects.exists()


def test_a_refused_file_is_shown_at_the_file_field_and_the_text_is_kept(client, closed):
    thread = start(closed)
    client.force_login(closed.acorn_admin)
    fake = testing.pdf("reply.pdf", body=b"not a pdf")
    response = client.post(
        reverse("correspondence:thread", args=[thread.pk]),
        {"body": "Our reply", "attachment": fake},
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_attachment"' in text and "is not a real PDF file" in text
    assert "Our reply" in text
    assert Message.objects.count() == 1


def test_before_the_deadline_the_buyer_is_told_to_use_clarifications(client, world):
    client.force_login(world.officer)
    listing = client.get(reverse("correspondence:tender_threads", args=[world.tender.pk]))
    assert "once the submission deadline has passed" in listing.content.decode()
    form = client.get(reverse("correspondence:start", args=[world.tender.pk])).content.decode()
    assert "once the submission deadline has passed" in form and 'name="body"' not in form
    response = client.post(
        reverse("correspondence:start", args=[world.tender.pk]),
        {"supplier": world.acorn.pk, "purpose": "other", "subject": "x", "body": "y"},
    )
    assert response.status_code == 200 and not Thread.objects.exists()
    assert "Acorn Care Ltd" not in response.content.decode()


def test_unread_counts_go_when_the_thread_is_opened(client, closed):
    thread = start(closed)
    client.force_login(closed.acorn_member)
    mine = client.get(reverse("correspondence:supplier_threads")).content.decode()
    assert "1 unread" in mine and "Travel time in your price" in mine
    client.get(reverse("correspondence:thread", args=[thread.pk]))
    assert "unread" not in client.get(reverse("correspondence:supplier_threads")).content.decode()
    client.post(reverse("correspondence:thread", args=[thread.pk]), {"body": "Included."})

    client.force_login(closed.officer)
    listing = reverse("correspondence:tender_threads", args=[closed.tender.pk])
    assert "1 unread" in client.get(listing).content.decode()
    page = client.get(reverse("correspondence:thread", args=[thread.pk])).content.decode()
    assert "Read by the bidder (Ash Member)" in page
    assert "1 unread" not in client.get(listing).content.decode()


def test_the_record_has_every_message_of_every_thread(client, closed):
    first = start(closed, body="First question to Acorn.")
    actions.send_message(thread=first, by=closed.acorn_admin, body="Acorn answers.")
    start(closed, supplier=closed.beech, subject="Debrief", body="To Beech.")
    client.force_login(closed.buyer_admin)
    text = client.get(reverse("correspondence:record", args=[closed.tender.pk])).content.decode()
    for words in ("First question to Acorn.", "Acorn answers.", "To Beech.", "Debrief"):
        assert words in text
    assert text.index("First question to Acorn.") < text.index("Acorn answers.")


def test_long_lists_turn_pages(client, closed, django_assert_max_num_queries):
    for number in range(22):
        start(closed, subject=f"Question {number:02d}")
    client.force_login(closed.officer)
    url = reverse("correspondence:tender_threads", args=[closed.tender.pk])
    with django_assert_max_num_queries(25):
        first = client.get(url).content.decode()
    assert "Question 21" in first and "Question 01" not in first
    assert "?page=2" in first
    assert "Question 01" in client.get(url + "?page=2").content.decode()
    client.force_login(closed.acorn_admin)
    mine = client.get(reverse("correspondence:supplier_threads") + "?page=2").content.decode()
    assert "Question 01" in mine


def test_the_supplier_finds_its_correspondence_from_its_dashboard(client, closed):
    client.force_login(closed.acorn_admin)
    dashboard = client.get(reverse("bids:dashboard")).content.decode()
    assert reverse("correspondence:supplier_threads") in dashboard
    empty = client.get(reverse("correspondence:supplier_threads")).content.decode()
    assert "No buyer has written to you yet" in empty


def test_a_buyer_cannot_open_the_supplier_list(client, closed):
    client.force_login(closed.officer)
    assert client.get(reverse("correspondence:supplier_threads")).status_code == 404
