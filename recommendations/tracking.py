"""The national task-tracking split (theo dõi nhiệm vụ, as in Báo cáo 1270/BC-TCTTTg): the
recommendations and the directives of a round or a period, each a task of one lead body,
counted in the one split that the dashboard shows, the XLSX export writes and the API
gives. Every count, every row's cell and every list behind a number of the dashboard come
from `cell_conditions`, so they cannot diverge.

Not to be confused with the dashboard's older completion split per raising unit
(dashboard.completion, from the tally): it counts what a unit raised, not what a body leads,
and an open item or directive without a due date there is "within the deadline", where here
it has a column of its own. The two tables answer different questions; their cells differ.

The tasks
    A recommendation is a task once routed to a lead department and not merged into another:
    open (routed, accepted, in progress, reopened) or resolved. New, returned, answered on
    the spot or proposed to central level, it is nobody's task of the province. Its lead
    body is its lead department, its co-operating bodies its co-operating departments.
    A directive is a task of each addressee (a unit or a department), who reports its own
    completion: one task per addressee (DirectiveFollowUp), led by that addressee; a
    directive names no co-operating body.

The dates
    The deadline is the task's due date now: an approved extension moves a recommendation's
    due date (services.extension_decide), so the extended date counts. The completion date
    is the local date a recommendation was resolved on (resolved_at), the day a directive's
    addressee completed it (completed_on, from its accepted report).

The split as of a reference day D (today unless asked otherwise)
    - no deadline ("không có thời hạn"): every task without a due date, done or not;
      a column of its own so the totals reconcile;
    - completed (đã hoàn thành): done with a completion date on or before D (or done with
      no completion date recorded, which nothing shows to be late):
      - on time (đúng hạn): completion date ≤ deadline;
      - late (quá hạn): completion date > deadline;
    - not completed (chưa hoàn thành): still open, or completed only after D:
      - within the deadline (trong hạn): deadline ≥ D;
      - overdue (quá hạn): deadline < D.
    Each task is in exactly one of the five; total = the five added up.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Case, Count, F, Min, Q, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from communes.models import AdministrativeUnit, Department, ordering_through
from communes.scope import Scope, scope
from inspections.models import DirectiveFollowUp, IssuedDocument

from .models import OPEN_STATUSES, Recommendation, Status
from .notice import DOC_TYPE as NOTICE_TYPE

ON_TIME, LATE, PENDING, OVERDUE, NO_DEADLINE = (
    "on_time", "late", "pending", "overdue", "no_deadline")
CELLS = (ON_TIME, LATE, PENDING, OVERDUE, NO_DEADLINE)
CELL_LABELS = {
    ON_TIME: gettext_lazy("Completed on time"), LATE: gettext_lazy("Completed late"),
    PENDING: gettext_lazy("Not completed, within the deadline"),
    OVERDUE: gettext_lazy("Not completed, overdue"), NO_DEADLINE: gettext_lazy("No deadline"),
}

RECOMMENDATIONS, DIRECTIVES = "recommendation", "directive"
KINDS = (RECOMMENDATIONS, DIRECTIVES)
KIND_LABELS = {RECOMMENDATIONS: pgettext_lazy("kind of task", "Recommendation"),
               DIRECTIVES: pgettext_lazy("kind of task", "Directive")}


def recommendation_tasks(recommendations):
    """The recommendations that are tasks, with their deadline and completion date under
    the names `cell_conditions` reads."""
    return recommendations.filter(
        consolidated_into=None, status__in=[*OPEN_STATUSES, Status.RESOLVED]).annotate(
        task_due=F("due_date"), task_done_on=TruncDate("resolved_at"))


def directive_tasks(follow_ups):
    """The directives' addressees (every one is a task), likewise annotated."""
    return follow_ups.annotate(task_due=F("directive__due_date"),
                               task_done_on=F("completed_on"))


def _done(kind) -> tuple[Q, Q]:
    """(done, not done) of a task of `kind`, by its status."""
    if kind == RECOMMENDATIONS:
        return Q(status=Status.RESOLVED), Q(status__in=OPEN_STATUSES)
    return (Q(status=DirectiveFollowUp.Status.DONE),
            Q(status=DirectiveFollowUp.Status.PENDING))


