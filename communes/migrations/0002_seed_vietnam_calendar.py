"""Seed the working-day calendar with Vietnam's public holidays and compensatory working days
for 2024–2030, from the `holidays` package. The office corrects it in admin when the government
announces a year's arrangement."""

from django.db import migrations

YEARS = range(2024, 2031)


def seed(apps, schema_editor):
    from communes.workdays import calendar_seed

    calendar_seed(years=YEARS, model=apps.get_model("communes", "CalendarDay"))


def unseed(apps, schema_editor):
    apps.get_model("communes", "CalendarDay").objects.filter(
        date__year__in=list(YEARS)).delete()


class Migration(migrations.Migration):
    dependencies = [("communes", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
