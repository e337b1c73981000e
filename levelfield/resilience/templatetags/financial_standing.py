"""Template filters of the financial standing pages."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def figure(value, unit: str = "") -> str:
    """A reading or threshold as a person would write it, with its indicator's unit:
    £1,250,000, -3.5% a year, 35 points; not 1250000.0000 £."""
    if value is None or value == "":
        return ""
    value = Decimal(value)
    sign = "-" if value < 0 else ""
    digits = format(abs(value).normalize(), ",f")
    unit = (unit or "").strip()
    if unit == "£":
        return f"{sign}£{digits}"
    if unit.startswith("%"):
        return f"{sign}{digits}{unit}"
    return f"{sign}{digits} {unit}" if unit else f"{sign}{digits}"
