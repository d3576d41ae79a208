"""A national data set for the benchmark (`manage.py generate_scale`): every province, unit and
department, five rounds, sessions for every unit in every round, and a million recommendations
with their history.

Rows are generated in Python from a seed (the same seed gives the same data) and written with
COPY on PostgreSQL (executemany on SQLite, for tests at small scale), with ids assigned here so
the child rows can point at their parents without reading them back.

This is test tooling, not the portal: it writes statuses and their events directly, as a
million calls of the lifecycle services (recommendations/services/, the only writer of a
status in the portal) would take hours. Each status comes with the events of the path that
leads to it (PATHS), so the data set reads as if the services had written it.
"""

import datetime
import json
import random
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from communes import roles
from communes.cache import data_changed
from communes.models import AdministrativeUnit, Province, UserProfile
from communes.services import DATA_DIR, departments_import, units_import
from communes.text import fold
from inspections.models import (
    Category,
    CategoryRouting,
    Difficulty,
    Directive,
    DirectiveFollowUp,
    InspectionRound,
    Session,
    WorkingGroup,
)
from recommendations import tally
from recommendations.demo import LANG_SON_ROUTING, SCENARIO_FILE
from recommendations.models import Recommendation, RecommendationEvent, Response, Status

UNITS_PER_GROUP = 6
STATUS_WEIGHTS = {
    Status.NEW: 5, Status.ANSWERED_ON_THE_SPOT: 5, Status.ROUTED: 15, Status.ACCEPTED: 15,
    Status.IN_PROGRESS: 20, Status.RETURNED: 3, Status.PROPOSED_CENTRAL: 2, Status.RESOLVED: 30,
    Status.REOPENED: 5,
}
# The lifecycle path that leads to each status.
PATHS = {
    Status.NEW: [],
    Status.ANSWERED_ON_THE_SPOT: [Status.ANSWERED_ON_THE_SPOT],
    Status.ROUTED: [Status.ROUTED],
    Status.ACCEPTED: [Status.ROUTED, Status.ACCEPTED],
    Status.IN_PROGRESS: [Status.ROUTED, Status.ACCEPTED, Status.IN_PROGRESS],
    Status.RETURNED: [Status.ROUTED, Status.RETURNED],
    Status.PROPOSED_CENTRAL: [Status.PROPOSED_CENTRAL],
    Status.RESOLVED: [Status.ROUTED, Status.ACCEPTED, Status.IN_PROGRESS, Status.RESOLVED],
    Status.REOPENED: [Status.ROUTED, Status.ACCEPTED, Status.IN_PROGRESS, Status.RESOLVED,
                      Status.REOPENED],
}
HELD_BY_DEPARTMENT = {Status.ROUTED, Status.ACCEPTED, Status.IN_PROGRESS, Status.RESOLVED,
                      Status.REOPENED}
BENCH_PASSWORD = "langson2025"


@dataclass
class Counts:
    rows: dict = field(default_factory=dict)
    seconds: float = 0.0


def _adapt(value):
    """SQLite gets datetimes and dates the way Django stores them; PostgreSQL takes them."""
    if connection.vendor == "postgresql":
        return value
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, datetime.date):
        return connection.ops.adapt_datefield_value(value)
    return value


