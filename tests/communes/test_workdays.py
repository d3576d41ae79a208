import datetime

import pytest

from communes.models import CalendarDay
from communes.workdays import add_working_days, calendar_seed, working_days_between

pytestmark = pytest.mark.django_db


def test_a_weekend_is_not_counted():
    friday = datetime.date(2025, 8, 8)
    assert add_working_days(friday, 1) == datetime.date(2025, 8, 11)  # Monday
    assert add_working_days(friday, 5) == datetime.date(2025, 8, 15)
    assert add_working_days(datetime.date(2025, 8, 11), -1) == friday
    assert add_working_days(friday, 0) == friday


def test_tet_holidays_from_the_seeded_calendar_are_skipped():
    # Tết 2026: 16–20 February are days off (seeded by migration from the holidays package).
    assert CalendarDay.objects.filter(date=datetime.date(2026, 2, 17), kind="day_off").exists()
    friday_before = datetime.date(2026, 2, 13)
    assert add_working_days(friday_before, 1) == datetime.date(2026, 2, 23)
    assert working_days_between(friday_before, datetime.date(2026, 2, 23)) == 1


def test_a_compensatory_saturday_counts_and_an_edited_holiday_is_respected():
    friday = datetime.date(2030, 3, 1)
    CalendarDay.objects.create(date=datetime.date(2030, 3, 2), kind="working_day", name="Làm bù")
    CalendarDay.objects.create(date=datetime.date(2030, 3, 4), kind="day_off", name="Nghỉ")
    assert add_working_days(friday, 1) == datetime.date(2030, 3, 2)
    assert add_working_days(friday, 2) == datetime.date(2030, 3, 5)


def test_a_long_due_date_crosses_many_holidays():
    start = datetime.date(2026, 1, 2)
    # 60 weekdays after Friday 2 January 2026 would be Friday 27 March; the Tết week
    # (16–20 February) pushes it one week on.
    assert add_working_days(start, 60) == datetime.date(2026, 4, 3)
    assert working_days_between(start, datetime.date(2026, 4, 3)) == 60


def test_calendar_seed_is_idempotent():
    CalendarDay.objects.all().delete()
    added = calendar_seed(years=[2025])
    assert added >= 10
    assert calendar_seed(years=[2025]) == 0
    # 26/04/2025 was a compensatory working Saturday for the 2 May day off.
    assert CalendarDay.objects.get(date=datetime.date(2025, 4, 26)).kind == "working_day"
