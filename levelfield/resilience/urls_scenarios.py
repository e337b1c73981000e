"""Pages: scenarios (filled in by its concern)."""

urlpatterns = []
