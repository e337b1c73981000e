"""A buyer amends a published tender in Chromium, checked by axe-core: the Amend page refuses
an amendment without a reason or confirmation at the fields, then publishes one; the tender
page and the public opportunity show it."""

import pytest
from django.urls import reverse

from levelfield.tenders import actions as tender_actions
from tests.support import testing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_buyer_replaces_the_specification_and_everyone_sees_both_versions(
    live_server, browser_context, axe, tmp_path
):
    base = live_server.url
    council = testing.buyer_org("Wessex County Council")
    officer = testing.member(council, "buyer_officer")
    tender = testing.published_tender(buyer=council, by=officer)
    tender_actions.add_document(
        tender=tender,
        by=officer,
        title="Specification",
        doc_type="specification",
        upload=testing.pdf("spec.pdf"),
    )
    new_version = tmp_path / "spec-v2.pdf"
    new_version.write_bytes(b"%PDF-1.4 version two")

    page = browser_context.new_page()
    page.goto(f"{base}{reverse('accounts:login')}")
    page.get_by_label("Email address").fill(officer.email)
    page.get_by_label("Password").fill(testing.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    page.goto(f"{base}{reverse('tenders:detail', args=[tender.pk])}")
    page.get_by_role("link", name="Amend this tender").click()
    axe.check(page)

    page.get_by_role("button", name="Publish the amendment").click()
    axe.check(page)
    assert "Say why the tender is being amended" in page.content()
    assert "Confirm that you want to publish the amendment" in page.content()

    page.get_by_label("Replace with a new version").check()
    page.get_by_label("New version of “Specification”").set_input_files(str(new_version))
    page.get_by_label("Why are you amending this tender?").fill("The map of localities changed.")
    page.get_by_label("I understand that the amendment is published").check()
    page.get_by_role("button", name="Publish the amendment").click()
    page.wait_for_load_state()
    axe.check(page)
    assert "Amendment 1 is published" in page.content()

    page.goto(f"{base}{reverse('public:opportunity', args=[tender.reference])}")
    axe.check(page)
    text = page.content()
    assert "Version 1, replaced" in text and "Version 2, current" in text
    assert "The map of localities changed." in text
    assert axe.violations == []
