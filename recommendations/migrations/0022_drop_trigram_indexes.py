"""On PostgreSQL, drop the trigram indexes of the search text (0005, 0007): since 0020 search
reads the full-text index alone, and the admin's searches are on names and texts, not on
`search_text`, so nothing reads them; each still cost every write of a searched row a GIN
update. Dropped concurrently, so the tables take writes meanwhile (hence not atomic)."""

from django.db import migrations

from communes.fulltext import SEARCHED

PROVINCE_INDEX = "rec_province_search_trgm"


def _tables(apps):
    return [apps.get_model(app_label, model_name)._meta.db_table
            for app_label, model_name in SEARCHED if model_name != "Recommendation"]


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {PROVINCE_INDEX}")
    for table in _tables(apps):
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {table}_search_trgm")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in _tables(apps):
        schema_editor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {table}_search_trgm "
                              f"ON {table} USING gin (search_text gin_trgm_ops)")
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {PROVINCE_INDEX} ON "
        "recommendations_recommendation USING gin (province_id, search_text gin_trgm_ops)")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("recommendations", "0021_search_text_head")]

    operations = [migrations.RunPython(drop, create)]
