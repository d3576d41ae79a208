"""Rename the department staff's role: "Chuyên viên" alone also names the provincial office's
own staff, so it becomes "Chuyên viên sở, ban, ngành" (issue 24). Users and permissions stay
with the group, as in 0012."""

import importlib

from django.db import migrations

# The same renaming as 0012 (a group of the new name made meanwhile takes the old one's users).
rename = importlib.import_module(
    "recommendations.migrations.0012_rename_department_roles").rename

RENAMES = [("Chuyên viên", "Chuyên viên sở, ban, ngành")]


def forwards(apps, schema_editor):
    rename(apps.get_model("auth", "Group"), RENAMES)


def backwards(apps, schema_editor):
    rename(apps.get_model("auth", "Group"), [(new, old) for old, new in RENAMES])


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0016_refill_tally_with_months")]

    operations = [migrations.RunPython(forwards, backwards)]
