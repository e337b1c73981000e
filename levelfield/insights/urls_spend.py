"""Pages: spend (filled in by its concern)."""

urlpatterns = []
