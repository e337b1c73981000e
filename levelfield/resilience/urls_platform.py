"""Pages: the platform admin's (filled in by its concern)."""

urlpatterns = []
