"""On PostgreSQL, drop the recommendations' plain trigram index of their search text: the
index of the province with the trigrams (0007) serves every search, a national one too (a
GIN index answers a condition on any of its columns), but the planner misjudged a regular
expression's matches (14 rows expected, 45,000 found nationally for "bien che") and chose the
plain index, then read all 45,000 rows to keep one province's 900: 240-430 ms a query, where
the province's index takes 10-40 ms."""

from django.db import migrations

PLAIN = "recommendations_recommendation_search_trgm"


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # Without blocking the table's writes meanwhile (hence a migration outside a
        # transaction).
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {PLAIN}")


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {PLAIN} ON recommendations_recommendation "
            "USING gin (search_text gin_trgm_ops)")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("recommendations", "0012_rename_department_roles")]

    operations = [migrations.RunPython(drop, create)]
