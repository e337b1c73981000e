"""The insights' API: each concern's module lists its routers with where they go."""

from . import api_measures, api_spend

MODULES = (api_measures, api_spend)
