"""Pages: financial (filled in by its concern)."""

urlpatterns = []