def cell_conditions(kind, day: datetime.date) -> dict[str, Q]:
    """The condition of each cell of the split (module docstring) as of `day`, over tasks
    annotated by recommendation_tasks or directive_tasks. Written without negation, so a
    null date never slips out of every cell."""
    done, waiting = _done(kind)
    dated = Q(task_due__isnull=False)
    finished = done & (Q(task_done_on__isnull=True) | Q(task_done_on__lte=day))
    unfinished = waiting | (done & Q(task_done_on__gt=day))
    return {
        ON_TIME: dated & finished & (Q(task_done_on__isnull=True)
                                     | Q(task_done_on__lte=F("task_due"))),
        LATE: dated & finished & Q(task_done_on__gt=F("task_due")),
        PENDING: dated & unfinished & Q(task_due__gte=day),
        OVERDUE: dated & unfinished & Q(task_due__lt=day),
        NO_DEADLINE: Q(task_due__isnull=True),
    }


def in_cell(kind, tasks, cell: str, day=None):
    """The tasks (annotated) of one cell: the list behind a number of the dashboard."""
    return tasks.filter(cell_conditions(kind, day or timezone.localdate())[cell])


def cell_of(kind, day):
    """An expression giving each task's cell."""
    return Case(*[When(condition, then=Value(cell))
                  for cell, condition in cell_conditions(kind, day).items()], default=Value(""))


# Which tasks a user sees ---------------------------------------------------------------------

def visible_recommendations(user):
    return recommendation_tasks(Recommendation.objects.visible_to(user))


def visible_follow_ups(user):
    """The addressees of directives the user may see: a department's users see those
    addressed to their department (the directive pages are not theirs, but this is their own
    work), units' users none."""
    user_scope = scope(user)
    if user_scope.kind == Scope.DEPARTMENT:
        follow_ups = DirectiveFollowUp.objects.filter(
            department_id=user_scope.department_id,
            directive__session__group__round__province_id=user_scope.province_id)
    elif user_scope.kind == Scope.UNIT:
        follow_ups = DirectiveFollowUp.objects.none()
    else:
        follow_ups = DirectiveFollowUp.objects.visible_to(user)
    return directive_tasks(follow_ups)


PERIOD_LOOKUPS = {RECOMMENDATIONS: "session", DIRECTIVES: "directive__session"}


def of_period(kind, tasks, filters):
    """The tasks of the sessions the dashboard's filters (SessionPeriodFilterSet: round,
    session dates) choose; an invalid filter is left out, as on the lists."""
    filters.form.errors  # noqa: B018 (cleans the fields; the invalid ones are left out)
    period = filters.form.cleaned_data
    session = PERIOD_LOOKUPS[kind]
    for name, lookup in (("round", "group__round_id"), ("date_from", "date__gte"),
                         ("date_to", "date__lte")):
        if period.get(name):
            tasks = tasks.filter(**{f"{session}__{lookup}": period[name]})
    return tasks


def tasks_of(user, filters):
    """The tasks `user` may see of the sessions `filters` choose: (recommendations, directives'
    follow-ups), what the dashboard's split, the XLSX report and the API all count."""
    return (of_period(RECOMMENDATIONS, visible_recommendations(user), filters),
            of_period(DIRECTIVES, visible_follow_ups(user), filters))


# The split per lead body -----------------------------------------------------------------

@dataclass
class BodyRow:
    """A lead body's tasks in the split. `params`: the list filter that finds its tasks."""

    name: str
    params: dict
    on_time: int = 0
    late: int = 0
    pending: int = 0
    overdue: int = 0
    no_deadline: int = 0
    sort: tuple = field(default=(), repr=False, compare=False)

    @property
    def completed(self):
        return self.on_time + self.late

    @property
    def not_completed(self):
        return self.pending + self.overdue

    @property
    def total(self):
        return self.completed + self.not_completed + self.no_deadline

    def segments(self):
        """(cell, count) in the order of the split (the stacked bar's parts)."""
        return [(cell, getattr(self, cell)) for cell in CELLS]

    def cells(self):
        """(cell, count, label) in the order of the split (the table's columns)."""
        return [(cell, getattr(self, cell), CELL_LABELS[cell]) for cell in CELLS]

    def as_dict(self) -> dict:
        return {"name": self.name, "params": self.params,
                **{cell: getattr(self, cell) for cell in CELLS},
                "completed": self.completed, "not_completed": self.not_completed,
                "total": self.total}


