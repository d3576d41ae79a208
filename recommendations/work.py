"""What waits for each role: the queues their home page shows, each with its count, the list
that holds it and the item that has waited longest.

A queue is read with two queries (its count, then its first item), whatever its size, and
every condition here is one the lists behind the links apply, so the count on the home page
is the count of the list it opens (tests/recommendations/test_home.py follows every link).
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from communes.cache import cached, version_names
from communes.scope import Scope, scope
from inspections.models import (
    DirectiveFollowUp,
    DirectiveReport,
    Session,
    UnitReport,
    UnitSubmission,
)

from . import dashboard
from .models import (
    OPEN_STATUSES,
    AnswerReceipt,
    ExtensionRequest,
    Recommendation,
    Status,
    Tally,
    deadlines,
)

# The tabs a department works through, most urgent first; "all" is their sum.
WORK_TABS = ("overdue", "due_soon", "new", "in_progress")


def inbox_tabs(today=None) -> dict:
    """A department's inbox: tab name → (label, filter). The tabs before "all" partition the
    items: each is in exactly one of them, so their counts add up to the count of "all". An
    open item that is overdue or due soon is in those tabs, whatever its status; the others by
    status. The department's home shows the work tabs as its queues."""
    due = deadlines(today or timezone.localdate())
    urgent = due.overdue | due.due_soon
    return {
        "overdue": (_("Overdue"), due.overdue),
        "due_soon": (_("Due soon"), due.due_soon),
        "new": (_("Not yet accepted"), Q(status=Status.ROUTED) & ~urgent),
        "in_progress": (_("In progress"), Q(status__in=(
            Status.ACCEPTED, Status.IN_PROGRESS, Status.REOPENED)) & ~urgent),
        # Resolved, returned to the office, proposed to central level: out of its hands.
        "done": (_("Closed"), ~Q(status__in=OPEN_STATUSES)),
        "all": (_("All"), Q()),
    }


def tab_counts(user, mine, all_tabs) -> dict:
    """How many items each tab holds, counted once per data version (and day) for all the
    inbox's pages, whatever their filters."""
    user_scope = scope(user)
    return cached("inbox-counts", (user_scope.key, timezone.localdate(),
                                   settings.DUE_SOON_WORKING_DAYS), lambda: mine.aggregate(
        **{name: Count("id", filter=condition)
           for name, (_label, condition) in all_tabs.items()}),
        depends_on=version_names(user_scope))


# How long a decision on a department's extension request stays on its home page.
EXTENSION_ANSWERS_DAYS = 14


@dataclass
class Item:
    """One thing to act on: what it is, where to act on it, and the day that matters (its due
    date, or since when it waits)."""

    label: str
    url: str
    detail: str = ""
    when: str = ""
    overdue: bool = False


@dataclass
class Part:
    """A share of a queue, with the list that holds it."""

    label: str
    count: int
    url: str


@dataclass
class Queue:
    """One kind of work: how many, the list that holds them, and the first ones to take."""

    name: str
    label: str
    count: int
    url: str
    items: list = field(default_factory=list)
    urgent: bool = False  # late work: shown in the warning colour when there is any
    # Where the work is done, when that is not the list itself (the routing screen).
    action_url: str = ""
    action_label: str = ""
    # Its count split, each share a link (what is assigned to the user, by tab).
    parts: list = field(default_factory=list)


def _list(name, **params) -> str:
    query = urlencode({key: value for key, value in params.items() if value not in (None, "")})
    return reverse(name) + (f"?{query}" if query else "")


def _day(label, moment) -> str:
    """"due 09/12/2026", "sent 04/08/2025": a date the Vietnamese way, in local time."""
    if moment is None:
        return ""
    if hasattr(moment, "tzinfo"):
        moment = timezone.localtime(moment).date()
    return label % {"date": f"{moment:%d/%m/%Y}"}


def _raised_at(item) -> str:
    """Where a recommendation was raised, for a department (its own name says nothing)."""
    return f"{item.session.group} – {item.session.date:%d/%m/%Y}"


def _recommendation_item(item, *, when="", today=None, detail=None) -> Item:
    overdue = bool(today and item.due_date and item.due_date < today
                   and item.status in OPEN_STATUSES)
    return Item(label=f"#{item.pk} {item.text}", url=reverse("recommendations:detail",
                                                            args=[item.pk]),
                detail=detail or str(item.lead_department or item.session.group),
                overdue=overdue,
                when=when or _day(_("due %(date)s"), item.due_date))


def _first(queryset, count=1):
    return list(queryset[:count])


