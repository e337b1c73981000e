"""The marketplace's pages (/marketplace/), one module per part: frameworks and applications,
a supplier's listings, buying from the catalogue (search, projects, shortlists, outcomes), and
the reports."""

from . import urls_buying, urls_frameworks, urls_listings, urls_reports

app_name = "marketplace"

urlpatterns = [
    *urls_frameworks.urlpatterns,
    *urls_listings.urlpatterns,
    *urls_buying.urlpatterns,
    *urls_reports.urlpatterns,
]