@dataclass
class Part:
    """One kind of task (recommendations or directives) in the split: per lead body, and
    the sum, and the list each number links to."""

    kind: str
    rows: list
    list_name: str

    @property
    def label(self):
        return (_("Recommendations, by lead department") if self.kind == RECOMMENDATIONS
                else _("Directives, by addressee"))

    @property
    def totals(self) -> BodyRow:
        total = BodyRow(name=_("Total"), params={})
        for row in self.rows:
            for cell in CELLS:
                setattr(total, cell, getattr(total, cell) + getattr(row, cell))
        return total


def _counts(kind, day):
    return {cell: Count("pk", filter=condition)
            for cell, condition in cell_conditions(kind, day).items()}


def _by_recommendation_body(tasks, day, national):
    if national:
        rows = tasks.values("province_id").annotate(
            name=Min("province__name"), sort_name=Min("province__sort_name"), **_counts(
                RECOMMENDATIONS, day)).order_by()
        return [BodyRow(name=row["name"], params={"province": row["province_id"]},
                        sort=(row["sort_name"] or "", row["province_id"]),
                        **{cell: row[cell] for cell in CELLS}) for row in rows]
    rows = tasks.values("lead_department_id").annotate(
        name=Min("lead_department__name"), position=Min("lead_department__position"),
        sort_name=Min("lead_department__sort_name"),
        **_counts(RECOMMENDATIONS, day)).order_by()
    return [BodyRow(
        name=row["name"] or _("(not routed to a department)"),
        params={"department": row["lead_department_id"]} if row["lead_department_id"]
        else {"unrouted": "1"},
        sort=(row["lead_department_id"] is None, row["position"] or 0, row["sort_name"] or "",
              row["lead_department_id"] or 0),
        **{cell: row[cell] for cell in CELLS}) for row in rows]


def _by_directive_body(tasks, day, national):
    if national:
        key = "directive__session__group__round__province"
        rows = tasks.values(f"{key}_id").annotate(
            name=Min(f"{key}__name"), sort_name=Min(f"{key}__sort_name"),
            **_counts(DIRECTIVES, day)).order_by()
        return [BodyRow(name=row["name"], params={"province": row[f"{key}_id"]},
                        sort=(row["sort_name"] or "", row[f"{key}_id"]),
                        **{cell: row[cell] for cell in CELLS}) for row in rows]
    rows = tasks.values("unit_id", "department_id").annotate(
        unit_name=Min("unit__name"), unit_sort=Min("unit__sort_name"),
        department_name=Min("department__name"), position=Min("department__position"),
        department_sort=Min("department__sort_name"), **_counts(DIRECTIVES, day)).order_by()
    found = []
    for row in rows:
        # The province's bodies first, in its protocol order; then its units, in
        # Vietnamese dictionary order.
        if row["department_id"]:
            name, params = row["department_name"], {"department": row["department_id"]}
            sort = (0, row["position"] or 0, row["department_sort"] or "", row["department_id"])
        else:
            name, params = row["unit_name"], {"unit": row["unit_id"]}
            sort = (1, 0, row["unit_sort"] or "", row["unit_id"])
        found.append(BodyRow(name=name, params=params, sort=sort,
                             **{cell: row[cell] for cell in CELLS}))
    return found


def split(recommendations, follow_ups, day=None, national=False) -> list[Part]:
    """The split of these tasks (annotated, already chosen by scope and period) per lead
    body, as of `day`: one aggregate query per kind, whatever the number of tasks. The
    dashboard's table and picture, the export's summary and the API's are this."""
    day = day or timezone.localdate()
    parts = []
    for kind, tasks, by_body, list_name in (
            (RECOMMENDATIONS, recommendations, _by_recommendation_body, "recommendations:list"),
            (DIRECTIVES, follow_ups, _by_directive_body, "recommendations:directive_list")):
        rows = sorted(by_body(tasks, day, national), key=lambda row: row.sort)
        parts.append(Part(kind=kind, rows=[row for row in rows if row.total],
                          list_name=list_name))
    return parts


# The rows of the export --------------------------------------------------------------------

CHUNK = 2000


