"""A data migration's test, without taking the whole database back: migrating to the migration
before it undoes every later migration of every app that depends on it (most of a minute, on each
database), where undoing the one migration is enough to write rows the way they were written."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.apps.registry import Apps
from django.db import connection
from django.db.migrations.loader import MigrationLoader


@contextmanager
def undone(app_label: str, name: str) -> Iterator[Apps]:
    """The test database with the one migration `app_label`.`name` undone, and done again on
    leaving, whatever happened inside; yields the models as they were before it. Only for a
    migration no later one builds on (a column, a table or a constraint it adds)."""
    loader = MigrationLoader(connection)
    key = (app_label, name)
    migration = loader.get_migration(app_label, name)
    with connection.schema_editor(atomic=migration.atomic) as editor:
        migration.unapply(loader.project_state(key, at_end=False), editor)
    try:
        yield loader.project_state(key, at_end=False).apps
    finally:
        with connection.schema_editor(atomic=migration.atomic) as editor:
            migration.apply(loader.project_state(key, at_end=False), editor)
