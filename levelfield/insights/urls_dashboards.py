"""Pages: dashboards (filled in by its concern)."""

urlpatterns = []
