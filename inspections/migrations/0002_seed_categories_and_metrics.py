"""Seed the categories and metrics of inspections/reference.py."""

from django.db import migrations

from inspections.reference import CATEGORIES, METRICS, reference_seed


def seed(apps, schema_editor):
    reference_seed(apps.get_model("inspections", "Category"),
                   apps.get_model("inspections", "Metric"))


def unseed(apps, schema_editor):
    apps.get_model("inspections", "Metric").objects.filter(
        code__in=[c for c, *_ in METRICS]).delete()
    apps.get_model("inspections", "Category").objects.filter(
        code__in=[c for c, *_ in CATEGORIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
