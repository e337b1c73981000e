"""govuk/field.html lists a choice field's options through the `options` filter: the same
values, labels, selections and ids as Django's own widgets give, without a widget per option."""

import pytest
from django import forms

from levelfield.core.templatetags.govuk import options

CHOICES = [("", "Any"), ("UKC", "North East"), ("UKD", "North West"), ("UKE", "Yorkshire")]
GROUPED = [
    ("", "None"),
    ("North", [("UKC", "North East"), ("UKD", "North West")]),
    ("UKI", "London"),
]


class Filters(forms.Form):
    region = forms.ChoiceField(required=False, choices=CHOICES)
    grouped = forms.ChoiceField(required=False, choices=GROUPED)
    status = forms.ChoiceField(required=False, choices=CHOICES, widget=forms.RadioSelect)
    regions = forms.MultipleChoiceField(
        required=False, choices=CHOICES, widget=forms.CheckboxSelectMultiple
    )
    number = forms.TypedChoiceField(required=False, choices=[(1, "One"), (2, "Two")], coerce=int)


def as_django_gives(field) -> list[tuple]:
    return [
        (str(w.data["value"]), w.choice_label, w.data["selected"], w.id_for_label) for w in field
    ]


def as_filter_gives(field) -> list[tuple]:
    return [(o.value, o.label, o.selected, o.id) for o in options(field)]


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"region": "UKD", "grouped": "UKD", "status": "UKC", "regions": ["UKC", "UKE"]},
        {"region": "", "grouped": "UKI", "status": "nonsense", "regions": ["UKD"], "number": "2"},
    ],
)
@pytest.mark.parametrize("bound", [True, False])
@pytest.mark.parametrize("name", ["region", "grouped", "status", "regions", "number"])
def test_the_options_are_the_ones_django_gives(data, bound, name):
    form = Filters(data) if bound else Filters(initial=data)
    field = form[name]
    assert as_filter_gives(field) == as_django_gives(field)


def test_the_select_marks_what_was_chosen_and_the_radios_number_their_ids():
    form = Filters({"region": "UKD", "status": "UKE"})
    assert [o.value for o in options(form["region"]) if o.selected] == ["UKD"]
    assert [o.id for o in options(form["status"])] == [f"id_status_{i}" for i in range(4)]
