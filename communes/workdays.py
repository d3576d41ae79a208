"""Vietnamese working days: Monday to Friday, less public holidays, plus compensatory Saturdays.

Every due date, "due soon" and "overdue" in the portal counts with `add_working_days`.
"""

import datetime

import holidays as holidays_package
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .cache import data_changed
from .models import CalendarDay

# Enough to cover the longest due date anyone gives (Tết alone is 5–9 days off).
_LOOKAHEAD_FACTOR = 3
# The furthest a deadline may be set.
DEADLINE_YEARS_AHEAD = 5


def _exceptions(start: datetime.date, end: datetime.date) -> dict[datetime.date, str]:
    return dict(CalendarDay.objects.between(start, end).values_list("date", "kind"))


def is_working_day(day: datetime.date, exceptions: dict | None = None) -> bool:
    if exceptions is None:
        exceptions = _exceptions(day, day)
    kind = exceptions.get(day)
    if kind == CalendarDay.Kind.DAY_OFF:
        return False
    if kind == CalendarDay.Kind.WORKING_DAY:
        return True
    return day.weekday() < 5


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date `days` working days after `start` (before it, if `days` is negative).

    `start` itself is not counted, as for a legal time limit: routed on Friday with 1 working
    day, a recommendation is due on Monday. With `days` = 0 the result is `start` itself.
    """
    step = 1 if days >= 0 else -1
    remaining = abs(days)
    span = datetime.timedelta(days=remaining * _LOOKAHEAD_FACTOR + 30)
    low, high = sorted((start, start + step * span))
    exceptions = _exceptions(low, high)
    day = start
    while remaining:
        day += datetime.timedelta(days=step)
        if not low <= day <= high:  # an extraordinary run of days off: widen the window
            low, high = sorted((day, day + step * span))
            exceptions = _exceptions(low, high)
        if is_working_day(day, exceptions):
            remaining -= 1
    return day


def deadline_problem(day: datetime.date) -> str | None:
    """Why `day` cannot be a deadline, naming a day that can; None if it can. A day off (a
    weekend or a public holiday) cannot: deadlines are counted in working days, so one that
    falls on a day off would be met a day or more later than it says. Nor can a day more than
    DEADLINE_YEARS_AHEAD years ahead: that is a mistyped year, not a plan."""
    if day is None:
        return None
    if day > timezone.localdate() + datetime.timedelta(days=366 * DEADLINE_YEARS_AHEAD):
        return _("%(day)s is more than %(years)s years ahead: check the year.") % {
            "day": f"{day:%d/%m/%Y}", "years": DEADLINE_YEARS_AHEAD}
    if is_working_day(day):
        return None
    holiday = CalendarDay.objects.filter(date=day, kind=CalendarDay.Kind.DAY_OFF).first()
    reason = holiday.name if holiday else _("a weekend")
    return _("%(day)s is a day off (%(reason)s): choose a working day, for example %(next)s.") % {
        "day": f"{day:%d/%m/%Y}", "reason": reason,
        "next": f"{add_working_days(day, 1):%d/%m/%Y}"}


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """How many working days after `start` up to and including `end` (negative if end < start)."""
    if end < start:
        return -working_days_between(end, start)
    exceptions = _exceptions(start, end)
    count = 0
    day = start
    while day < end:
        day += datetime.timedelta(days=1)
        count += is_working_day(day, exceptions)
    return count


def official_calendar(years) -> dict[datetime.date, tuple[str, str]]:
    """Vietnam's days off and compensatory working days for `years`, from the `holidays`
    package: {date: (kind, name)}."""
    years = list(years)
    official = holidays_package.country_holidays("VN", years=years, language="vi")
    days = {day: (CalendarDay.Kind.DAY_OFF, name) for day, name in official.items()}
    for day in getattr(official, "weekend_workdays", ()):
        if day.year in years and day not in days:
            days[day] = (CalendarDay.Kind.WORKING_DAY, "Ngày làm bù")
    return days


@transaction.atomic
def calendar_seed(*, years, model=CalendarDay) -> int:
    """Add the official days off and compensatory working days for `years`. Days already in
    the calendar are left as the office set them. Returns how many days were added.

    `model` lets the data migration pass its historical model."""
    known = set(model.objects.values_list("date", flat=True))
    new_days = [
        model(date=day, kind=kind, name=name)
        for day, (kind, name) in sorted(official_calendar(years).items())
        if day not in known
    ]
    model.objects.bulk_create(new_days)
    if new_days and model is CalendarDay:
        data_changed()  # bulk_create sends no signals; due-soon counts use working days
    return len(new_days)


class WorkingDayCounter:
    """Counts working days between many pairs of dates with one read of the calendar: a
    running count per day of the span, so each pair costs two look-ups."""

    def __init__(self, start: datetime.date, end: datetime.date):
        self.start = start - datetime.timedelta(days=1)
        self.exceptions = _exceptions(self.start, end)
        # running[i]: working days after self.start up to self.start + i days.
        self.running = [0]
        day = self.start
        while day < end:
            day += datetime.timedelta(days=1)
            self.running.append(self.running[-1] + is_working_day(day, self.exceptions))

    def between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after `start` up to and including `end` (negative if `end` is
        earlier)."""
        first, last = (start - self.start).days, (end - self.start).days
        if 0 <= first < len(self.running) and 0 <= last < len(self.running):
            return self.running[last] - self.running[first]
        if end < start:
            return -self.between(end, start)
        count, day = 0, start
        while day < end:
            day += datetime.timedelta(days=1)
            count += is_working_day(day, self.exceptions)
        return count
