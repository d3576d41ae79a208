"""Leaders' and office's oversight: the dashboard and the lists behind its numbers."""

import dataclasses
import datetime

from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from communes.audit import AuditEvent, audit_record, filter_in_words
from communes.cache import figures_versions, page_part_key
from communes.decorators import read_only, reader_required, scoped_reader_required
from communes.exports import XLSX_TYPE, export, export_lines
from communes.models import IssuingBody, Province
from communes.pages import cached_page
from communes.paging import PagedByIds
from communes.scope import Scope, scope
from inspections.models import DirectiveFollowUp

from .. import dashboard, tracking
from ..exports import directive_rows, recommendation_rows, tracking_xlsx
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
        # Counted from the records (not the tally): as of today, by the one definition the
        # export and the lists behind its numbers use (tracking.py).
        "tracking": SimpleLazyObject(lambda: tracking_split(user, filters, national)),
        "filters": filters, "chosen": filters.applied, "national": national,
        "cache_key": cache_key, "as_of": dashboard.as_of(versions),
    })


def tracking_split(user, filters, national, day=None) -> list:
    """The task-tracking split of what `user` may see, of the sessions `filters`
    (SessionPeriodFilterSet) choose: the dashboard's table, the export's summary and the
    API's, from one call."""
    return tracking.split(*tracking.tasks_of(user, filters), day=day, national=national)


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
        "page": SimpleLazyObject(lambda: Paginator(PagedByIds(
            recommendations.select_related("category", "lead_department",
                                           "session__group__round")
            .prefetch_related("units")), 25).get_page(page_number)),
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
        request.GET, DirectiveFollowUp.objects.visible_to(user), request=request)
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
            follow_ups.select_related("unit", "department",
                                      "directive__session__group__round"), 25
        ).get_page(page_number)),
        "cache_key": page_part_key(user, filters.typed, page_number),
        "page_params": chosen, "chosen": chosen, "filters": filters, "today": today,
    })


def _tracking_day(request):
    """The reference day of the split (?as_of=YYYY-MM-DD), today if not given or not a
    date."""
    try:
        day = datetime.date.fromisoformat(request.GET.get("as_of", ""))
    except ValueError:
        day = None
    return day or timezone.localdate()


def tracking_heading(user, filters, day) -> list[str]:
    """The title block of the report: the province's Party committee (every province's,
    nationally), the title, the period the filters choose, the day of the figures, who
    exported it when."""
    user_scope = scope(user)
    province = Province.objects.filter(pk=user_scope.province_id).first() \
        if user_scope.province_id else None
    body = IssuingBody.for_province(province, IssuingBody.Kind.PARTY).name.upper() \
        if province else _("All provinces").upper()
    filters.form.errors  # noqa: B018 (cleans the fields; the invalid ones are left out)
    period = filters.in_words()
    return [
        body,
        _("Report on the carrying out of tasks").upper(),
        _("Reporting period: %(period)s.") % {
            "period": "; ".join(period) if period else _("every round")},
        _("Figures as of %(date)s.") % {"date": f"{day:%d/%m/%Y}"},
        *export_lines(user)[1:],
    ]


@read_only
@scoped_reader_required
def tracking_export(request):
    """The task-tracking report (tracking.py) as XLSX, of what the user may see, with the
    dashboard's filters (round, session dates) and ?as_of= a reference day (today if not
    given); audited as every export is."""
    user = request.user
    filters = SessionPeriodFilterSet(request.GET, Recommendation.objects.none(),
                                     request=request)
    day = _tracking_day(request)
    national = scope(user).kind == Scope.ALL
    recommendations, follow_ups = tracking.tasks_of(user, filters)
    parts = tracking.split(recommendations, follow_ups, day=day, national=national)
    filename = f"theo-doi-nhiem-vu-{day:%Y%m%d}"
    audit_record(AuditEvent.Kind.EXPORT, actor=user, request=request, list=request.path,
                 file=filename, format="xlsx", filter=filter_in_words(request))
    spool = tracking_xlsx(heading=tracking_heading(user, filters, day), parts=parts,
                          tasks=tracking.task_rows(recommendations, follow_ups, day))
    return FileResponse(spool, as_attachment=True, filename=f"{filename}.xlsx",
                        content_type=XLSX_TYPE)
