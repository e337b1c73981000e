import pytest
from django.db import connection


@pytest.fixture
def postgres_only():
    """Skips a test of PostgreSQL's full-text search where the tests run on SQLite."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "relevance ranking and stemming need PostgreSQL full-text search: run with "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/levelfield .venv/bin/pytest "
            "levelfield/tenders/tests"
        )
