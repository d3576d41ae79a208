"""The role of a commune's or ward's staff, for installations whose roles were created before
it existed (a new installation gets it from 0002 with the others)."""

from django.db import migrations

UNIT_STAFF = "Cán bộ cấp xã"


def create_role(apps, schema_editor):
    # It carries no model permission: its staff work on the portal's own pages only.
    apps.get_model("auth", "Group").objects.get_or_create(name=UNIT_STAFF)


def delete_role(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=UNIT_STAFF).delete()


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0009_published_answers_and_unit_files")]
    operations = [migrations.RunPython(create_role, delete_role)]
