"""Pages: team (filled in by its concern)."""

urlpatterns = []
