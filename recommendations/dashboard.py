"""The figures of the leaders' dashboard, each from one aggregate query over the tally
(models.Tally, kept by recommendations/tally.py): a few rows per session rather than every
recommendation, so the figures are exact after every write and cost the same at any size."""

from dataclasses import dataclass

from django.db.models import Count, F, Min, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import OPEN_STATUSES, Status, Tally, deadlines
from .tally import LATE, ON_TIME, OPEN, PENDING


@dataclass
class Bar:
    label: str
    count: int
    params: dict  # the list filter behind the number
    width: float = 0


def _bars(rows, label_key, param, id_key):
    bars = [Bar(label=row[label_key] or _("(not routed to a department)"), count=row["count"],
                params={param: row[id_key]} if row[id_key] else {"unrouted": "1"})
            for row in rows]
    top = max((bar.count for bar in bars), default=0) or 1
    for bar in bars:
        bar.width = round(100 * bar.count / top, 1)
    return bars


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


def figures(tallies, today=None, by_province=False) -> dict:
    """Counts by status, department, category, unit and working group (by province instead
    with `by_province`); deadlines; the department scorecard; from `tallies`, the rows of
    the tally (models.Tally) the user may see, of the sessions chosen.

    Recommendations merged into another count once, as that other one."""
    today = today or timezone.localdate()
    soon, overdue = deadlines(today)
    recommendations = tallies.filter(kind=Tally.Kind.RECOMMENDATIONS)
    # The totals and the count of each status in one pass.
    counted = recommendations.aggregate(
        total=_sum(), open=_sum(Q(status__in=OPEN_STATUSES)), overdue=_sum(overdue),
        due_soon=_sum(soon),
        **{f"status_{value}": _sum(Q(status=value)) for value in Status.values})
    by_status = {value: counted.pop(f"status_{value}") for value in Status.values}
    totals = {**counted, "resolved": by_status[Status.RESOLVED]}
    statuses = [Bar(label=str(label), count=by_status.get(value, 0), params={"status": value})
                for value, label in Status.choices]
    top = max((bar.count for bar in statuses), default=0) or 1
    for bar in statuses:
        bar.width = round(100 * bar.count / top, 1)
    # Nationally, by kind of department (every province's Sở Nội vụ together) rather than
    # 476 departments; the list behind a number filters by that kind.
    key, param = (("lead_department__short_code", "department_type") if by_province
                  else ("lead_department_id", "department"))
    departments = list(
        recommendations.values(key).annotate(
            name=Min("lead_department__name"), count=_sum(), overdue=_sum(overdue),
            due_soon=_sum(soon))
        .order_by("-count", "name", key))
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
        "group_bars": [
            Bar(label=_("Working group no. %(number)s") % {"number": row["group__number"]}
                + f" ({row['group__round__title'][:40]})",
                count=row["count"], params={"group": row["group_id"]})
            for row in groups],
        "unit_bars": _bars(units, "unit__name", "unit", "unit_id"),
        "province_bars": _bars(provinces, "province__name", "province", "province_id"),
        "scorecard": scorecard(tallies, departments, key, param),
    }


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
        entry["on_time"] += count if on_time else 0
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
    hạn."""

    unit_id: int
    name: str
    on_time: int = 0
    late: int = 0
    pending: int = 0
    overdue: int = 0

    @property
    def total(self):
        return self.on_time + self.late + self.pending + self.overdue


def _split(rows, limit):
    """The units with anything to show, most overdue first."""
    completions = (Completion(unit_id=row["unit_id"], name=row["unit__name"],
                              on_time=row["on_time"], late=row["late"], pending=row["pending"],
                              overdue=row["overdue"]) for row in rows)
    return sorted((c for c in completions if c.total),
                  key=lambda c: (-c.overdue, -c.pending, c.name or "", c.unit_id))[:limit]


def completion(tallies, kind, today=None, limit=20) -> list[Completion]:
    """Per unit, how it stands with the directives given to it (`kind` DIRECTIVES: done by
    the due date or without one, done late, pending within or past it) or with the
    recommendations it raised (COMPLETION: resolved, or answered at the session, on time or
    late; open within or past its due date), among `tallies`."""
    today = today or timezone.localdate()
    waiting = Q(status=PENDING if kind == Tally.Kind.DIRECTIVES else OPEN)
    # A pending directive without a due date is never overdue.
    within = Q(due_date__isnull=True) | Q(due_date__gte=today)
    rows = tallies.filter(kind=kind).values("unit_id", "unit__name").annotate(
        on_time=_sum(Q(status=ON_TIME)), late=_sum(Q(status=LATE)),
        pending=_sum(waiting & within), overdue=_sum(waiting & Q(due_date__lt=today)))
    return _split(rows, limit)
