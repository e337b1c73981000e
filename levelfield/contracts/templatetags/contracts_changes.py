"""The summary for the contract page's changes card (one query)."""

from django import template

from .. import selectors_changes

register = template.Library()


@register.simple_tag
def changes_summary(contract):
    return selectors_changes.hub_summary(contract)
