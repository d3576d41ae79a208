"""The dashboard's figures counted directly from the records, as the dashboard counted them
before the tally (models.Tally): the reference the tally's figures are checked against
(tests/recommendations/test_tally.py, the lifecycle machine)."""

import statistics

from django.db.models import Count, F, Min, Q
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from communes.models import AdministrativeUnit
from communes.workdays import WorkingDayCounter
from inspections.models import Difficulty, DirectiveFollowUp
from recommendations.dashboard import Bar, Completion, _bars, _number
from recommendations.models import OPEN_STATUSES, Recommendation, Status, deadlines


def figures(recommendations, today=None, by_province=False) -> dict:
    """Counts by status, department, category, unit and working group (by province instead
    with `by_province`); deadlines; the department scorecard.

    Recommendations merged into another count once, as that other one."""
    today = today or timezone.localdate()
    recommendations = recommendations.filter(consolidated_into=None)
    soon, overdue = deadlines(today)
    # The totals and the count of each status in one pass.
    counted = recommendations.aggregate(
        total=Count("id"), open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("id", filter=overdue), due_soon=Count("id", filter=soon),
        **{f"status_{value}": Count("id", filter=Q(status=value)) for value in Status.values})
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
            name=Min("lead_department__name"), count=Count("id"),
            overdue=Count("id", filter=overdue), due_soon=Count("id", filter=soon),
            position=Min("lead_department__position"),
            sort_name=Min("lead_department__sort_name"))
        .order_by("-count", "position", "sort_name", key))
    categories = recommendations.values("category_id", "category__name").annotate(
        count=Count("id")).order_by("-count", "category__sort_name", "category_id")
    if by_province:
        # Nationally, thousands of working groups would make an unreadable chart.
        provinces = recommendations.values("province_id", "province__name").annotate(
            count=Count("id")).order_by("-count", "province__sort_name", "province_id")
        groups = []
    else:
        provinces = []
        groups = recommendations.values(
            "session__group_id", "session__group__number", "session__group__round__title"
        ).annotate(count=Count("id")).order_by("session__group__round__title",
                                                "session__group__number", "session__group_id")
    # A unit counts what it raised, a duplicate merged into another counting as that other:
    # who raised each stays as recorded (services.recommendation_merge).
    through = Recommendation.units.through.objects
    units = through.filter(Q(recommendation__in=recommendations)
                           | Q(recommendation__consolidated_into__in=recommendations)).values(
        "administrativeunit_id", "administrativeunit__name").annotate(
        count=Count(Coalesce("recommendation__consolidated_into_id", "recommendation_id"),
                    distinct=True)
    ).order_by("-count", "administrativeunit__sort_name", "administrativeunit_id")[:15]
    return {
        "totals": totals,
        "statuses": statuses,
        "departments": departments,
        "department_bars": _bars(departments, "name", param, key),
        "category_bars": _bars(categories, "category__name", "category", "category_id"),
        "group_bars": [
            Bar(label=_("Working group no. %(number)s") % {"number": row["session__group__number"]}
                + f" ({row['session__group__round__title'][:40]})",
                count=row["count"], params={"group": row["session__group_id"]})
            for row in groups],
        "unit_bars": _bars(units, "administrativeunit__name", "unit", "administrativeunit_id"),
        "province_bars": _bars(provinces, "province__name", "province", "province_id"),
        "scorecard": scorecard(recommendations, departments, key, param),
    }


def scorecard(recommendations, departments, key="lead_department_id",
              param="department") -> list[dict]:
    """Per lead department (per kind of department, `key` lead_department__short_code):
    routed, resolved, resolved on time, and the median working days from routing to
    resolution. `param` is the list filter behind each number."""
    # Local dates, converted by the database.
    resolved = list(
        recommendations.filter(status=Status.RESOLVED, lead_department__isnull=False)
        .annotate(routed_on=TruncDate(Min("events__at",
                                          filter=Q(events__to_status=Status.ROUTED))),
                  resolved_on=TruncDate("resolved_at"))
        .values_list(key, "routed_on", "resolved_on", "due_date"))
    dates = [d for _dep, routed, done, _due in resolved for d in (routed, done) if d]
    counter = WorkingDayCounter(min(dates), max(dates)) if dates else None
    per_department = {}
    for department, routed_on, resolved_on, due_date in resolved:
        entry = per_department.setdefault(department, {"resolved": 0, "on_time": 0, "days": []})
        entry["resolved"] += 1
        if resolved_on and due_date and resolved_on <= due_date:
            entry["on_time"] += 1
        if routed_on and resolved_on:
            entry["days"].append(counter.between(routed_on, resolved_on))
    rows = []
    for row in departments:
        department = row[key]
        if department is None:
            continue
        entry = per_department.get(department, {"resolved": 0, "on_time": 0, "days": []})
        done = entry["resolved"]
        rows.append({
            "department_id": department, "params": {param: department},
            "name": row["name"], "routed": row["count"], "resolved": done,
            "on_time_rate": round(100 * entry["on_time"] / done) if done else None,
            "median_days": _number(statistics.median(entry["days"])) if entry["days"] else None,
            "overdue": row["overdue"],
        })
    return rows


