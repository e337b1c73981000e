"""The social value models are data with versions: PPN 06/20's and PPN 002's ship with
levelfield; the one a procurement follows is chosen by its commencement date and kept for life."""

import json
from datetime import UTC, date, datetime
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from levelfield.accounts.actions import create_api_token
from levelfield.core import clock
from levelfield.core.errors import DomainError, InvalidTransition, RuleFailed
from levelfield.socialvalue import actions, loader, selectors
from levelfield.socialvalue.models import (
    PolicyOutcome,
    ReportingMetric,
    SocialValueModel,
    SubCriterion,
    TenderSocialValue,
)
from levelfield.tenders import actions as tender_actions
from tests.support import testing

from .conftest import adopt

pytestmark = pytest.mark.django_db


def codes(models) -> list[str]:
    return [m.code for m in models]


def test_both_central_government_models_ship_as_data():
    ppn0620 = SocialValueModel.objects.get(code="PPN-06-20")
    ppn002 = SocialValueModel.objects.get(code="PPN-002")
    assert (ppn0620.valid_from, ppn0620.valid_to) == (date(2021, 1, 1), date(2025, 9, 30))
    assert (ppn002.valid_from, ppn002.valid_to) == (date(2025, 2, 24), None)
    assert ppn002.mandatory_from == date(2025, 10, 1)
    # themes -> policy outcomes -> model award criteria -> sub-criteria and reporting metrics
    assert ppn0620.themes.count() == 5
    assert PolicyOutcome.objects.filter(theme__model=ppn0620).count() == 8
    for model in (ppn0620, ppn002):
        for outcome in PolicyOutcome.objects.filter(theme__model=model):
            for criterion in outcome.criteria.all():
                assert criterion.sub_criteria.exists() and criterion.metrics.exists()
                assert all(m.unit for m in criterion.metrics.all())
        assert "own words" in model.source
    assert SubCriterion.objects.exists() and ReportingMetric.objects.exists()


@pytest.mark.parametrize(
    "day, default, applicable",
    [
        (date(2020, 12, 31), None, []),
        (date(2021, 1, 1), "PPN-06-20", ["PPN-06-20"]),
        # PPN 002 from 24 February 2025; PPN 06/20's model may still be used until it is
        # mandatory.
        (date(2025, 2, 23), "PPN-06-20", ["PPN-06-20"]),
        (date(2025, 2, 24), "PPN-002", ["PPN-002", "PPN-06-20"]),
        # ... and across the 1 October 2025 boundary only PPN 002's applies.
        (date(2025, 9, 30), "PPN-002", ["PPN-002", "PPN-06-20"]),
        (date(2025, 10, 1), "PPN-002", ["PPN-002"]),
        (date(2030, 1, 1), "PPN-002", ["PPN-002"]),
    ],
)
def test_the_model_is_chosen_by_commencement_date(day, default, applicable):
    chosen = selectors.model_for(day)
    assert (chosen.code if chosen else None) == default
    assert codes(selectors.models_on(day)) == applicable


def uk_noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 11, 0, tzinfo=UTC)


def test_a_buyer_may_follow_ppn_06_20_until_30_september_2025_but_not_from_1_october(
    buyer, officer
):
    with clock.frozen_at(uk_noon(date(2025, 9, 30))):
        tender = testing.draft_tender(buyer=buyer, by=officer)
        old = SocialValueModel.objects.get(code="PPN-06-20")
        link = actions.choose_outcomes(
            lot=tender.lots.get(),
            by=officer,
            outcomes=list(PolicyOutcome.objects.filter(theme__model=old)[:1]),
            model=old,
        )
        assert link.model == old and link.chosen_on == date(2025, 9, 30)
    with clock.frozen_at(uk_noon(date(2025, 10, 1))):
        later = testing.draft_tender(buyer=buyer, by=officer)
        with pytest.raises(RuleFailed) as refused:
            actions.choose_outcomes(
                lot=later.lots.get(),
                by=officer,
                outcomes=list(PolicyOutcome.objects.filter(theme__model=old)[:1]),
                model=old,
            )
        assert refused.value.code == "model_not_in_force"
        assert not TenderSocialValue.objects.filter(tender=later).exists()
        # By default a tender drafted on 1 October 2025 follows PPN 002.
        link = actions.choose_outcomes(
            lot=later.lots.get(),
            by=officer,
            outcomes=list(PolicyOutcome.objects.filter(theme__model__code="PPN-002")[:1]),
        )
        assert link.model.code == "PPN-002"


