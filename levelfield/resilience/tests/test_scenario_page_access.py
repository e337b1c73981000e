"""The failure scenario pages for keyboard and screen reader users: Enter in a field of the new
scenario form saves (the form's first submit button is Save), the map tells its lines apart by
pattern as well as colour, and a supplier that relies on a shared subcontractor only through its
living will says so instead of an empty bracket."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from levelfield.accounts.models import Role
from levelfield.core import clock
from levelfield.resilience import actions, actions_scenarios
from levelfield.resilience.models import LivingWill
from tests.support import testing

from .test_scenario_pages import AS_OF, team, world  # noqa: F401

pytestmark = pytest.mark.django_db


def test_enter_in_a_field_saves_rather_than_searching(client, team):  # noqa: F811
    url = reverse("resilience:scenario_new")
    page = client.get(url).content.decode()
    form = page[page.index(f'action="{url}"') :]
    first = re.search(r"<button[^>]*>", form).group(0)
    assert 'value="save"' in first
    assert 'value="search"' in form  # searching without JavaScript still works


def submit(supplier, admin, content):
    will = LivingWill.objects.filter(supplier=supplier).first() or actions.start_living_will(
        supplier=supplier, by=admin
    )
    actions.edit_living_will(
        will=will,
        by=admin,
        content=content,
        owner=admin,
        review_date=clock.today_uk() + timedelta(days=365),
    )
    actions.submit_living_will(will=will, by=admin)


def test_the_map_key_and_a_subcontractor_named_only_in_a_will(client, world, team):  # noqa: F811
    albion_will = LivingWill.objects.get(supplier=world["albion"])
    dependency = [{"name": "Kitchen Fitters", "kind": "subcontractor", "services": []}]
    submit(
        world["albion"],
        world["albion_admin"],
        {**albion_will.latest_version().content, "dependencies": dependency},
    )
    other_admin = testing.member(world["other"], Role.SUPPLIER_ADMIN)
    submit(world["other"], other_admin, {"dependencies": dependency})
    scenario = actions_scenarios.create_scenario(
        name="Albion fails", supplier_ids=[world["albion"].pk], as_of=AS_OF, by=team
    )
    page = client.get(reverse("resilience:scenario", args=[scenario.pk])).content.decode()
    assert "Other Care Ltd (named in its living will)" in page
    assert "Other Care Ltd ()" not in page
    # the two lines once told apart by colour alone: one now has a dash pattern, as the key says
    # (the style sheet is a file: the Content-Security-Policy refuses styles in the page)
    assert "edge-serves" in page
    stylesheet = Path(finders.find("build/application.css")).read_text()
    assert re.search(r"\.edge-serves ?\{[^}]*stroke-dasharray", stylesheet)
    assert "solid blue" not in page and "blue dash-dot lines" in page
