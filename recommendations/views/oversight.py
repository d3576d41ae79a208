"""Leaders' and office's oversight: the dashboard and the lists behind its numbers."""

import dataclasses

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from communes.cache import figures_versions, page_part_key
from communes.decorators import read_only, reader_required, scoped_reader_required
from communes.exports import export
from communes.pages import cached_page
from communes.scope import Scope, scope
from inspections.models import DirectiveFollowUp

from .. import dashboard
from ..exports import directive_rows, recommendation_rows
from ..filters import DirectiveFilterSet, RecommendationFilterSet, SessionPeriodFilterSet
from ..models import OPEN_STATUSES, Recommendation, Tally


@read_only
@reader_required
@cached_page(versions_of=figures_versions)
def dashboard_view(request):
    """The figures are read from the tally (recommendations/tally.py), and their part of the
    page rendered, once per version of the figures (communes/cache.py `figures_versions`: a
    province's after every write, the country's at most once an interval): the template
    caches that part under the key below, and the lazy figures are read only when it is not
    in the cache."""
    user = request.user
    filters = SessionPeriodFilterSet(request.GET, Recommendation.objects.none(),
                                     request=request)
    tallies = Tally.objects.visible_to(user)
    national = scope(user).kind == Scope.ALL
    chosen_sessions = dashboard.of_period(tallies, filters)
    versions = figures_versions(scope(user))
    cache_key = dataclasses.replace(page_part_key(user, filters.typed), versions=versions)

    def computed():
        figures = dashboard.figures(chosen_sessions, by_province=national)
        return {**figures, "trends": dashboard.trends(
            chosen_sessions, figures["departments"], by_province=national)}

    return render(request, "recommendations/dashboard.html", {
        "figures": SimpleLazyObject(computed),
        "completion": SimpleLazyObject(lambda: {
            "directives": dashboard.completion(chosen_sessions, Tally.Kind.DIRECTIVES),
            "recommendations": dashboard.completion(chosen_sessions, Tally.Kind.COMPLETION)}),
        "recurring": SimpleLazyObject(lambda: dashboard.recurring_difficulties(tallies)),
        "filters": filters, "chosen": filters.applied, "national": national,
        "cache_key": cache_key, "as_of": dashboard.as_of(versions),
    })


@read_only
@scoped_reader_required
@cached_page()
def recommendation_list(request):
    """Every recommendation the user may see, filtered as the dashboard's numbers link to it;
    as CSV or XLSX with ?format=csv|xlsx."""
    user = request.user
    # Merged duplicates appear once, as the recommendation they were merged into.
    filters = RecommendationFilterSet(
        request.GET, Recommendation.objects.visible_to(user).filter(consolidated_into=None),
        request=request)
    chosen = filters.applied
    recommendations = filters.qs.order_by("due_date", "id")
    today = timezone.localdate()
    exported = export(request, recommendation_rows(recommendations),
                      f"kien-nghi-{today:%Y%m%d}", _("Recommendations"), filters.in_words)
    if exported:
        return exported
    page_number = request.GET.get("page", "")
    return render(request, "recommendations/list.html", {
        # Read only when the list's part of the page is not in the cache (communes/cache.py).
        "page": SimpleLazyObject(lambda: Paginator(
            recommendations.select_related("category", "lead_department",
                                           "session__group__round")
            .prefetch_related("units"), 25).get_page(page_number)),
        "cache_key": page_part_key(user, filters.typed, page_number),
        "page_params": chosen, "chosen": chosen, "filters": filters,
        "today": today, "open_statuses": [s.value for s in OPEN_STATUSES],
    })


@read_only
@reader_required
@cached_page()
def directive_list(request):
    """The directives given to units that the user may see, filtered as the numbers of the
    dashboard's split link to them (unit, completion, round, session dates); as CSV or XLSX
    with ?format=csv|xlsx."""
    user = request.user
    filters = DirectiveFilterSet(
        request.GET, DirectiveFollowUp.objects.visible_to(user).filter(unit__isnull=False),
        request=request)
    follow_ups = filters.qs.order_by("directive__due_date", "directive_id", "id")
    today = timezone.localdate()
    exported = export(request, directive_rows(follow_ups), f"nhiem-vu-{today:%Y%m%d}",
                      _("Directives to units"), filters.in_words)
    if exported:
        return exported
    page_number = request.GET.get("page", "")
    chosen = filters.applied
    return render(request, "recommendations/directive_list.html", {
        "page": SimpleLazyObject(lambda: Paginator(
            follow_ups.select_related("unit", "directive__session__group__round"), 25
        ).get_page(page_number)),
        "cache_key": page_part_key(user, filters.typed, page_number),
        "page_params": chosen, "chosen": chosen, "filters": filters, "today": today,
    })
