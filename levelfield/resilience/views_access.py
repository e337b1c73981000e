"""Who may open the resilience team's pages: the team (`rules.is_resilience_team`, the one
predicate every page, API call and action of the team's asks). Anyone else gets 404: they may not
even know the page exists. A platform admin (a superuser) not given the role is refused too."""

from django.http import Http404

from .rules import is_resilience_team


def team_only(request) -> None:
    """404 for anyone not on the resilience team (signed in, but not given the role)."""
    if not is_resilience_team(request.user):
        raise Http404("No such page")
