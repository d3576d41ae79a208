"""PostgreSQL: a B-tree of the first 200 characters of each searched kind's search text
(text_pattern_ops, for LIKE 'words %'), so search finds the texts equal to or starting with
the words without reading every match of a common word (recommendations/search.py,
_starting). SQLite scans for them, up to the limit."""

from django.db import migrations

TABLES = ["recommendations_recommendation", "inspections_difficulty", "inspections_directive",
          "inspections_unitreport"]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {table}_search_head ON {table} "
                                  f"(left(search_text, 200) text_pattern_ops)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {table}_search_head")


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0020_full_text_search")]

    operations = [migrations.RunPython(create, drop)]
