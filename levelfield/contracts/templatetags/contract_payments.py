"""The invoice counts the contract page's payments card shows (one aggregate query)."""

from django import template

from levelfield.core import clock

from .. import selectors_payments

register = template.Library()


@register.simple_tag
def invoice_counts(contract) -> dict:
    return selectors_payments.counts_for_contract(contract, clock.today_uk())
