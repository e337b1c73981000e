"""The summary for the contract page's checklist card (one query)."""

from django import template

from levelfield.core import clock

from .. import selectors_checklists

register = template.Library()


@register.simple_tag
def checklist_summary(contract):
    return selectors_checklists.hub_summary(contract, clock.today_uk())
