"""/api/docs runs Swagger UI from this site's own static files. It ran the CDN's current
swagger-ui-dist@5 (no pinned version, no integrity check) on the platform's own origin, where a
signed-in person's session works: whoever serves that script could act as them. Offline, as on a
council's closed network, the page was empty."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_the_api_docs_load_nothing_from_another_site(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    page = response.content.decode()
    addresses = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert any(address.endswith("swagger-ui-bundle.js") for address in addresses)
    assert [a for a in addresses if not a.startswith("/")] == []
    assert "/api/openapi.json" in page
