"""The marketplace's API: each part's module lists its routers with where they go."""

from . import api_buying, api_frameworks, api_listings, api_reports

MODULES = (api_frameworks, api_listings, api_buying, api_reports)