def _write(model, columns: list[str], rows: Iterable[tuple], counts: Counts) -> None:
    table = model._meta.db_table
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    written = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    written += 1
        else:
            sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
            batch = []
            for row in rows:
                batch.append([_adapt(value) for value in row])
                if len(batch) == 5000:
                    cursor.executemany(sql, batch)
                    written += len(batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                written += len(batch)
    counts.rows[table] = counts.rows.get(table, 0) + written


def _next_id(model) -> int:
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def _texts():
    scenario = json.loads(SCENARIO_FILE.read_text(encoding="utf-8"))
    groups = scenario["working_groups"]
    recommendations = [(r["category"], r["text_vi"]) for g in groups for r in g["recommendations"]]
    difficulties = [(d["category"], d["text_vi"]) for g in groups for d in g["difficulties"]]
    directives = [text for g in groups for text in g.get("directives_vi", [])]
    return recommendations, difficulties, directives


def reference_load() -> None:
    """All 34 provinces with their 3,321 units and 14 departments each, and default routing."""
    units_import(path=DATA_DIR / "communes_vietnam_3321.csv")
    categories = {c.code: c for c in Category.objects.all()}
    for province in Province.objects.all():
        departments_import(path=DATA_DIR / "departments.csv", province_code=province.code)
        departments = {d.short_code: d for d in province.departments.all()}
        for code, (lead, cooperating) in LANG_SON_ROUTING.items():
            routing, _created = CategoryRouting.objects.update_or_create(
                province=province, category=categories[code],
                defaults={"lead_department": departments[lead]})
            routing.cooperating_departments.set([departments[c] for c in cooperating])


def accounts_load() -> list[str]:
    """One account per role for the benchmark, in Lạng Sơn (20), password langson2025."""
    province = Province.objects.get(code="20")
    department = province.departments.get(short_code="SNV")
    User = get_user_model()
    accounts = {
        "bench.office": (roles.OFFICE_STAFF, province, None),
        "bench.head": (roles.DEPARTMENT_HEAD, province, department),
        "bench.staff": (roles.DEPARTMENT_STAFF, province, department),
        "bench.leader": (roles.LEADER, province, None),
        "bench.national": (roles.NATIONAL_VIEWER, None, None),
    }
    for username, (role, account_province, account_department) in accounts.items():
        user, _created = User.objects.get_or_create(username=username)
        user.set_password(BENCH_PASSWORD)
        user.save()
        user.groups.set([Group.objects.get(name=role)])
        UserProfile.objects.update_or_create(user=user, defaults={
            "province": account_province, "department": account_department})
    return list(accounts)


@transaction.atomic
def generate(*, recommendations: int, seed: int, rounds: int = 5,
             difficulties: int | None = None, directives: int | None = None,
             responses: int | None = None, events_per_recommendation: int = 5) -> Counts:
    """Build the data set; the other volumes default to the benchmark's proportions."""
    started = time.monotonic()
    counts = Counts()
    rng = random.Random(seed)
    difficulties = recommendations * 3 // 10 if difficulties is None else difficulties
    directives = recommendations // 2 if directives is None else directives
    responses = recommendations // 5 if responses is None else responses
    reference_load()
    accounts_load()
    rec_texts, diff_texts, directive_texts = _texts()
    folded = {text: fold(text) for _c, text in rec_texts + diff_texts}
    folded.update({text: fold(text) for text in directive_texts})
    categories = {c.code: c.pk for c in Category.objects.all()}
    routing = {(r.province_id, r.category_id): r.lead_department_id
               for r in CategoryRouting.objects.all()}
    units_by_province = {}
    for unit in AdministrativeUnit.objects.order_by("province_id", "code"):
        units_by_province.setdefault(unit.province_id, []).append(unit)

    # Rounds, groups and sessions: every unit in one session of every round.
    sessions = []  # (session id, province id, [unit], date)
    round_id, group_id, session_id = (_next_id(InspectionRound), _next_id(WorkingGroup),
                                      _next_id(Session))
    round_rows, group_rows, session_rows, session_units, group_units = [], [], [], [], []
    now = timezone.now()
    for province_id, units in units_by_province.items():
        for number in range(rounds):
            start = datetime.date(2025, 8, 1) + datetime.timedelta(days=61 * number)
            title = f"Đợt kiểm tra số {number + 1}"
            round_rows.append((round_id, province_id, title, start,
                               start + datetime.timedelta(days=27), "Ban Thường vụ", now, now))
            for index in range(0, len(units), UNITS_PER_GROUP):
                chunk = units[index:index + UNITS_PER_GROUP]
                group_rows.append((group_id, round_id, index // UNITS_PER_GROUP + 1,
                                   "Tổ trưởng", "", now))
                group_units += [(group_id, unit.pk) for unit in chunk]
                day = start + datetime.timedelta(days=index // UNITS_PER_GROUP % 20)
                session_rows.append((session_id, group_id, day, "morning", "", "", "",
                                     "final", 1, now))
                session_units += [(session_id, unit.pk) for unit in chunk]
                sessions.append((session_id, province_id, chunk, day))
                group_id += 1
                session_id += 1
            round_id += 1
    _write(InspectionRound, ["id", "province_id", "title", "period_start", "period_end",
                             "convened_by", "created_at", "updated_at"], round_rows, counts)
    _write(WorkingGroup, ["id", "round_id", "number", "leader_name", "leader_title",
                          "updated_at"], group_rows, counts)
    _write(WorkingGroup.units.through, ["workinggroup_id", "administrativeunit_id"],
           group_units, counts)
    _write(Session, ["id", "group_id", "date", "part_of_day", "venue", "unit_side",
                     "leader_assessment", "status", "version", "updated_at"], session_rows,
           counts)
    _write(Session.units.through, ["session_id", "administrativeunit_id"], session_units,
           counts)

    statuses = list(STATUS_WEIGHTS)
    weights = list(STATUS_WEIGHTS.values())
    today = timezone.localdate()
    first_rec = _next_id(Recommendation)
    plan = []  # (id, session, status, created) for events and responses

    def recommendation_rows():
        rec_id = first_rec
        for index in range(recommendations):
            session_pk, province_id, units, day = sessions[index % len(sessions)]
            category_code, text = rec_texts[rng.randrange(len(rec_texts))]
            unit = units[rng.randrange(len(units))]
            status = rng.choices(statuses, weights)[0]
            category_id = categories[category_code]
            lead = routing[(province_id, category_id)] if status in HELD_BY_DEPARTMENT else None
            created = timezone.make_aware(datetime.datetime.combine(
                day, datetime.time(9))) + datetime.timedelta(days=1)
            due = today + datetime.timedelta(days=rng.randint(-40, 60)) \
                if status in HELD_BY_DEPARTMENT else None
            resolved = created + datetime.timedelta(days=rng.randint(5, 50)) \
                if status == Status.RESOLVED else None
            plan.append((rec_id, status, created))
            full_text = f"{text} – {unit.name}"
            # Its last step (event_rows below takes one every two days).
            updated = created + datetime.timedelta(days=2 * len(PATHS[status]))
            yield (rec_id, session_pk, province_id, index % 3 != 0, category_id, full_text,
                   "province", status, lead, None, due, "normal", "",
                   "Bộ Nội vụ" if status == Status.PROPOSED_CENTRAL else "", None, created,
                   resolved, updated, f"{folded[text]} {fold(unit.name)}", unit.pk)
            rec_id += 1

    rec_columns = ["id", "session_id", "province_id", "raised_jointly", "category_id", "text",
                   "authority_level", "status", "lead_department_id", "assignee_id",
                   "due_date", "priority", "answered_by", "central_body",
                   "consolidated_into_id", "created_at", "resolved_at", "updated_at",
                   "search_text"]
    rec_units = []

    def recommendation_only():
        for row in recommendation_rows():
            rec_units.append((row[0], row[-1]))
            yield row[:-1]

    _write(Recommendation, rec_columns, recommendation_only(), counts)
    _write(Recommendation.units.through, ["recommendation_id", "administrativeunit_id"],
           rec_units, counts)

    def event_rows():
        for rec_id, status, created in plan:
            previous, at = Status.NEW, created
            steps = PATHS[status]
            for step in steps:
                at += datetime.timedelta(days=2)
                yield (rec_id, None, at, previous, step, "")
                previous = step
            for _note in range(max(events_per_recommendation - len(steps), 0)):
                at += datetime.timedelta(hours=6)
                yield (rec_id, None, at, previous, previous, "Ghi chú tiến độ")

    _write(RecommendationEvent, ["recommendation_id", "actor_id", "at", "from_status",
                                 "to_status", "note"], event_rows(), counts)

    resolved = [(rec_id, created) for rec_id, status, created in plan
                if status in (Status.RESOLVED, Status.IN_PROGRESS, Status.REOPENED)]
    _write(Response, ["recommendation_id", "kind", "department_id", "author_id", "text",
                      "created_at"],
           ((rec_id, "answer", None, None, "Sở đã tham mưu giải quyết kiến nghị.",
             created + datetime.timedelta(days=10))
            for rec_id, created in resolved[:responses]), counts)

    first_difficulty = _next_id(Difficulty)
    difficulty_units = []

    def difficulty_rows():
        for index in range(difficulties):
            session_pk, _province, units, _day = sessions[index % len(sessions)]
            code, text = diff_texts[rng.randrange(len(diff_texts))]
            unit = units[rng.randrange(len(units))]
            difficulty_units.append((first_difficulty + index, unit.pk))
            yield (first_difficulty + index, session_pk, categories[code], text, False,
                   folded[text], now)

    _write(Difficulty, ["id", "session_id", "category_id", "text", "raised_jointly",
                        "search_text", "updated_at"], difficulty_rows(), counts)
    _write(Difficulty.units.through, ["difficulty_id", "administrativeunit_id"],
           difficulty_units, counts)

    first_directive = _next_id(Directive)
    follow_ups = []

    def directive_rows():
        for index in range(directives):
            session_pk, _province, units, day = sessions[index % len(sessions)]
            text = directive_texts[rng.randrange(len(directive_texts))]
            unit = units[rng.randrange(len(units))]
            done = rng.random() < 0.4
            follow_ups.append((first_directive + index, unit.pk, None,
                               "done" if done else "pending", "",
                               day + datetime.timedelta(days=20) if done else None))
            yield (first_directive + index, session_pk, text,
                   today + datetime.timedelta(days=rng.randint(-30, 60)), folded[text], now)

    _write(Directive, ["id", "session_id", "text", "due_date", "search_text", "updated_at"],
           directive_rows(), counts)
    _write(DirectiveFollowUp, ["directive_id", "unit_id", "department_id", "status", "note",
                               "completed_on"], follow_ups, counts)

    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [
            InspectionRound, WorkingGroup, Session, Recommendation, RecommendationEvent,
            Response, Difficulty, Directive, DirectiveFollowUp,
        ]):
            cursor.execute(statement)
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
    # COPY sends no signals.
    tally.rebuild()
    data_changed()
    counts.seconds = time.monotonic() - started
    return counts
