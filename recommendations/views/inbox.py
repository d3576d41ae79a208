"""A department's inbox: what is routed to it, by tab, filter and sort."""

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from communes.cache import page_part_key
from communes.decorators import department_required, read_only
from communes.exports import export
from communes.pages import cached_page
from communes.paging import PagedByIds
from communes.scope import scope

from ..exports import recommendation_rows
from ..filters import InboxFilterSet
from ..models import OPEN_STATUSES, Recommendation
from ..work import WORK_TABS, inbox_tabs, tab_counts


@read_only
@department_required
@cached_page(vary=lambda request: request.user.pk if request.GET.get("mine") else None)
def inbox(request):
    user = request.user
    all_tabs = inbox_tabs()
    mine = Recommendation.objects.in_inbox_of(user)
    counts = SimpleLazyObject(lambda: tab_counts(user, mine, all_tabs))
    tab = request.GET.get("tab")
    if tab not in all_tabs:
        # The most urgent work there is: the first tab that holds something.
        tab = next((name for name in WORK_TABS if counts[name]), "all")
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
                      f"{_('Inbox')} – {all_tabs[tab][0]}", filters.in_words)
    if exported:
        return exported

    def page():
        paginator = Paginator(PagedByIds(items()), 25)
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
        "due_soon_days": settings.DUE_SOON_WORKING_DAYS,
        "today": timezone.localdate(), "open_statuses": [s.value for s in OPEN_STATUSES],
    })
