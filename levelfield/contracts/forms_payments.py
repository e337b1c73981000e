"""Forms for invoices and payments. They parse what was typed; the actions in
`actions/payments.py` decide, and their refusals are shown on the form."""

from django import forms

from levelfield.core.forms import PoundsField, TypedDateField

from .models import InvoiceStatus


def date_field(label: str, *, required: bool = True, noun: str) -> forms.DateField:
    return TypedDateField(label=label, required=required, noun=f"the {noun}")


class InvoiceForm(forms.Form):
    reference = forms.CharField(
        label="Invoice reference",
        max_length=100,
        error_messages={
            "required": "Enter the invoice reference",
            "max_length": "The invoice reference must be 100 characters or fewer",
        },
    )
    received_on = date_field("Date received", noun="date received")
    amount = PoundsField(label="Amount (£)", noun="the amount", example="1250.00")
    status = forms.ChoiceField(
        label="Status",
        choices=InvoiceStatus.choices,
        initial=InvoiceStatus.VALID,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the invoice is valid or disputed"},
    )
    dispute_reason = forms.CharField(
        label="Why it is disputed",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only for a disputed invoice. The supplier sees this.",
    )
    paid_on = date_field("Date paid (if paid)", required=False, noun="date paid")


class CorrectInvoiceForm(forms.Form):
    reference = InvoiceForm.base_fields["reference"]
    received_on = InvoiceForm.base_fields["received_on"]
    amount = InvoiceForm.base_fields["amount"]
    paid_on = InvoiceForm.base_fields["paid_on"]


class PaidForm(forms.Form):
    paid_on = date_field(
        "Date paid", noun="date paid"
    )  # the day the supplier received the money (reg. 38(4))


class DisputeForm(forms.Form):
    reason = forms.CharField(
        label="Why is the invoice disputed?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The supplier sees this on its contract's invoices page.",
        error_messages={"required": "Say why the invoice is disputed"},
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file of invoices",
        help_text=(
            "A header row, then one invoice a row: contract reference, invoice reference, "
            "received date, amount, status, dispute reason, paid date. Dates as 31/03/2026 "
            "or 2026-03-31."
        ),
        error_messages={"required": "Choose a CSV file to import"},
    )
