"""Fill the accent-folded search columns of existing rows, and on PostgreSQL index them with
trigrams (pg_trgm), so "contains" searches stay fast on large tables.

SQLite keeps the plain index on the column that the fields declare.
"""


from django.db import migrations


SEARCHED = [
    ("communes", "AdministrativeUnit"),
    ("communes", "PredecessorUnit"),
    ("inspections", "UnitReport"),
    ("inspections", "Difficulty"),
    ("inspections", "Directive"),
    ("recommendations", "Recommendation"),
]


def backfill(apps, schema_editor):
    for app_label, model_name in SEARCHED:
        model = apps.get_model(app_label, model_name)
        field = model._meta.get_field("search_text")
        rows = list(model.objects.all())
        for row in rows:
            field.pre_save(row, False)
        model.objects.bulk_update(rows, ["search_text"], batch_size=1000)


def trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for app_label, model_name in SEARCHED:
        table = apps.get_model(app_label, model_name)._meta.db_table
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_search_trgm "
            f"ON {table} USING gin (search_text gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for app_label, model_name in SEARCHED:
        table = apps.get_model(app_label, model_name)._meta.db_table
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_search_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("communes", "0003_search_text"),
        ("inspections", "0003_search_text"),
        ("recommendations", "0004_search_text"),
    ]
    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.RunPython(trigram_indexes, drop_trigram_indexes),
    ]
