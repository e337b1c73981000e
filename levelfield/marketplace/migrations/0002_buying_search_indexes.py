"""The catalogue search on PostgreSQL (marketplace/search.py): a GIN index on the listings'
search documents (and the documents written for listings that already exist); the facets' columns
with the status, lot and price, certifications included, so that the facet counts of a search
without words are an index-only scan; the name with the status, for the first page by name; and
the milestones the search's cache generation reads the latest of. Nothing happens on SQLite,
which matches words in search_text."""

from django.db import migrations

INDEX = "marketplace_listing_search_gin"
# name -> columns (and what is included)
BTREE = {
    "marketplace_listing_facets": "(status, lot_id, category, supplier_size, supplier_is_vcse, "
    "price) INCLUDE (certifications)",
    "marketplace_listing_by_name": "(status, name, id)",
    "marketplace_listing_updated": "(updated_at)",
    "marketplace_listing_live_at": "(live_at)",
    "marketplace_listing_withdrawn_at": "(withdrawn_at)",
    "marketplace_listing_expired_at": "(expired_at)",
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON marketplace_listing USING gin (search_vector)"
    )
    for name, columns in BTREE.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON marketplace_listing {columns}")
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
    for name in (INDEX, *BTREE):
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
