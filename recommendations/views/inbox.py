"""A department's inbox: what is routed to it, by tab, filter and sort."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, Count, Q, Value, When
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from communes import roles
from communes.cache import page_part_key
from communes.decorators import read_only

from ..exports import export, recommendation_rows
from ..models import OPEN_STATUSES, Recommendation, Status
from ..queries import deadline_filters, filter_choices, filtered

DONE_STATUSES = (Status.RESOLVED, Status.PROPOSED_CENTRAL, Status.RETURNED,
                 Status.ANSWERED_ON_THE_SPOT)
# Urgent first: the stored values do not sort that way by themselves.
PRIORITY_RANK = Case(When(priority="urgent", then=Value(0)), When(priority="high", then=Value(1)),
                     default=Value(2))
# Statuses in the order of the lifecycle, not of their codes.
STATUS_RANK = Case(*[When(status=value, then=Value(rank))
                     for rank, value in enumerate(Status.values)], default=Value(99))
SORTS = {
    "due": ("due_date", "id"), "-due": ("-due_date", "-id"),
    "new": ("-created_at", "-id"), "old": ("created_at", "id"),
    "priority": (PRIORITY_RANK, "due_date", "id"), "status": (STATUS_RANK, "due_date", "id"),
}


def tabs(today=None) -> dict:
    """Tab name → (label, filter)."""
    soon, overdue = deadline_filters(today or timezone.localdate())
    return {
        "new": (_("New"), Q(status=Status.ROUTED)),
        "in_progress": (_("In progress"),
                        Q(status__in=(Status.ACCEPTED, Status.IN_PROGRESS, Status.REOPENED))),
        "due_soon": (_("Due soon"), soon),
        "overdue": (_("Overdue"), overdue),
        "done": (_("Done"), Q(status__in=DONE_STATUSES)),
        "all": (_("All"), Q()),
    }


INBOX_FILTERS = ("status", "category", "unit", "group", "round")


@read_only
@login_required
def inbox(request):
    user = request.user
    if not roles.is_department_user(user):
        raise PermissionDenied
    all_tabs = tabs()
    tab = request.GET.get("tab") if request.GET.get("tab") in all_tabs else "new"
    sort = request.GET.get("sort") if request.GET.get("sort") in SORTS else "due"
    # Which filters the request sets (no query runs for this).
    _none, chosen = filtered(Recommendation.objects.none(), request.GET, INBOX_FILTERS)
    if request.GET.get("mine") == "1":
        chosen["mine"] = "1"

    def items():
        found, _chosen = filtered(Recommendation.objects.visible_to(user).filter(
            all_tabs[tab][1]), request.GET, INBOX_FILTERS)
        if chosen.get("mine"):
            found = found.filter(assignee=user)
        return (found.order_by(*SORTS[sort])
                .select_related("category", "session__group__round", "lead_department",
                                "assignee").prefetch_related("units"))

    def rows():  # a generator: nothing is read unless an export asks for it
        yield from recommendation_rows(items())

    exported = export(request, rows(), f"kien-nghi-duoc-giao-{timezone.localdate():%Y%m%d}",
                      _("Inbox"))
    if exported:
        return exported
    counts = SimpleLazyObject(lambda: Recommendation.objects.visible_to(user).aggregate(
        **{name: Count("id", filter=condition) for name, (_label, condition) in all_tabs.items()}))

    def page():
        paginator = Paginator(items(), 25)
        if not chosen:
            paginator.count = counts[tab]  # the tab's own count, read with the others
        return paginator.get_page(page_number)

    page_number = request.GET.get("page", "")
    return render(request, "recommendations/inbox.html", {
        # Read only when the inbox's parts of the page are not in the cache (communes/cache.py).
        "page": SimpleLazyObject(page),
        "tabs": SimpleLazyObject(lambda: [(name, label, counts[name])
                                          for name, (label, _q) in all_tabs.items()]),
        "cache_key": page_part_key(user, tab, sort, sorted(chosen.items()), page_number,
                                   user.pk if chosen.get("mine") else None),
        "tab": tab, "sort": sort, "chosen": chosen,
        "page_params": {"tab": tab, "sort": sort, **chosen},
        "department_id": getattr(getattr(user, "profile", None), "department_id", None),
        "today": timezone.localdate(), "statuses": Status.choices,
        "choices": filter_choices(user, ("rounds", "groups", "categories", "units")),
        "open_statuses": [s.value for s in OPEN_STATUSES],
    })