def test_on_23_february_2025_the_default_is_still_ppn_06_20(buyer, officer):
    with clock.frozen_at(uk_noon(date(2025, 2, 23))):
        tender = testing.draft_tender(buyer=buyer, by=officer)
        model = selectors.model_for(clock.today_uk())
        link = actions.choose_outcomes(
            lot=tender.lots.get(),
            by=officer,
            outcomes=list(PolicyOutcome.objects.filter(theme__model=model)[:1]),
        )
    assert link.model.code == "PPN-06-20"


def newer_ppn002(version: str = "2") -> bytes:
    data = json.loads((loader.DATA_DIR / "ppn-002.json").read_bytes())
    data["version"] = version
    data["themes"][0]["outcomes"][0]["text"] = "More jobs and better skills (revised wording)"
    return json.dumps(data).encode()


def test_a_procurement_keeps_its_model_version_after_a_newer_one_is_loaded(buyer, officer):
    tender = testing.draft_tender(
        buyer=buyer, by=officer, questions=(("quality", 50),), price_weight=40
    )
    lot = tender.lots.get()
    first = selectors.model_for(clock.today_uk())
    actions.choose_outcomes(
        lot=lot, by=officer, outcomes=list(PolicyOutcome.objects.filter(theme__model=first)[:1])
    )

    newer, created = actions.load_model(raw=newer_ppn002())
    assert created and newer.version == "2"
    # New procurements get the newer version ...
    assert selectors.model_for(clock.today_uk()) == newer
    assert codes(selectors.models_on(clock.today_uk())) == ["PPN-002"]
    # ... this one keeps the version it started with, in its proposals too.
    assert selectors.link_of(tender).model == first
    [question] = adopt(lot, officer)
    assert question.social_value_source.outcome.theme.model == first
    assert "revised wording" not in question.text
    with pytest.raises(InvalidTransition):
        actions.choose_outcomes(
            lot=lot,
            by=officer,
            outcomes=list(PolicyOutcome.objects.filter(theme__model=newer)[:1]),
            model=newer,
        )
    # Outcomes of another model version are refused.
    with pytest.raises(DomainError):
        actions.choose_outcomes(
            lot=lot,
            by=officer,
            outcomes=list(PolicyOutcome.objects.filter(theme__model=newer)[:1]),
        )
    assert selectors.link_of(tender).model == first


def test_loading_is_idempotent_and_a_loaded_version_cannot_change():
    before = SocialValueModel.objects.count()
    results = actions.load_shipped_models()
    assert [created for _, created in results] == [False, False]
    assert SocialValueModel.objects.count() == before
    data = json.loads((loader.DATA_DIR / "ppn-002.json").read_bytes())
    data["title"] = "Changed without a new version"
    with pytest.raises(DomainError) as refused:
        actions.load_model(raw=json.dumps(data).encode())
    assert refused.value.code == "model_version_taken"


def test_a_broken_model_file_names_each_problem_and_loads_nothing():
    data = json.loads((loader.DATA_DIR / "ppn-002.json").read_bytes())
    data["version"] = "9"
    data["valid_from"] = "24/02/2025"
    data["policy_code"] = "PPN-999"
    data["themes"][0]["outcomes"][0]["criteria"][0]["metrics"][0]["unit"] = ""
    data["themes"][1]["code"] = data["themes"][0]["code"]
    before = SocialValueModel.objects.count()
    with pytest.raises(DomainError) as refused:
        actions.load_model(raw=json.dumps(data).encode())
    problems = "\n".join(refused.value.details)
    assert "model valid_from: '24/02/2025' is not a date" in problems
    assert "PPN-999" in problems
    assert "reporting metric G1-M1: unit is missing" in problems
    assert "theme G: the code is used twice" in problems
    assert SocialValueModel.objects.count() == before


def test_the_management_command_loads_the_shipped_models_or_a_file(tmp_path):
    out = StringIO()
    call_command("load_social_value_models", stdout=out)
    assert "Already loaded: Social value model under PPN 002" in out.getvalue()
    path = tmp_path / "model.json"
    path.write_bytes(newer_ppn002("3"))
    call_command("load_social_value_models", str(path), stdout=out)
    assert "Loaded: Social value model under PPN 002 (version 3)" in out.getvalue()


