"""The figures of the leaders' dashboard, each from one aggregate query over the tally
(models.Tally, kept by recommendations/tally.py): a few rows per session rather than every
recommendation, so the figures are exact after every write and cost the same at any size."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, Min, Q, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from communes.text import shorten

from .models import OPEN_STATUSES, Status, Tally, deadlines
from .tally import CENTRAL, LATE, ON_TIME, OPEN, PENDING


@dataclass
class Bar:
    label: str
    count: int
    params: dict  # the list filter behind the number
    width: float = 0
    # The label in full when `label` is cut (at a word) to fit the chart.
    full_label: str = ""


def _bars(rows, label_key, param, id_key):
    bars = [Bar(label=row[label_key] or _("(not routed to a department)"), count=row["count"],
                params={param: row[id_key]} if row[id_key] else {"unrouted": "1"})
            for row in rows]
    top = max((bar.count for bar in bars), default=0) or 1
    for bar in bars:
        bar.width = round(100 * bar.count / top, 1)
    return bars


def as_of(versions: tuple) -> datetime.datetime:
    """When the figures of these data versions (communes/cache.py `figures_versions`) were
    last changed, or today's first moment if later (what is overdue moves with the day):
    the same for every reader of the same figures, however often the page is drawn."""
    changed = max(float(token.rsplit(":", 1)[1]) for token in versions)
    zone = timezone.get_current_timezone()
    day_began = datetime.datetime.combine(timezone.localdate(), datetime.time(), tzinfo=zone)
    # To the second: a time element's value holds at most three decimals.
    return max(datetime.datetime.fromtimestamp(int(changed), tz=zone), day_began)


def of_period(tallies, filters):
    """The tally rows of the sessions the dashboard's filters (SessionPeriodFilterSet:
    round, session dates) choose; an invalid filter is left out, as on the lists."""
    filters.form.errors  # noqa: B018 (cleans the fields; the invalid ones are left out)
    period = filters.form.cleaned_data
    for name, lookup in (("round", "round_id"), ("date_from", "session_date__gte"),
                         ("date_to", "session_date__lte")):
        if period.get(name):
            tallies = tallies.filter(**{lookup: period[name]})
    return tallies


def _sum(condition=None):
    return Coalesce(Sum("number", filter=condition), 0)


def department_key(national: bool) -> tuple[str, str]:
    """The tally's column a department's figures are grouped by, and the list filter behind
    each number: nationally the kind of department (every province's Sở Nội vụ together)
    rather than 476 departments."""
    return (("lead_department__short_code", "department_type") if national
            else ("lead_department_id", "department"))


def counts(recommendations, today) -> tuple[dict, dict]:
    """From the tally's recommendation rows: the totals (all, open, overdue, due soon,
    resolved) and the count of each status, in one query."""
    soon, overdue = deadlines(today)
    counted = recommendations.aggregate(
        total=_sum(), open=_sum(Q(status__in=OPEN_STATUSES)), overdue=_sum(overdue),
        due_soon=_sum(soon),
        **{f"status_{value}": _sum(Q(status=value)) for value in Status.values})
    by_status = {value: counted.pop(f"status_{value}") for value in Status.values}
    return {**counted, "resolved": by_status[Status.RESOLVED]}, by_status


def by_department(recommendations, today, national=False) -> list[dict]:
    """Per lead department (per kind, nationally): its recommendations, overdue and due
    soon, most first, ties in the province's protocol order of its bodies, then by name."""
    soon, overdue = deadlines(today)
    key, _param = department_key(national)
    return list(
        recommendations.values(key).annotate(
            name=Min("lead_department__name"), count=_sum(), overdue=_sum(overdue),
            due_soon=_sum(soon), position=Min("lead_department__position"),
            sort_name=Min("lead_department__sort_name"))
        .order_by("-count", "position", "sort_name", key))


def figures(tallies, today=None, by_province=False) -> dict:
    """Counts by status, department, category, unit and working group (by province instead
    with `by_province`); deadlines; the department scorecard; from `tallies`, the rows of
    the tally (models.Tally) the user may see, of the sessions chosen.

    Recommendations merged into another count once, as that other one."""
    today = today or timezone.localdate()
    recommendations = tallies.filter(kind=Tally.Kind.RECOMMENDATIONS)
    totals, by_status = counts(recommendations, today)
    statuses = [Bar(label=str(label), count=by_status.get(value, 0), params={"status": value})
                for value, label in Status.choices]
    top = max((bar.count for bar in statuses), default=0) or 1
    for bar in statuses:
        bar.width = round(100 * bar.count / top, 1)
    key, param = department_key(by_province)
    departments = by_department(recommendations, today, by_province)
    categories = recommendations.values("category_id", "category__name").annotate(
        count=_sum()).order_by("-count", "category__sort_name", "category_id")
    if by_province:
        # Nationally, thousands of working groups would make an unreadable chart.
        provinces = recommendations.values("province_id", "province__name").annotate(
            count=_sum()).order_by("-count", "province__sort_name", "province_id")
        groups = []
    else:
        provinces = []
        groups = recommendations.values(
            "group_id", "group__number", "group__round__title"
        ).annotate(count=_sum()).order_by("group__round__title", "group__number", "group_id")
    # A unit counts what it raised, a duplicate merged into another counting as that other:
    # who raised each stays as recorded (services.recommendation_merge).
    units = tallies.filter(kind=Tally.Kind.RAISED).values("unit_id", "unit__name").annotate(
        count=_sum()).order_by("-count", "unit__sort_name", "unit_id")[:15]
    return {
        "totals": totals,
        "statuses": statuses,
        "departments": departments,
        "department_bars": _bars(departments, "name", param, key),
        "category_bars": _bars(categories, "category__name", "category", "category_id"),
        "group_bars": [_group_bar(row) for row in groups],
        "unit_bars": _bars(units, "unit__name", "unit", "unit_id"),
        "province_bars": _bars(provinces, "province__name", "province", "province_id"),
        "scorecard": scorecard(tallies, departments, key, param),
    }


