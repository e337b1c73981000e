"""The review service's API: each viewer's module lists its routers with where they go."""

from . import api_public, api_raiser, api_respondent, api_team

MODULES = (api_public, api_raiser, api_team, api_respondent)
