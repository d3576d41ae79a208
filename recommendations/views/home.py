"""The home page: what waits for the user. The office sees its queues, a department its own,
leaders the figures they read first and which body is furthest behind; everyone who reads the
province sees its rounds below. A commune's or ward's staff have their unit's page."""

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from communes import roles
from communes.cache import figures_versions, page_part_key
from communes.decorators import login_page, read_only
from communes.pages import cached_page
from inspections.models import InspectionRound, Session, WorkingGroup

from .. import work


def _per_user(request):
    """A department's queues are partly the user's own (what is assigned to them)."""
    return request.user.pk if roles.is_department_user(request.user) else None


@read_only
@login_page
# The leaders' figures come from the tally: nationally, they move at most once an interval.
@cached_page(vary=_per_user, versions_of=figures_versions)
def home(request):
    user = request.user
    is_reader, is_department = roles.is_reader(user), roles.is_department_user(user)
    if roles.is_unit_user(user) and not (is_reader or is_department):
        return redirect("recommendations:unit_home")
    today = timezone.localdate()
    context = {"today": today, "is_office": roles.is_office(user), "is_reader": is_reader}
    if context["is_office"]:
        context["queues"] = work.office_queues(user, today)
    if is_department:
        context["department_queues"] = work.department_queues(user, today)
        context["department"] = user.profile.department
        context["due_soon_days"] = settings.DUE_SOON_WORKING_DAYS
    if is_reader:
        context["glance"] = work.figures_at_a_glance(user, today)
        sessions = Session.objects.prefetch_related("units").order_by("date", "part_of_day")
        groups = WorkingGroup.objects.prefetch_related(Prefetch("sessions", queryset=sessions))
        rounds = (InspectionRound.objects.visible_to(user).select_related("province")
                  .prefetch_related(Prefetch("groups", queryset=groups)))
        page_number = request.GET.get("page", "")
        # Read only when the rounds' part of the page is not in the cache (communes/cache.py).
        context["page"] = SimpleLazyObject(
            lambda: Paginator(rounds, 10).get_page(page_number))
        context["cache_key"] = page_part_key(user, page_number)
        context["page_params"] = {}
    return render(request, "recommendations/home.html", context)
