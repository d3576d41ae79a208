"""The cache table of the database cache (CACHE_URL=dbcache://…, production's default), so
that `migrate` alone leaves a working portal. Does nothing for other cache backends; after
changing CACHE_URL to another table, run `manage.py createcachetable`."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("communes", "0003_search_text")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
