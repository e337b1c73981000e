"""The tender template helpers say the same as the pages said before them, in less time."""

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.urls import clear_script_prefix, reverse, set_script_prefix

from levelfield.core import clock
from levelfield.tenders.lifecycle import Status
from levelfield.tenders.models import Tender
from levelfield.tenders.templatetags.tenders import (
    days_left_note,
    opportunity_path,
    status_tag,
    suitable_for,
)


@pytest.mark.parametrize(
    "reference", ["LF-2026-00001", "lf 2026 7", "Ünïcödé-1", "a&b=c?d#e", "100%", "REFERENCE"]
)
def test_the_opportunity_path_is_the_one_reverse_makes(reference):
    assert opportunity_path(reference) == reverse("public:opportunity", args=[reference])
    try:
        set_script_prefix("/procurement/")
        assert opportunity_path("LF-1") == reverse("public:opportunity", args=["LF-1"])
        assert opportunity_path("LF-1").startswith("/procurement/")
    finally:
        clear_script_prefix()


def _tender(**fields) -> Tender:
    return Tender(title="Home care", **fields)


@pytest.mark.parametrize(
    ("fields", "status", "colour"),
    [
        ({"status": Status.DRAFT}, "Draft", "govuk-tag--grey"),
        ({"status": Status.PUBLISHED, "submission_deadline": None}, "Open", "govuk-tag--green"),
        ({"status": Status.CANCELLED}, "Cancelled", "govuk-tag--red"),
    ],
)
def test_each_status_has_its_colour(fields, status, colour):
    html = status_tag(_tender(**fields))
    assert html == f'<strong class="govuk-tag {colour}">{status}</strong>'


def test_a_published_tender_past_its_deadline_shows_closed_in_orange():
    past = clock.now() - timedelta(minutes=1)
    html = status_tag(_tender(status=Status.PUBLISHED, submission_deadline=past))
    assert html == '<strong class="govuk-tag govuk-tag--orange">Closed</strong>'


def test_days_left():
    now = clock.now()
    with clock.frozen_at(now):
        assert days_left_note(_tender(submission_deadline=None)) == ""
        assert days_left_note(_tender(submission_deadline=now - timedelta(hours=1))) == ""
        assert days_left_note(_tender(submission_deadline=now + timedelta(hours=23))) == (
            "closes within a day"
        )
        assert days_left_note(_tender(submission_deadline=now + timedelta(hours=25))) == (
            "1 day left"
        )
        assert days_left_note(_tender(submission_deadline=now + timedelta(days=12, hours=1))) == (
            "12 days left"
        )


@pytest.mark.parametrize(
    ("sme", "vcse", "text"),
    [
        (True, True, "SMEs and VCSEs"),
        (True, False, "SMEs"),
        (False, True, "VCSEs"),
        (False, False, "Not marked as suitable for SMEs or VCSEs"),
    ],
)
def test_suitable_for(sme, vcse, text):
    assert suitable_for(_tender(suitable_for_sme=sme, suitable_for_vcse=vcse)) == text


def test_the_status_tag_is_html_in_a_template_not_escaped_text():
    template = Template("{% load tenders %}{% status_tag tender %}")
    tender = _tender(status=Status.PUBLISHED, submission_deadline=None)
    rendered = template.render(Context({"tender": tender}))
    assert rendered == '<strong class="govuk-tag govuk-tag--green">Open</strong>'