def office_queues(user, today=None) -> list[Queue]:
    """The province's office: the units' reports to take into the record, items to route
    and returned, the departments' extension requests, the units' reports on their tasks
    and requests to reopen, answers to send the units, and what is late."""
    today = today or timezone.localdate()
    visible = Recommendation.objects.visible_to(user).filter(consolidated_into=None)
    related = ("category", "lead_department", "session__group")
    queues = []

    # Sent by a unit before a session that is still being recorded, and not in its record.
    recorded = UnitReport.objects.filter(session=OuterRef("session"), unit=OuterRef("unit"))
    submissions = UnitSubmission.objects.visible_to(user).filter(
        session__status=Session.Status.DRAFT).exclude(Exists(recorded))
    sessions = (Session.objects.filter(pk__in=submissions.values("session"))
                .select_related("group").annotate(sent=Count(
                    "submissions", filter=Q(submissions__in=submissions)))
                .order_by("date", "id"))
    queues.append(Queue(
        name="submissions", label=_("Units' reports to take into the record"),
        # No list of its own: each session's recording page takes its units' reports in.
        count=submissions.count(), url="",
        items=[Item(label=f"{s.group} – {s.date:%d/%m/%Y}",
                    url=reverse("recommendations:session_record", args=[s.pk]),
                    detail=ngettext("%(count)s unit sent its report",
                                    "%(count)s units sent their report", s.sent)
                    % {"count": s.sent},
                    when=_day(_("session %(date)s"), s.date)) for s in _first(sessions, 3)]))

    for status, name, label in (
            (Status.NEW, "to_route", _("Recommendations to route")),
            (Status.RETURNED, "returned", _("Returned by the departments"))):
        items = visible.filter(status=status)
        first = _first(items.select_related(*related).order_by("session__date", "id"), 3)
        queues.append(Queue(
            name=name, label=label, count=items.count(),
            url=_list("recommendations:list", status=status.value),
            items=[_recommendation_item(i, when=_day(_("raised %(date)s"), i.session.date))
                   for i in first],
            # Routed on the routing screen of their round: the oldest one's first.
            action_url=reverse("recommendations:routing",
                               args=[first[0].session.group.round_id]) if first else "",
            action_label=_("Open the routing screen")))

    extensions = ExtensionRequest.objects.filter(
        decision=ExtensionRequest.Decision.PENDING, recommendation__in=visible)
    queues.append(Queue(
        name="extensions", label=_("Extension requests to decide"), count=extensions.count(),
        url=_list("recommendations:follow_up", show="extensions"),
        items=[Item(label=f"#{e.recommendation_id} {e.recommendation.text}",
                    url=reverse("recommendations:detail", args=[e.recommendation_id]),
                    detail=str(e.recommendation.lead_department or ""),
                    when=_day(_("asked %(date)s"), e.requested_at))
               for e in _first(extensions.select_related(
                   "recommendation__lead_department").order_by("requested_at", "id"), 3)]))

    reports = DirectiveReport.objects.visible_to(user).filter(
        decision=DirectiveReport.Decision.PENDING)
    queues.append(Queue(
        name="unit_reports", label=_("Units' reports on their tasks to decide"),
        count=reports.count(), url=_list("recommendations:follow_up", show="unit_reports"),
        items=[Item(label=r.follow_up.directive.text,
                    url=_list("recommendations:follow_up", show="unit_reports"),
                    detail=str(r.follow_up.unit or r.follow_up.department),
                    when=_day(_("sent %(date)s"), r.submitted_at))
               for r in _first(reports.select_related(
                   "follow_up__directive", "follow_up__unit", "follow_up__department")
                   .order_by("submitted_at", "id"), 3)]))

    to_send = visible.answer_not_sent()
    queues.append(Queue(
        name="answers", label=_("Answers to send to the units"), count=to_send.count(),
        url=_list("recommendations:list", answer="to_send"),
        items=[_recommendation_item(i, when=_day(_("closed %(date)s"),
                                                 i.resolved_at or i.updated_at))
               for i in _first(to_send.select_related(*related).order_by("updated_at", "id"),
                               3)]))

    reopening = AnswerReceipt.objects.visible_to(user).filter(
        decision=AnswerReceipt.Decision.PENDING)
    queues.append(Queue(
        name="reopening", label=_("Units asking to reopen"), count=reopening.count(),
        url=_list("recommendations:follow_up", show="reopening"),
        items=[Item(label=f"#{r.answer.recommendation_id} {r.answer.recommendation.text}",
                    url=reverse("recommendations:detail", args=[r.answer.recommendation_id]),
                    detail=str(r.unit), when=_day(_("asked %(date)s"), r.responded_at))
               for r in _first(reopening.select_related("answer__recommendation", "unit")
                               .order_by("responded_at", "id"), 3)]))

    overdue = visible.filter(deadlines(today).overdue)
    queues.append(Queue(
        name="overdue", label=_("Overdue recommendations"), count=overdue.count(),
        url=_list("recommendations:list", deadline="overdue"), urgent=True,
        items=[_recommendation_item(i, today=today)
               for i in _first(overdue.select_related(*related).order_by("due_date", "id"),
                               3)]))

    late_tasks = DirectiveFollowUp.objects.visible_to(user).filter(
        status=DirectiveFollowUp.Status.PENDING, directive__due_date__lt=today)
    queues.append(Queue(
        name="overdue_tasks", label=_("Overdue tasks of the units and departments"),
        count=late_tasks.count(), urgent=True,
        url=_list("recommendations:follow_up", show="directives", directives="overdue"),
        items=[Item(label=f.directive.text,
                    url=reverse("inspections:directive_detail", args=[f.directive_id]),
                    detail=str(f.unit or f.department),
                    when=_day(_("due %(date)s"), f.directive.due_date),
                    overdue=True)
               for f in _first(late_tasks.select_related(
                   "directive", "unit", "department").order_by("directive__due_date", "id"),
                   3)]))
    return queues


