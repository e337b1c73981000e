"""The one date field of the pages that take a date typed in one box (payments, financial
readings, concentration risk, failure scenarios) reads the same forms everywhere, and the one
working-day deadline rule serves a standstill period and a financial breach alike."""

from datetime import date, datetime

import pytest

from levelfield.contracts.forms_payments import date_field
from levelfield.core.clock import UK
from levelfield.core.forms import TypedDateField
from levelfield.core.workingdays import end_of_working_days_after, standstill_end
from levelfield.resilience.actions_financial import breach_due_at
from levelfield.resilience.forms_concentration import ConcentrationForm
from levelfield.resilience.forms_financial import ReadingForm


@pytest.mark.parametrize(
    "typed", ["27/3/2026", "2026-03-27", "27-3-2026", "27.3.2026", "27 3 2026", " 27  March 2026 "]
)
def test_every_date_field_reads_every_form_of_a_date(typed):
    for field in (
        TypedDateField(label="Date", noun="the date"),
        date_field("Date paid", noun="date paid"),
        ReadingForm.base_fields["as_of"],
        ConcentrationForm.base_fields["as_of"],
    ):
        assert field.clean(typed) == date(2026, 3, 27)


def test_a_date_field_says_what_to_correct():
    field = date_field("Date paid", noun="date paid")
    with pytest.raises(Exception) as refused:
        field.clean("31/2/2026")
    assert "Enter the date paid as a real date, like 27/3/2026" in str(refused.value)


def test_standstill_and_breach_deadlines_are_one_rule():
    friday = datetime(2026, 3, 27, 16, tzinfo=UK)
    assert end_of_working_days_after(friday, 2) == datetime(2026, 4, 1, tzinfo=UK)
    assert breach_due_at(friday) == end_of_working_days_after(friday, 2)
    assert standstill_end(friday, 8) == end_of_working_days_after(friday, 8)