def test_a_platform_admin_loads_a_model_file_in_the_admin_and_cannot_edit_one_in_use(
    client, buyer, officer
):
    admin = testing.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    url = reverse("admin:socialvalue_socialvaluemodel_load")
    response = client.post(
        url, {"file": SimpleUploadedFile("model.json", newer_ppn002("4"), "application/json")}
    )
    model = SocialValueModel.objects.get(code="PPN-002", version="4")
    assert response.status_code == 302
    change = reverse("admin:socialvalue_socialvaluemodel_change", args=[model.pk])
    assert client.get(change).status_code == 200
    # Once a procurement follows it, the model is read-only.
    tender = testing.draft_tender(buyer=buyer, by=officer)
    actions.choose_outcomes(
        lot=tender.lots.get(),
        by=officer,
        outcomes=list(PolicyOutcome.objects.filter(theme__model=model)[:1]),
    )
    assert TenderSocialValue.objects.get(tender=tender).model == model
    page = client.get(change)
    assert page.status_code == 200
    assert b'name="title"' not in page.content
    # Someone who is not a platform admin cannot load models.
    with pytest.raises(DomainError):
        actions.load_model(raw=newer_ppn002("5"), by=officer)


def test_the_api_says_which_models_apply_on_a_date(client):
    body = client.get("/api/social-value/models/on-date", {"date": "2025-09-30"}).json()
    assert body["default"]["code"] == "PPN-002"
    assert [m["code"] for m in body["applicable"]] == ["PPN-002", "PPN-06-20"]
    body = client.get("/api/social-value/models/on-date", {"date": "2025-10-01"}).json()
    assert [m["code"] for m in body["applicable"]] == ["PPN-002"]
    model = SocialValueModel.objects.get(code="PPN-06-20")
    tree = client.get(f"/api/social-value/models/{model.pk}").json()
    assert len(tree["themes"]) == 5
    assert tree["themes"][1]["outcomes"][0]["criteria"][0]["metrics"][0]["unit"]


def test_a_draft_commences_when_published_so_ppn_06_20_chosen_on_30_september_cannot_publish_on_1_october(  # noqa: E501
    client, buyer, officer
):
    """The model is chosen by the commencement date, and a draft commences when it is
    published: PPN 06/20's model picked on 30 September 2025 stops the draft being published on
    1 October 2025 (page, API and publish action say so), until the buyer removes the questions
    taken from it and chooses again from PPN 002's."""
    old = SocialValueModel.objects.get(code="PPN-06-20")
    with clock.frozen_at(uk_noon(date(2025, 9, 30))):
        tender = testing.draft_tender(
            buyer=buyer, by=officer, price_weight=40, questions=(("quality", 50),)
        )
        lot = tender.lots.get()
        actions.choose_outcomes(
            lot=lot,
            by=officer,
            outcomes=list(PolicyOutcome.objects.filter(theme__model=old)[:1]),
            model=old,
        )
        adopt(lot, officer)
        # The weight rule follows the model version: PPN 06/20's, although PPN 002 is in force.
        assert selectors.policy_for_tender(tender).code == "PPN-06-20"
        assert tender_actions.publication_problems(tender) == []
    with clock.frozen_at(uk_noon(date(2025, 10, 1))):
        problems = tender_actions.publication_problems(tender)
        assert len(problems) == 1
        assert "does not apply to a procurement commencing on 1 October 2025" in problems[0]
        with pytest.raises(RuleFailed) as refused:
            tender_actions.publish_tender(tender=tender, by=officer)
        assert refused.value.details == problems
        _, secret = create_api_token(user=officer, name="boundary")
        body = client.get(
            f"/api/buyer/tenders/{tender.pk}", HTTP_AUTHORIZATION=f"Bearer {secret}"
        ).json()
        assert body["publication_problems"] == problems
        client.force_login(officer)
        page = client.get(reverse("socialvalue:lot", args=[tender.pk, lot.pk])).content.decode()
        assert "no longer applies to a procurement commencing today" in page
        # Choosing again is refused while questions from the old model remain ...
        with pytest.raises(InvalidTransition) as kept:
            actions.choose_outcomes(
                lot=lot,
                by=officer,
                outcomes=list(PolicyOutcome.objects.filter(theme__model__code="PPN-002")[:1]),
            )
        assert kept.value.code == "model_lapsed"
        # ... and once they are removed, the draft follows PPN 002's model and publishes.
        for question in lot.questions.filter(kind="social_value"):
            tender_actions.remove_question(question=question, by=officer)
        outcomes_url = reverse("socialvalue:outcomes", args=[tender.pk, lot.pk])
        assert "no longer applies" in client.get(outcomes_url).content.decode()
        new = PolicyOutcome.objects.filter(theme__model__code="PPN-002").first()
        response = client.post(
            outcomes_url, {"outcomes": [new.pk], "framework": "", "reporting_months": "3"}
        )
        assert response.status_code == 302, response.content.decode()
        assert selectors.link_of(tender).model.code == "PPN-002"
        adopt(lot, officer)
        published = tender_actions.publish_tender(tender=tender, by=officer)
    assert published.policy_version == "PPN-002"


