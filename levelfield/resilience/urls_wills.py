"""Pages: living wills (filled in by its concern)."""

supplier_patterns = []
urlpatterns = []
