"""Who may call the resilience team's API: the team (`rules.require_team`). Anyone else, a
platform admin not given the role included, is refused 403 `forbidden` with `message`."""

from .rules import require_team


def team_only(request, message: str = "This part of the API is for the resilience team") -> None:
    require_team(request.user, message)