@dataclass
class Task:
    """One row of the export."""

    kind: str
    pk: int
    text: str
    document_number: str
    document_date: datetime.date | None
    document_issuer: str
    lead: str
    cooperating: str
    deadline: datetime.date | None
    completed_on: datetime.date | None
    status: str
    cell: str

    def as_dict(self) -> dict:
        return {"kind": self.kind, "id": self.pk, "text": self.text,
                "document": {"number": self.document_number, "date": self.document_date,
                             "issuer": self.document_issuer} if self.document_number else None,
                "lead": self.lead, "cooperating": self.cooperating,
                "deadline": self.deadline, "completed_on": self.completed_on,
                "status": self.status, "split": self.cell}


def _notices(session_ids) -> dict:
    """session → its conclusion notice in the register (the newest issued one): the
    document that gave the session's tasks."""
    found = {}
    for document in IssuedDocument.objects.issued().filter(
            session_id__in=set(session_ids), doc_type=NOTICE_TYPE).order_by(
            "session_id", "-date", "-number").only(
            "session_id", "number_text", "date", "issuer_name"):
        found.setdefault(document.session_id, document)
    return found


def _document(document):
    if document is None:
        return "", None, ""
    return document.number_text, document.date, document.issuer_name


def _recommendation_order(tasks):
    return tasks.order_by(F("lead_department__position").asc(nulls_last=True),
                          "lead_department__sort_name", F("due_date").asc(nulls_last=True),
                          "id")


def recommendation_count(tasks) -> int:
    return tasks.count()


def recommendation_rows(tasks, day, start=0, stop=None):
    """Task rows of these recommendations (annotated), CHUNK at a time: two more queries
    per chunk (co-operating departments, notices)."""
    statuses = dict(Status.choices)
    rows = _recommendation_order(tasks).annotate(cell=cell_of(RECOMMENDATIONS, day)).values_list(
        "pk", "text", "session_id", "lead_department__name", "task_due", "task_done_on",
        "status", "cell")[start:stop]
    for chunk in _chunks(rows):
        ids = [row[0] for row in chunk]
        cooperating = {}
        for pk, name in Recommendation.cooperating_departments.through.objects.filter(
                recommendation_id__in=ids).order_by(
                *ordering_through("department", Department)).values_list(
                "recommendation_id", "department__name"):
            cooperating.setdefault(pk, []).append(name)
        notices = _notices(row[2] for row in chunk)
        for pk, text, session, lead, due, done_on, status, cell in chunk:
            yield Task(RECOMMENDATIONS, pk, text, *_document(notices.get(session)), lead or "",
                       ", ".join(cooperating.get(pk, [])), due, done_on,
                       str(statuses[status]), cell)


def _directive_order(tasks):
    return tasks.order_by(F("directive__due_date").asc(nulls_last=True), "directive_id",
                          *ordering_through("unit", AdministrativeUnit),
                          *ordering_through("department", Department), "id")


def directive_rows(tasks, day, start=0, stop=None):
    """Task rows of these directives' addressees (annotated): the document the directive
    cites, or else its session's conclusion notice."""
    statuses = dict(DirectiveFollowUp.Status.choices)
    rows = _directive_order(tasks).annotate(cell=cell_of(DIRECTIVES, day)).values_list(
        "pk", "directive__text", "directive__session_id", "directive__cited_document_id",
        "unit__name", "department__name", "task_due", "task_done_on", "status",
        "cell")[start:stop]
    for chunk in _chunks(rows):
        cited = IssuedDocument.objects.in_bulk({row[3] for row in chunk if row[3]})
        notices = _notices(row[2] for row in chunk)
        for (pk, text, session, document, unit, department, due, done_on, status,
             cell) in chunk:
            shown = cited.get(document) or notices.get(session)
            yield Task(DIRECTIVES, pk, text, *_document(shown), unit or department or "", "",
                       due, done_on, str(statuses[status]), cell)


def _chunks(rows):
    chunk = []
    for row in rows.iterator(chunk_size=CHUNK):
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def task_rows(recommendations, follow_ups, day, start=0, stop=None):
    """The rows of both kinds, recommendations first, from `start` to `stop` (a page of the
    API) without reading the rows before it."""
    count = recommendations.count() if start or stop is not None else None
    if count is None:
        yield from recommendation_rows(recommendations, day)
        yield from directive_rows(follow_ups, day)
        return
    if start < count:
        yield from recommendation_rows(recommendations, day, start,
                                       None if stop is None else min(stop, count))
    if stop is None or stop > count:
        yield from directive_rows(follow_ups, day, max(start - count, 0),
                                  None if stop is None else stop - count)