def figures_at_a_glance(user, today=None) -> dict:
    """The leaders' first look, from the dashboard's tally (models.Tally): how many
    recommendations, overdue, due soon and resolved; and per lead department (per kind of
    department, nationally) its overdue ones, most first — who is furthest behind — each
    with the list that shows them. The dashboard's own counts (dashboard.py)."""
    today = today or timezone.localdate()
    tallies = Tally.objects.visible_to(user).filter(kind=Tally.Kind.RECOMMENDATIONS)
    totals, _by_status = dashboard.counts(tallies, today)
    national = scope(user).kind == Scope.ALL
    key, param = dashboard.department_key(national)
    # By_department's order (protocol order for ties) kept among equal overdue counts.
    rows = sorted((row for row in dashboard.by_department(tallies, today, national)
                   if row["overdue"] and row[key] is not None),
                  key=lambda row: -row["overdue"])
    top = max((row["overdue"] for row in rows), default=0) or 1
    behind = [{"name": row["name"], "count": row["overdue"],
               "width": round(100 * row["overdue"] / top, 1),
               "url": _list("recommendations:list", deadline="overdue", **{param: row[key]})}
              for row in rows]
    return {"totals": totals, "behind": behind,
            "links": {"total": _list("recommendations:list"),
                      "overdue": _list("recommendations:list", deadline="overdue"),
                      "due_soon": _list("recommendations:list", deadline="due_soon"),
                      "resolved": _list("recommendations:list", status=Status.RESOLVED.value)}}


def department_queues(user, today=None) -> list[Queue]:
    """A department's users: the work tabs of its inbox (overdue, due soon, not yet
    accepted, in progress), what is assigned to the user in each, and the office's
    decisions on its extension requests."""
    today = today or timezone.localdate()
    inbox = Recommendation.objects.in_inbox_of(user)
    tabs = inbox_tabs(today)
    # The inbox's own counts (one query, kept while the data are unchanged): the home and
    # the inbox cannot disagree.
    counts = tab_counts(user, inbox, tabs)
    related = ("category", "lead_department", "session__group")
    queues = []
    for name in WORK_TABS:
        label, condition = tabs[name]
        items = inbox.filter(condition)
        queues.append(Queue(
            name=name, label=label, count=counts[name],
            urgent=name == "overdue", url=_list("recommendations:inbox", tab=name),
            items=[_recommendation_item(i, today=today, detail=_raised_at(i)) for i in _first(
                items.select_related(*related).order_by("due_date", "id"), 3)]))
    # What the user was given, in the same tabs: each part opens that tab of "assigned to me".
    assigned = inbox.filter(assignee=user)
    counted = assigned.aggregate(**{name: Count("id", filter=tabs[name][1])
                                    for name in WORK_TABS})
    queues.append(Queue(
        name="mine", label=_("Assigned to you"), count=sum(counted.values()), url="",
        parts=[Part(label=tabs[name][0], count=counted[name],
                    url=_list("recommendations:inbox", tab=name, mine="on"))
               for name in WORK_TABS if counted[name]],
        items=[_recommendation_item(i, today=today, detail=_raised_at(i)) for i in _first(
            assigned.filter(status__in=OPEN_STATUSES).select_related(*related)
            .order_by("due_date", "id"), 3)]))
    department_id = scope(user).department_id
    decided = ExtensionRequest.objects.filter(
        recommendation__in=inbox, recommendation__lead_department=department_id,
        decided_at__gte=timezone.now() - timedelta(days=EXTENSION_ANSWERS_DAYS)).exclude(
        decision=ExtensionRequest.Decision.PENDING)
    first = _first(decided.select_related("recommendation").order_by("-decided_at", "-id"), 5)
    queues.append(Queue(
        name="extensions", label=_("Answers to your extension requests"),
        count=decided.count(), url="",
        items=[Item(label=f"#{e.recommendation_id} {e.recommendation.text}",
                    url=reverse("recommendations:detail", args=[e.recommendation_id]),
                    detail=f"{e.get_decision_display()}: {e.proposed_due_date:%d/%m/%Y}",
                    when=_day(_("decided %(date)s"), e.decided_at)) for e in first]))
    return queues