def recurring_difficulties(difficulties, limit=20) -> list[dict]:
    """Units that raised `difficulties` (those the user may see) of the same category in two
    rounds or more."""
    through = Difficulty.units.through.objects.filter(difficulty__in=difficulties)
    return list(
        through.values("administrativeunit_id", "administrativeunit__name",
                       "difficulty__category__name")
        .annotate(rounds=Count("difficulty__session__group__round", distinct=True))
        .filter(rounds__gte=2).order_by("-rounds", "administrativeunit__sort_name",
                                        "administrativeunit_id", "difficulty__category__name")
        .values("rounds", unit_id=F("administrativeunit_id"),
                unit_name=F("administrativeunit__name"),
                category_name=F("difficulty__category__name"))[:limit])


def _split(rows, key, name):
    completions = (Completion(unit_id=row[key], name=row[name], on_time=row["on_time"],
                              late=row["late"], pending=row["pending"],
                              overdue=row["overdue"], central=row.get("central", 0))
                   for row in rows)
    units = dict(AdministrativeUnit.objects.values_list("pk", "sort_name"))
    return sorted((c for c in completions if c.total),
                  key=lambda c: (-c.overdue, -c.pending, units[c.unit_id], c.unit_id))


def directive_completion(follow_ups, today=None, limit=20) -> list[Completion]:
    """Per unit, the directives given to it (`follow_ups`, those the user may see)."""
    today = today or timezone.localdate()
    due = "directive__due_date"
    done = Q(status=DirectiveFollowUp.Status.DONE)
    pending = Q(status=DirectiveFollowUp.Status.PENDING)
    rows = follow_ups.filter(unit__isnull=False).values("unit_id", "unit__name").annotate(
        on_time=Count("id", filter=done & (Q(**{f"{due}__isnull": True})
                                           | Q(completed_on__lte=F(due)))),
        late=Count("id", filter=done & Q(completed_on__gt=F(due))),
        pending=Count("id", filter=pending & (Q(**{f"{due}__isnull": True})
                                              | Q(**{f"{due}__gte": today}))),
        overdue=Count("id", filter=pending & Q(**{f"{due}__lt": today})))
    return _split(rows, "unit_id", "unit__name")[:limit]


def recommendation_completion(recommendations, today=None, limit=20) -> list[Completion]:
    """Per unit, the recommendations it raised (`recommendations`, those the user may see; a
    merged duplicate counts as the one it was merged into, once however many of them the
    unit raised): resolved (or answered at the session) on time or late, open within or past
    its due date, proposed to central level."""
    today = today or timezone.localdate()
    unmerged = recommendations.filter(consolidated_into=None)
    through = Recommendation.units.through.objects
    pairs = {(unit, target) for unit, target in through.filter(
        Q(recommendation__in=unmerged) | Q(recommendation__consolidated_into__in=unmerged)
    ).annotate(target=Coalesce("recommendation__consolidated_into_id", "recommendation_id")
               ).values_list("administrativeunit_id", "target")}
    items = {item.pk: item for item in unmerged.annotate(resolved_on=TruncDate("resolved_at"))}
    names = dict(AdministrativeUnit.objects.values_list("pk", "name"))
    rows = {}
    for unit, target in pairs:
        item = items[target]
        row = rows.setdefault(unit, {"unit_id": unit, "unit__name": names[unit], "on_time": 0,
                                     "late": 0, "pending": 0, "overdue": 0, "central": 0})
        if item.status == Status.ANSWERED_ON_THE_SPOT or (
                item.status == Status.RESOLVED and item.due_date and item.resolved_on
                and item.resolved_on <= item.due_date):
            row["on_time"] += 1
        elif item.status == Status.RESOLVED and item.due_date and item.resolved_on:
            row["late"] += 1
        elif item.status in OPEN_STATUSES and item.due_date:
            row["overdue" if item.due_date < today else "pending"] += 1
        elif item.status == Status.PROPOSED_CENTRAL:
            row["central"] += 1
    return _split(rows.values(), "unit_id", "unit__name")[:limit]


def trends(recommendations, today=None, by_province=False) -> dict:
    """Month by month, counted from the records: raised (by the month of the session),
    resolved (by the local month of the resolution), missed (due in the month: open past it,
    or resolved after it); and per lead department and month, resolved and on time."""
    today = today or timezone.localdate()
    key = "lead_department__short_code" if by_province else "lead_department_id"
    months = {}
    rates = {}

    def month(day):
        start = day.replace(day=1)
        return months.setdefault(start, {"raised": 0, "resolved": 0, "missed": 0})

    for item in recommendations.filter(consolidated_into=None).annotate(
            resolved_on=TruncDate("resolved_at"), session_date=F("session__date"),
            body=F(key)):
        month(item.session_date)["raised"] += 1
        if item.status in OPEN_STATUSES and item.due_date and item.due_date < today:
            month(item.due_date)["missed"] += 1
        if item.status == Status.RESOLVED and item.resolved_on:
            month(item.resolved_on)["resolved"] += 1
            late = item.due_date and item.resolved_on > item.due_date
            if late:
                month(item.due_date)["missed"] += 1
            if item.body is not None:
                cell = rates.setdefault(item.body, {}).setdefault(
                    item.resolved_on.replace(day=1), [0, 0])
                cell[0] += 1
                cell[1] += bool(item.due_date and not late)
    return {"months": months, "rates": rates}
