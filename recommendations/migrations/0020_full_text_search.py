"""A full-text index of the search text (communes/fulltext.py): on PostgreSQL a generated
tsvector column with a GIN index on each searched table, and a GIN index of a recommendation's
province with it (btree_gin, as in 0007) so that a province's search reads only its own
matches; on SQLite an FTS5 table with the triggers that keep it current. The trigram indexes
stay here (0022 drops them: nothing reads them)."""

from django.db import migrations

from communes.fulltext import SEARCHED, VECTOR, create_index, drop_index

PROVINCE_INDEX = "rec_province_search_fts"


def create(apps, schema_editor):
    for app_label, model_name in SEARCHED:
        create_index(schema_editor, apps.get_model(app_label, model_name)._meta.db_table)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
        schema_editor.execute(
            f"CREATE INDEX {PROVINCE_INDEX} ON recommendations_recommendation "
            f"USING gin (province_id, {VECTOR})")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {PROVINCE_INDEX}")
    for app_label, model_name in SEARCHED:
        drop_index(schema_editor, apps.get_model(app_label, model_name)._meta.db_table)


class Migration(migrations.Migration):
    dependencies = [
        ("communes", "0012_issuing_body_signer_per_document"),
        ("inspections", "0011_issued_document_issue_token"),
        ("recommendations", "0019_response_cites_registered_document"),
    ]

    operations = [migrations.RunPython(create, drop)]