def _group_bar(row) -> Bar:
    """A working group's bar: its number and its round, the round's title cut at a word."""
    group = _("Working group no. %(number)s") % {"number": row["group__number"]}
    title = row["group__round__title"]
    short = shorten(title, 40)
    return Bar(label=f"{group} ({short})", count=row["count"], params={"group": row["group_id"]},
               full_label=f"{group} ({title})" if short != title else "")


def _number(value):
    """4 rather than 4.0; 2.5 stays."""
    return int(value) if float(value).is_integer() else value


def _median(histogram: dict) -> float | None:
    """The median of the values counted in `histogram` (value → how many times), as
    statistics.median of the values written out would give it."""
    size = sum(histogram.values())
    if not size:
        return None
    positions, found, seen = [(size - 1) // 2, size // 2], [], 0
    for value in sorted(histogram):
        seen += histogram[value]
        while positions and positions[0] < seen:
            found.append(value)
            positions.pop(0)
        if not positions:
            break
    return (found[0] + found[1]) / 2


def scorecard(tallies, departments, key="lead_department_id",
              param="department") -> list[dict]:
    """Per lead department (per kind of department, `key` lead_department__short_code):
    routed, resolved, resolved on time, and the median working days from routing to
    resolution. `param` is the list filter behind each number."""
    per_department = {}
    for department, on_time, days, count in tallies.filter(
            kind=Tally.Kind.RESOLVED).values_list(key, "status", "days").annotate(
            n=_sum()).order_by():
        entry = per_department.setdefault(department, {"resolved": 0, "on_time": 0, "days": {}})
        entry["resolved"] += count
        entry["on_time"] += count if on_time == ON_TIME else 0
        if days is not None:
            entry["days"][days] = entry["days"].get(days, 0) + count
    rows = []
    for row in departments:
        department = row[key]
        if department is None:
            continue
        entry = per_department.get(department, {"resolved": 0, "on_time": 0, "days": {}})
        done = entry["resolved"]
        median = _median(entry["days"])
        rows.append({
            "department_id": department, "params": {param: department},
            "name": row["name"], "routed": row["count"], "resolved": done,
            "on_time_rate": round(100 * entry["on_time"] / done) if done else None,
            "median_days": None if median is None else _number(median),
            "overdue": row["overdue"],
        })
    return rows


def recurring_difficulties(tallies, limit=20) -> list[dict]:
    """Units that raised difficulties of the same category in two rounds or more, among
    `tallies` (those the user may see, of every round)."""
    return list(
        tallies.filter(kind=Tally.Kind.DIFFICULTIES)
        .values("unit_id", unit_name=F("unit__name"), category_name=F("category__name"))
        .annotate(rounds=Count("round_id", distinct=True))
        .filter(rounds__gte=2).order_by("-rounds", "unit__sort_name", "unit_id",
                                         "category_name")[:limit])


@dataclass
class Completion:
    """How a unit stands with what it must do, in the standard split of a Vietnamese report:
    hoàn thành đúng hạn, hoàn thành quá hạn, chưa hoàn thành trong hạn, chưa hoàn thành quá
    hạn; and, for recommendations, those proposed to central level, which the province does
    not answer (a segment of their own rather than left out unsaid)."""

    unit_id: int
    name: str
    on_time: int = 0
    late: int = 0
    pending: int = 0
    overdue: int = 0
    central: int = 0
    sort_name: str = field(default="", repr=False, compare=False)

    @property
    def total(self):
        return self.on_time + self.late + self.pending + self.overdue + self.central

    def segments(self):
        """(name, count) of each part, in the order of the split."""
        return [("on_time", self.on_time), ("late", self.late), ("pending", self.pending),
                ("overdue", self.overdue), ("central", self.central)]


def _split(rows, limit):
    """The units with anything to show, most overdue first, ties in Vietnamese dictionary
    order (the units' sort keys, communes/text.py)."""
    completions = (Completion(unit_id=row["unit_id"], name=row["unit__name"],
                              on_time=row["on_time"], late=row["late"], pending=row["pending"],
                              overdue=row["overdue"], central=row.get("central", 0),
                              sort_name=row["unit__sort_name"] or "") for row in rows)
    return sorted((c for c in completions if c.total),
                  key=lambda c: (-c.overdue, -c.pending, c.sort_name, c.unit_id))[:limit]


def completion(tallies, kind, today=None, limit=20) -> list[Completion]:
    """Per unit, how it stands with the directives given to it (`kind` DIRECTIVES: done by
    the due date or without one, done late, pending within or past it) or with the
    recommendations it raised (COMPLETION: resolved, or answered at the session, on time or
    late; open within or past its due date; proposed to central level), among `tallies`."""
    today = today or timezone.localdate()
    waiting = Q(status=PENDING if kind == Tally.Kind.DIRECTIVES else OPEN)
    # A pending directive without a due date is never overdue.
    within = Q(due_date__isnull=True) | Q(due_date__gte=today)
    rows = tallies.filter(kind=kind).values("unit_id", "unit__name", "unit__sort_name").annotate(
        on_time=_sum(Q(status=ON_TIME)), late=_sum(Q(status=LATE)),
        pending=_sum(waiting & within), overdue=_sum(waiting & Q(due_date__lt=today)),
        central=_sum(Q(status=CENTRAL)))
    return _split(rows, limit)


# Change over time ------------------------------------------------------------------------

# The months the charts of change over time show: the last ones with figures (two years).
MONTHS_SHOWN = 24


@dataclass
class Month:
    """A month's figures: recommendations raised (at its sessions), resolved (in it) and
    missed (due in it and not resolved by the due date: still open past it, or resolved
    after it)."""

    start: datetime.date
    raised: int = 0
    resolved: int = 0
    missed: int = 0

    @property
    def param(self) -> str:
        return f"{self.start:%Y-%m}"


@dataclass
class RateCell:
    """A lead department's month: resolved in it, and how many of those by their due
    date."""

    month: Month
    resolved: int = 0
    on_time: int = 0

    @property
    def rate(self) -> int | None:
        return round(100 * self.on_time / self.resolved) if self.resolved else None


def _month_range(found, limit=MONTHS_SHOWN) -> list[datetime.date]:
    """Every month from the first to the last in `found` (the last `limit` of them)."""
    if not found:
        return []
    first, last = min(found), max(found)
    months, month = [], last
    while month >= first and len(months) < limit:
        months.append(month)
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return months[::-1]


def trends(tallies, departments, today=None, by_province=False) -> dict:
    """Month by month: raised, resolved and missed; and per lead department (per kind,
    nationally) the on-time rate of what it resolved. Three aggregate queries over the
    tally, whatever the number of rows; `departments` are figures()'s (names, order)."""
    today = today or timezone.localdate()
    key, param = department_key(by_province)
    recommendations = tallies.filter(kind=Tally.Kind.RECOMMENDATIONS)
    raised = dict(recommendations.annotate(m=TruncMonth("session_date")).values("m")
                  .annotate(n=_sum()).order_by().values_list("m", "n"))
    missed = dict(recommendations.filter(status__in=OPEN_STATUSES, due_date__lt=today)
                  .annotate(m=TruncMonth("due_date")).values("m").annotate(n=_sum())
                  .order_by().values_list("m", "n"))
    resolved = list(tallies.filter(kind=Tally.Kind.RESOLVED, month__isnull=False)
                    .annotate(due_month=TruncMonth("due_date"))
                    .values_list(key, "month", "status", "due_month").annotate(n=_sum())
                    .order_by())
    found = set(raised) | set(missed) | {row[1] for row in resolved} | {
        row[3] for row in resolved if row[3]}
    months = {start: Month(start=start) for start in _month_range(found)}
    for start, number in raised.items():
        if start in months:
            months[start].raised = number
    for start, number in missed.items():
        if start in months:
            months[start].missed += number
    rates = {}
    for department, start, status, due_month, number in resolved:
        if status == LATE and due_month in months:
            months[due_month].missed += number
        if start not in months:
            continue
        months[start].resolved += number
        if department is None:
            continue
        cells = rates.setdefault(department, {})
        cell = cells.setdefault(start, RateCell(month=months[start]))
        cell.resolved += number
        cell.on_time += number if status == ON_TIME else 0
    bodies = [{"name": row["name"], "params": {param: row[key]},
               "cells": [rates[row[key]].get(start) or RateCell(month=month)
                         for start, month in months.items()]}
              # The bodies in the province's protocol order.
              for row in sorted(departments, key=lambda row: (
                  row["position"] if row["position"] is not None else 1 << 16,
                  row["sort_name"] or "", str(row[key] or "")))
              if row[key] is not None and row[key] in rates]
    return {"months": list(months.values()), "bodies": bodies,
            "top": max((max(m.raised, m.resolved, m.missed) for m in months.values()),
                       default=0)}
