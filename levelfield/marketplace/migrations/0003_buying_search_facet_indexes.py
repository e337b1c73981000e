"""The catalogue search at 50,000 listings on PostgreSQL (marketplace/search.py): the facets'
columns with the status, lot and price, certifications included, so that the facet counts of a
search without words are an index-only scan; the name with the status, for the first page by
name; and the milestones the search's cache generation reads the latest of. Nothing happens on
SQLite. Apart from 0002 so that a database that had it gains these too."""

from django.db import migrations

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
    for name, columns in BTREE.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON marketplace_listing {columns}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in BTREE:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0002_buying_search_indexes")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
