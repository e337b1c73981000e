"""Links to the review service where each person looks: the review team's cases, the
requests to one's organisation, one's own concerns and raising one, and the published
outcomes. Used on the dashboards and the account page (two queries: the dashboards count
theirs)."""

from django import template

from .. import rules

register = template.Library()


@register.inclusion_tag("reviews/_nav.html", takes_context=True)
def review_links(context):
    user = context["request"].user
    if not user.is_authenticated:
        return {"signed_in": False}
    return {
        "signed_in": True,
        "team": rules.is_review_team(user),
        "respondent": rules.respondent_organisations(user).exists(),
    }
