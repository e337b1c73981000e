"""Summaries for the contract page's KPI, performance and outcome cards (each a query or
two), so that the page's own view need not know about them."""

from django import template

from .. import selectors_kpis

register = template.Library()


@register.simple_tag
def kpi_summary(contract):
    return selectors_kpis.kpi_summary(contract)


@register.simple_tag
def assessment_summary(contract):
    return selectors_kpis.assessment_summary(contract)


@register.simple_tag
def outcome_summary(contract):
    return selectors_kpis.outcome_summary(contract)


@register.simple_tag
def priced_outcomes(contract):
    return selectors_kpis.priced_outcomes(contract)


@register.filter
def quantity(value) -> str:
    """A count without trailing zeros: 8398.00 is 8,398; 2.50 is 2.5."""
    if value is None:
        return ""
    text = f"{value.normalize():,f}" if hasattr(value, "normalize") else f"{value:,}"
    return text
