"""Links to the catalogue marketplace where each person looks: the frameworks and the
marketplace's figures for everyone; a supplier's applications and listings; a buyer's catalogue
search and projects; the platform admin's frameworks to run. Used on the dashboards (no query
beyond the role the dashboard has already read)."""

from django import template

from .. import rules

register = template.Library()


@register.inclusion_tag("marketplace/frameworks/_nav.html", takes_context=True)
def marketplace_links(context):
    request = context["request"]
    user = request.user
    organisation = getattr(request, "organisation", None)
    return {
        "signed_in": user.is_authenticated,
        "platform_admin": rules.is_platform_admin(user),
        "supplier": rules.is_supplier_member(user, organisation),
        "buyer": rules.is_buyer_reader(user, organisation),
    }
