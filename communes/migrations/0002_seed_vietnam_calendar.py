"""Seed the working-day calendar with Vietnam's public holidays and compensatory working days
for 2024–2030, from the `holidays` package. The office corrects it in admin when the government
announces a year's arrangement."""

from django.db import migrations

YEARS = range(2024, 2031)


def seed(apps, schema_editor):
    import holidays

    CalendarDay = apps.get_model("communes", "CalendarDay")
    official = holidays.country_holidays("VN", years=list(YEARS), language="vi")
    days = {
        day: CalendarDay(date=day, kind="day_off", name=name) for day, name in official.items()
    }
    for day in getattr(official, "weekend_workdays", ()):
        if day.year in YEARS and day not in days:
            days[day] = CalendarDay(date=day, kind="working_day", name="Ngày làm bù")
    known = set(CalendarDay.objects.values_list("date", flat=True))
    CalendarDay.objects.bulk_create(d for day, d in sorted(days.items()) if day not in known)


def unseed(apps, schema_editor):
    apps.get_model("communes", "CalendarDay").objects.filter(
        date__year__in=list(YEARS)).delete()


class Migration(migrations.Migration):
    dependencies = [("communes", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
