"""The catalogue search on PostgreSQL (marketplace/search.py): a GIN index on the listings'
search documents, and the documents written for listings that already exist. Nothing happens on
SQLite, which matches words in search_text.

The facets need no index of their own: their counts are one grouped pass over the listings the
words and the price range leave (search.py), and the price range and the lot are already
indexed with the status (models.Listing.Meta.indexes)."""

from django.db import migrations

INDEX = "marketplace_listing_search_gin"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON marketplace_listing USING gin (search_vector)"
    )
    # The same document as marketplace.indexing.search_document().
    schema_editor.execute(
        "UPDATE marketplace_listing SET search_vector = "
        "setweight(to_tsvector('english'::regconfig, coalesce(name, '')), 'A') || "
        "setweight(to_tsvector('english'::regconfig, coalesce(summary, '') || ' ' || "
        "coalesce(category, '')), 'B') || "
        "setweight(to_tsvector('english'::regconfig, coalesce(search_text, '')), 'C') "
        "WHERE search_vector IS NULL"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
