"""The resilience app's API: each concern's module lists its routers with where they go."""

from . import api_concentration, api_financial, api_scenarios, api_wills

MODULES = (api_wills, api_scenarios, api_concentration, api_financial)
