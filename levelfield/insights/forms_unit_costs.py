"""A buyer's unit cost: the need (a CPV division, words in the titles, or both), the unit and
the cost of one. The rule is the model's (models_unit_costs.validate), checked once here too
so the page can say what to correct by the field."""

from django import forms

from .models_unit_costs import validate


class UnitCostForm(forms.Form):
    cpv_division = forms.CharField(
        label="CPV division (optional)",
        help_text="The first two digits of the CPV code, like 45 for construction work",
        required=False,
        max_length=2,
    )
    label = forms.CharField(
        label="Words in the contracts' titles (optional)",
        help_text="Like pothole: a cost for these words is taken before one for the division",
        required=False,
        max_length=200,
    )
    unit = forms.CharField(
        label="Unit", help_text="In the plural, like pothole repairs", max_length=100
    )
    cost_per_unit = forms.DecimalField(
        label="Cost of one unit, in pounds",
        max_digits=14,
        decimal_places=2,
        error_messages={
            "invalid": "Enter the cost as a number of pounds, like 133.33",
            "max_decimal_places": "Enter the cost in pounds and pence, like 133.33",
            "max_digits": "Enter a cost of less than £1,000,000,000,000",
            "max_whole_digits": "Enter a cost of less than £1,000,000,000,000",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].error_messages["required"] = "Enter the unit, like pothole repairs"
        self.fields["cost_per_unit"].error_messages["required"] = (
            "Enter the cost of one unit in pounds"
        )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        problems = validate(
            buyer_id="known",  # the buyer is the organisation acting, not typed
            cpv_division=data.get("cpv_division", "").strip(),
            label=data.get("label", "").strip(),
            unit=data.get("unit", "").strip(),
            cost_per_unit=data.get("cost_per_unit"),
        )
        for name, problem in problems.items():
            self.add_error(name if name in self.fields else None, problem)
        return data
