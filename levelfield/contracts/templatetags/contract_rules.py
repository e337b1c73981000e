"""Figures from the rules kept as versioned data (`kpi_rules`), for pages and
help texts that state them, so that no page repeats a figure of its own."""

from decimal import Decimal

from django import template

from levelfield.core import clock

from .. import kpi_rules

register = template.Library()

MILLION = Decimal(1_000_000)


@register.filter
def pounds_words(amount) -> str:
    """An amount as people say it in the Act: £5 million, £2.5 million, £138,760."""
    amount = Decimal(amount)
    if amount >= MILLION:
        millions = (amount / MILLION).normalize()
        if millions == millions.quantize(Decimal("0.01")):
            return f"£{millions:f} million"
    if amount == amount.to_integral_value():
        return f"£{amount:,.0f}"
    return f"£{amount:,.2f}"


@register.simple_tag
def s52_threshold(contract=None) -> str:
    """s.52's threshold: the version a contract is judged by, or today's without one."""
    rules = (
        kpi_rules.rules_for_contract(contract)
        if contract is not None
        else kpi_rules.rules_for(clock.today_uk())
    )
    return pounds_words(rules.threshold)
