"""Reads shared by the recommendation pages that are more than a QuerySet method."""

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import get_language

from communes.cache import cached, version_names
from communes.models import AdministrativeUnit, Department, Province
from communes.scope import Scope, scope
from inspections.models import (
    Category,
    CategoryRouting,
    DirectiveFollowUp,
    DirectiveReport,
    InspectionRound,
    Session,
    WorkingGroup,
)

from .models import AnswerReceipt, ExtensionRequest, Recommendation, Status, deadlines
from .services import default_due_date

FILTER_KINDS = ("provinces", "rounds", "groups", "departments", "categories", "units")


def filter_choices(user, kinds=FILTER_KINDS) -> dict:
    """The options of the lists' filters, as (value, label) pairs, among what the user may
    see: the rounds, working groups, departments and units of the user's province (for a
    department, the rounds and groups of what is routed to it; nationally the provinces,
    every round and department, and no groups or units, thousands of them), and the
    categories. Read once per
    data version, scope and language (communes/cache.py), since every list page shows them."""
    user_scope = scope(user)
    national = user_scope.kind == Scope.ALL

    def read_all():
        if user_scope.kind == Scope.DEPARTMENT:
            # The province's sessions that hold one of its items, one index probe each: an
            # IN over the rounds of its (thousands of) items took PostgreSQL seconds.
            held = Recommendation.objects.within(user_scope).filter(session=OuterRef("pk"))
            sessions = Session.objects.filter(
                group__round__province_id=user_scope.province_id).filter(Exists(held))
            rounds = InspectionRound.objects.filter(pk__in=sessions.values("group__round"))
            groups = WorkingGroup.objects.filter(pk__in=sessions.values("group"))
        else:
            rounds = InspectionRound.objects.within(user_scope)
            groups = WorkingGroup.objects.none() if national else \
                WorkingGroup.objects.within(user_scope)
        departments = Department.objects.all() if national else \
            Department.objects.filter(province_id=user_scope.province_id)
        units = AdministrativeUnit.objects.none() if national else \
            AdministrativeUnit.objects.within(user_scope)
        read = {
            "provinces": lambda: [(str(p.pk), str(p)) for p in Province.objects.all()]
            if national else [],
            "rounds": lambda: [(str(r.pk), str(r)) for r in rounds],
            "groups": lambda: [(str(g.pk), f"{g} – {g.round}")
                               for g in groups.select_related("round")],
            "departments": lambda: [(str(d.pk), str(d)) for d in departments],
            "categories": lambda: [(str(c.pk), str(c)) for c in Category.objects.all()],
            "units": lambda: [(str(u.pk), str(u)) for u in units],
        }
        return {kind: read[kind]() for kind in kinds}

    # Labels of filters: served while they are read anew after a change.
    return cached("filter-choices", (user_scope.key, get_language(), tuple(kinds)), read_all,
                  depends_on=version_names(user_scope), stale_ok=True)


def routing_initial(province, recommendations) -> list[dict]:
    """What each row of the routing page (views/routing.py) starts from: its category's
    default routing in `province` (CategoryRouting) and the default due date. A returned item
    gets no default department: it came back from where the default would send it again, so
    the office chooses."""
    defaults = {
        r.category_id: r for r in CategoryRouting.objects.filter(
            province=province).prefetch_related("cooperating_departments")
    }
    due = default_due_date()
    initial = []
    for recommendation in recommendations:
        default = None if recommendation.status == Status.RETURNED else defaults.get(
            recommendation.category_id)
        initial.append({
            "recommendation": recommendation.pk,
            "lead_department": default.lead_department_id if default else None,
            "cooperating_departments": [d.pk for d in default.cooperating_departments.all()]
            if default else [],
            "due_date": due,
        })
    return initial


# The office's follow-up (views/follow_up.py): its lists, one shown at a time, and the states
# its list of directives' addressees is read in.
FOLLOW_UP_SECTIONS = ("overdue", "due_soon", "extensions", "directives", "unit_reports",
                      "reopening")
FOLLOW_UP_STATES = {
    "pending": Q(status=DirectiveFollowUp.Status.PENDING),
    "overdue": Q(status=DirectiveFollowUp.Status.PENDING),  # and due before today, below
    "done": Q(status=DirectiveFollowUp.Status.DONE),
}


def follow_up(user, section, state, today) -> tuple[dict, object]:
    """The office's follow-up as `user` sees it on `today`: how many rows each list but the
    directives holds (its tabs' numbers), and the rows of `section` (for "directives", the
    addressees' follow-ups in `state`) in the order the page shows them.

    The lists: recommendations overdue or due soon (models.deadlines), extension requests
    waiting for a decision, units' reports on directives waiting for one, units' requests to
    reopen an answered recommendation waiting for the office, and each directive's addressees
    (an overdue one is pending past its directive's due date)."""
    soon, overdue = deadlines(today)
    visible = Recommendation.objects.visible_to(user)
    counts = visible.aggregate(overdue=Count("id", filter=overdue),
                               due_soon=Count("id", filter=soon))
    extensions = ExtensionRequest.objects.filter(
        decision=ExtensionRequest.Decision.PENDING, recommendation__in=visible)
    counts["extensions"] = extensions.count()
    unit_reports = DirectiveReport.objects.visible_to(user).filter(
        decision=DirectiveReport.Decision.PENDING)
    reopening = AnswerReceipt.objects.visible_to(user).filter(
        decision=AnswerReceipt.Decision.PENDING)
    counts["unit_reports"], counts["reopening"] = unit_reports.count(), reopening.count()
    if section in ("overdue", "due_soon"):
        rows = visible.filter(overdue if section == "overdue" else soon).select_related(
            "category", "lead_department", "session__group").order_by("due_date", "id")
    elif section == "extensions":
        rows = extensions.select_related(
            "recommendation__lead_department", "requested_by").order_by("requested_at")
    elif section == "unit_reports":
        rows = unit_reports.select_related(
            "follow_up__unit", "follow_up__directive__session__group", "submitted_by"
        ).prefetch_related("attachments").order_by("submitted_at", "id")
    elif section == "reopening":
        rows = reopening.select_related("unit", "answer__recommendation").order_by(
            "responded_at", "id")
    else:
        rows = DirectiveFollowUp.objects.visible_to(user).filter(FOLLOW_UP_STATES[state])
        if state == "overdue":
            rows = rows.filter(directive__due_date__lt=today)
        # A directive's addressees as its page lists them (units, then bodies in protocol
        # order), not in the order they were added.
        rows = rows.select_related("unit", "department", "directive__session__group").order_by(
            "directive__due_date", "directive_id", *DirectiveFollowUp._meta.ordering)
    return counts, rows