def test_a_tender_published_with_ppn_06_20_in_the_overlap_is_judged_by_ppn_06_20(buyer, officer):
    old = SocialValueModel.objects.get(code="PPN-06-20")
    with clock.frozen_at(uk_noon(date(2025, 6, 2))):
        tender = testing.draft_tender(
            buyer=buyer, by=officer, price_weight=40, questions=(("quality", 50),)
        )
        lot = tender.lots.get()
        actions.choose_outcomes(
            lot=lot,
            by=officer,
            outcomes=list(PolicyOutcome.objects.filter(theme__model=old)[:1]),
            model=old,
        )
        adopt(lot, officer)
        published = tender_actions.publish_tender(tender=tender, by=officer)
    assert published.policy_version == "PPN-06-20"
    # Published, it keeps its model and its rule after 1 October 2025.
    with clock.frozen_at(uk_noon(date(2025, 11, 3))):
        assert selectors.link_of(published).model == old
        assert selectors.policy_for_tender(published).code == "PPN-06-20"


def admin_form_data(page, **changes) -> dict:
    """What the admin change page would post back unchanged, with `changes` to its main form."""
    data = {}

    def put(form, name, value):
        if value is None or value is False:
            return
        data[form.add_prefix(name)] = value.isoformat() if isinstance(value, date) else value

    form = page.context["adminform"].form
    for name in form.fields:
        put(form, name, form[name].value())
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        for name, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = value
        for item in formset.forms:
            for name in item.fields:
                put(item, name, item[name].value())
    data.update(changes)
    return data


def test_a_platform_admin_edits_a_model_no_procurement_follows_and_the_edit_is_audited(
    client, buyer, officer
):
    from levelfield.core.models import AuditEvent

    model, _ = actions.load_model(raw=newer_ppn002("6"))
    outcome = PolicyOutcome.objects.filter(theme__model=model).first()
    admin = testing.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    url = reverse("admin:socialvalue_policyoutcome_change", args=[outcome.pk])
    page = client.get(url)
    assert page.status_code == 200 and b'name="text"' in page.content
    response = client.post(url, admin_form_data(page, text="Better jobs, in our words"))
    assert response.status_code == 302, (
        response.context["adminform"].form.errors,
        [f.errors for i in response.context["inline_admin_formsets"] for f in i.formset.forms],
        [i.formset.non_form_errors() for i in response.context["inline_admin_formsets"]],
    )
    outcome.refresh_from_db()
    assert outcome.text == "Better jobs, in our words"
    event = AuditEvent.objects.get(action="socialvalue.model_edited")
    assert (event.object_id, event.actor, event.data["fields"]) == (str(model.pk), admin, ["text"])
    # Edited, the model is no longer the file it came from: that file cannot be loaded over it.
    with pytest.raises(DomainError):
        actions.load_model(raw=newer_ppn002("6"))
    # Once a procurement follows the model, an edit posted from a page opened before is refused.
    tender = testing.draft_tender(buyer=buyer, by=officer)
    page = client.get(url)
    actions.choose_outcomes(lot=tender.lots.get(), by=officer, outcomes=[outcome], model=model)
    response = client.post(url, admin_form_data(page, text="Changed under a procurement"))
    assert response.status_code == 403
    outcome.refresh_from_db()
    assert outcome.text == "Better jobs, in our words"
