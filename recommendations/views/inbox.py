"""A department's inbox: what is routed to it, by tab, filter and sort."""

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from communes.cache import page_part_key
from communes.decorators import department_required, read_only
from communes.exports import export
from communes.pages import cached_page
from communes.scope import scope

from ..exports import recommendation_rows
from ..filters import InboxFilterSet
from ..models import OPEN_STATUSES, Recommendation, Status, deadlines

DONE_STATUSES = (Status.RESOLVED, Status.PROPOSED_CENTRAL, Status.RETURNED,
                 Status.ANSWERED_ON_THE_SPOT)


def tabs(today=None) -> dict:
    """Tab name → (label, filter)."""
    due = deadlines(today or timezone.localdate())
    return {
        "new": (_("New"), Q(status=Status.ROUTED)),
        "in_progress": (_("In progress"),
                        Q(status__in=(Status.ACCEPTED, Status.IN_PROGRESS, Status.REOPENED))),
        "due_soon": (_("Due soon"), due.due_soon),
        "overdue": (_("Overdue"), due.overdue),
        "done": (_("Done"), Q(status__in=DONE_STATUSES)),
        "all": (_("All"), Q()),
    }


@read_only
@department_required
@cached_page(vary=lambda request: request.user.pk if request.GET.get("mine") else None)
def inbox(request):
    user = request.user
    all_tabs = tabs()
    tab = request.GET.get("tab") if request.GET.get("tab") in all_tabs else "new"
    mine = Recommendation.objects.in_inbox_of(user)
    filters = InboxFilterSet(request.GET, mine.filter(all_tabs[tab][1]), request=request)
    chosen = filters.applied
    # A chosen sort is not a filter: the tab's count still holds.
    filtering = {name for name in chosen if name != "sort"}

    def items():
        return filters.qs.select_related(
            "category", "session__group__round", "lead_department", "assignee"
        ).prefetch_related("units")

    def rows():  # a generator: nothing is read unless an export asks for it
        yield from recommendation_rows(items())

    exported = export(request, rows(), f"kien-nghi-duoc-giao-{timezone.localdate():%Y%m%d}",
                      _("Inbox"))
    if exported:
        return exported
    counts = SimpleLazyObject(lambda: mine.aggregate(
        **{name: Count("id", filter=condition) for name, (_label, condition) in all_tabs.items()}))

    def page():
        paginator = Paginator(items(), 25)
        if not filtering:
            paginator.count = counts[tab]  # the tab's own count, read with the others
        return paginator.get_page(page_number)

    page_number = request.GET.get("page", "")
    return render(request, "recommendations/inbox.html", {
        # Read only when the inbox's parts of the page are not in the cache (communes/cache.py).
        "page": SimpleLazyObject(page),
        "tabs": SimpleLazyObject(lambda: [(name, label, counts[name])
                                          for name, (label, _q) in all_tabs.items()]),
        "cache_key": page_part_key(user, tab, filters.typed, page_number,
                                   user.pk if chosen.get("mine") else None),
        "tab": tab, "chosen": chosen, "filters": filters, "keep": {"tab": tab},
        "page_params": {"tab": tab, **chosen},
        "department_id": scope(user).department_id,
        "today": timezone.localdate(), "open_statuses": [s.value for s in OPEN_STATUSES],
    })
