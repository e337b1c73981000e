"""Certificates with expiry dates, and the reminders a background task sends before they expire:
30 and 7 days ahead, at most once per certificate and threshold."""

from datetime import date, datetime, time, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from levelfield.accounts.models import Role
from levelfield.core import clock
from levelfield.core.clock import UK
from levelfield.core.errors import DomainError
from levelfield.suppliers import actions
from levelfield.suppliers.models import CertificateKind, CertificateReminder
from levelfield.suppliers.tasks import send_certificate_reminders
from tests.support import testing

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 1)


def morning(day: date) -> datetime:
    return datetime.combine(day, time(6, 30), tzinfo=UK)


@pytest.fixture
def kennet(db):
    org, admin = testing.supplier_with_user("Kennet Home Care Ltd")
    testing.member(org, Role.SUPPLIER_MEMBER, email="carer@kennet.example")
    return org, admin


def add(org, admin, *, expires_on, kind=CertificateKind.PUBLIC_LIABILITY, number="PL-1"):
    with clock.frozen_at(morning(TODAY)):
        return actions.add_certificate(
            organisation=org,
            by=admin,
            kind=kind,
            number=number,
            issuer="Wessex Mutual Insurance",
            expires_on=expires_on,
            upload=testing.pdf("certificate.pdf"),
        )


def run_on(day: date, capture) -> int:
    with clock.frozen_at(morning(day)), capture(execute=True):
        return send_certificate_reminders.enqueue().return_value["reminders"]


def test_reminders_go_at_30_and_7_days_once_each(kennet, django_capture_on_commit_callbacks):
    org, admin = kennet
    certificate = add(org, admin, expires_on=TODAY + timedelta(days=40))

    assert run_on(TODAY, django_capture_on_commit_callbacks) == 0
    assert run_on(TODAY + timedelta(days=10), django_capture_on_commit_callbacks) == 1
    [email] = mail.outbox
    assert email.to == [admin.email]
    assert email.subject == "Public liability insurance expires in 30 days"
    assert "PL-1" in email.body and "11 July 2026" in email.body
    assert "/supplier/profile/certificates/" in email.body

    # Again the same day, and on the days after: nothing new until the 7-day threshold.
    for days in (10, 11, 25, 32):
        assert run_on(TODAY + timedelta(days=days), django_capture_on_commit_callbacks) == 0
    assert run_on(TODAY + timedelta(days=33), django_capture_on_commit_callbacks) == 1
    assert mail.outbox[-1].subject == "Public liability insurance expires in 7 days"
    for days in (33, 35, 40):
        assert run_on(TODAY + timedelta(days=days), django_capture_on_commit_callbacks) == 0
    assert len(mail.outbox) == 2
    assert sorted(certificate.reminders.values_list("days_before", flat=True)) == [7, 30]
    # After expiry: no more reminders.
    assert run_on(TODAY + timedelta(days=41), django_capture_on_commit_callbacks) == 0


def test_a_missed_run_sends_one_reminder_covering_every_threshold_passed(
    kennet, django_capture_on_commit_callbacks
):
    org, admin = kennet
    certificate = add(org, admin, expires_on=TODAY + timedelta(days=40))
    assert run_on(TODAY + timedelta(days=35), django_capture_on_commit_callbacks) == 1
    assert mail.outbox[-1].subject == "Public liability insurance expires in 5 days"
    assert sorted(certificate.reminders.values_list("days_before", flat=True)) == [7, 30]
    assert run_on(TODAY + timedelta(days=39), django_capture_on_commit_callbacks) == 0
    assert run_on(TODAY + timedelta(days=39), django_capture_on_commit_callbacks) == 0
    assert len(mail.outbox) == 1


def test_each_certificate_is_reminded_separately(kennet, django_capture_on_commit_callbacks):
    org, admin = kennet
    add(org, admin, expires_on=TODAY + timedelta(days=30))
    add(
        org,
        admin,
        kind=CertificateKind.CYBER_ESSENTIALS,
        number="CE-9",
        expires_on=TODAY + timedelta(days=1),
    )
    add(org, admin, kind=CertificateKind.ISO_9001, number="Q-1", expires_on=date(2027, 1, 1))
    assert run_on(TODAY, django_capture_on_commit_callbacks) == 2
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == [
        "Cyber Essentials expires tomorrow",
        "Public liability insurance expires in 30 days",
    ]
    assert CertificateReminder.objects.count() == 3  # the Cyber Essentials one covers 30 and 7


def test_the_command_queues_the_task(kennet, django_capture_on_commit_callbacks):
    org, admin = kennet
    add(org, admin, expires_on=TODAY + timedelta(days=7))
    out = StringIO()
    with clock.frozen_at(morning(TODAY)), django_capture_on_commit_callbacks(execute=True):
        call_command("send-reminders", stdout=out)
    assert "Queued the certificate reminders" in out.getvalue()
    assert [m.subject for m in mail.outbox] == ["Public liability insurance expires in 7 days"]


def test_an_expired_certificate_or_one_without_a_copy_is_refused(kennet):
    org, admin = kennet
    with pytest.raises(DomainError) as refused:
        add(org, admin, expires_on=TODAY - timedelta(days=1))
    assert "already expired" in refused.value.message
    with pytest.raises(DomainError) as refused:
        actions.add_certificate(
            organisation=org,
            by=admin,
            kind=CertificateKind.OTHER,
            issuer="",
            expires_on=date(2030, 1, 1),
            upload=None,
        )
    assert set(refused.value.details) >= {
        "Say what the certificate is",
        "Upload a copy of the certificate",
    }


def test_the_certificates_page_adds_lists_downloads_and_removes(client, kennet):
    org, admin = kennet
    client.force_login(admin)
    url = reverse("suppliers:certificates")
    assert "You have not added any certificates yet" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "kind": CertificateKind.CYBER_ESSENTIALS,
            "number": "CE-2026-01877",
            "issuer": "IASME",
            "expires_on": "31/03/2030",
            "document": testing.pdf("ce.pdf"),
        },
    )
    assert response.status_code == 302
    body = client.get(url).content.decode()
    assert "Cyber Essentials has been added to your profile" in body
    assert "CE-2026-01877" in body and "31 March 2030" in body
    certificate = org.certificates.get()
    download = client.get(reverse("suppliers:certificate_document", args=[certificate.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")

    # Another supplier cannot see or remove it.
    _other, other_admin = testing.supplier_with_user()
    client.force_login(other_admin)
    assert (
        client.get(reverse("suppliers:certificate_document", args=[certificate.pk])).status_code
        == 404
    )
    remove = reverse("suppliers:certificate_remove", args=[certificate.pk])
    assert client.post(remove).status_code == 404

    client.force_login(admin)
    response = client.post(remove)
    assert response.status_code == 302
    assert not org.certificates.exists()


def test_a_bad_date_keeps_what_was_typed(client, kennet):
    _org, admin = kennet
    client.force_login(admin)
    response = client.post(
        reverse("suppliers:certificates"),
        {"kind": "iso_9001", "issuer": "BSI Assurance", "expires_on": "31/13/2030"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Enter the expiry date as day/month/year" in body
    assert "BSI Assurance" in body


def test_the_api_adds_lists_and_removes_certificates(client, kennet):
    from levelfield.accounts.actions import create_api_token

    org, admin = kennet
    _, secret = create_api_token(user=admin, name="tests")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    with clock.frozen_at(morning(TODAY)):
        refused = client.post(
            "/api/supplier/certificates",
            {"kind": "iso_9001", "issuer": "BSI Assurance", "expires_on": "2026-05-01"},
            **auth,
        )
        assert refused.status_code == 400, refused.content
        assert "already expired" in refused.json()["message"]
        added = client.post(
            "/api/supplier/certificates",
            {
                "kind": "cyber_essentials",
                "number": "CE-77",
                "issuer": "IASME",
                "expires_on": "2027-03-31",
                "document": testing.pdf("ce.pdf"),
            },
            **auth,
        )
        assert added.status_code == 201, added.content
    assert added.json()["name"] == "Cyber Essentials"
    listed = client.get("/api/supplier/certificates", **auth).json()
    assert [c["number"] for c in listed] == ["CE-77"]

    # A member of staff reads but cannot remove; another supplier cannot see it at all.
    member = org.memberships.get(user__email="carer@kennet.example").user
    _, member_secret = create_api_token(user=member, name="tests")
    url = f"/api/supplier/certificates/{listed[0]['id']}"
    assert client.delete(url, HTTP_AUTHORIZATION=f"Bearer {member_secret}").status_code == 403
    _other, other_admin = testing.supplier_with_user()
    _, other_secret = create_api_token(user=other_admin, name="tests")
    assert client.delete(url, HTTP_AUTHORIZATION=f"Bearer {other_secret}").status_code == 404
    assert client.delete(url, **auth).status_code == 204
    assert not org.certificates.exists()
