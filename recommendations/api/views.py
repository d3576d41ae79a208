"""The API's endpoints. Each list and object is read through `visible_to(request.user)`, the
same lookup as the pages: another department's or province's object answers 404 and is
absent from the lists."""

import datetime
import hashlib

from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.plumbing import set_query_parameters
from drf_spectacular.renderers import (
    OpenApiJsonRenderer,
    OpenApiJsonRenderer2,
    OpenApiYamlRenderer,
    OpenApiYamlRenderer2,
)
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from communes.cache import figures_versions, fresh_or_recomputed, key_for, scope_versions
from communes.decorators import api_user_required
from communes.models import AdministrativeUnit, Department
from communes.scope import Scope, scope
from inspections.models import (
    Category,
    Difficulty,
    Directive,
    DirectiveFollowUp,
    InspectionRound,
    ReportedFigure,
    Session,
    WorkingGroup,
)

from .. import dashboard, tracking
from ..filters import SessionPeriodFilterSet
from ..models import Recommendation, RecommendationEvent, Tally
from ..models import Response as RecommendationResponse
from . import filters, permissions, serializers
from .docs import DESCRIPTION, OPERATIONS, SWAGGER_UI_TEXTS, TAGS, TITLE
from .problems import problem_response

# The dashboard's filters of sessions, which the dashboard and the task-tracking report take.
PERIOD_PARAMETERS = [
    OpenApiParameter("round", OpenApiTypes.INT, description=_("Round")),
    OpenApiParameter("date_from", OpenApiTypes.DATE, description=_("Sessions from")),
    OpenApiParameter("date_to", OpenApiTypes.DATE, description=_("to")),
]


class NoTransaction:
    """Reads only: no transaction around the view (communes.decorators.read_only, for
    pages)."""

    @classmethod
    def as_view(cls, *args, **kwargs):
        return transaction.non_atomic_requests(super().as_view(*args, **kwargs))


class ConditionalMixin(NoTransaction):
    """Answers computed once per data version, like the pages' cached parts
    (communes/cache.py): keyed by what the user may see, the day, the language and the full
    address (its host too: the pages' links are absolute). An ETag on every answer from the
    same key; a client that sends it back in If-None-Match gets 304 without a query."""

    def answer_key(self, request) -> tuple:
        return (scope(request.user).key, timezone.localdate().isoformat(), get_language(),
                request.build_absolute_uri())

    def answer_versions(self, request) -> tuple:
        """The versions of the data the answer reads."""
        return scope_versions(scope(request.user))

    def etag(self, request) -> str:
        parts = (self.answer_versions(request), *self.answer_key(request))
        return f'"{hashlib.sha256(repr(parts).encode()).hexdigest()[:32]}"'

    def conditional(self, request, answer):
        """`answer()` (a Response of 200), from the cache while the data are unchanged; an
        error it raises is answered, and never cached."""
        etag = self.etag(request)
        response = get_conditional_response(request, etag=etag)
        if response is None:
            # JSON is kept as the bytes sent: rendering a page of nested rows again on each
            # request cost more than everything else the answer does. The browsable API
            # renders the kept data.
            renderer = request.accepted_renderer
            # JSON, or Open311's XML: kept rendered.
            as_bytes = renderer.format in ("json", "xml")
            kept = fresh_or_recomputed(
                key_for(f"api-answer-{renderer.format}" if as_bytes else "api-answer",
                        self.answer_key(request)),
                self.answer_versions(request),
                lambda: renderer.render(answer().data, renderer.media_type, {
                    "request": request, "view": self}) if as_bytes else answer().data,
                stale_ok=False)
            content_type = renderer.media_type + (
                f"; charset={renderer.charset}" if renderer.format == "xml" else "")
            response = HttpResponse(kept, content_type=content_type) if as_bytes \
                else Response(kept)
        response["ETag"] = etag
        response["Cache-Control"] = "private, no-cache"
        patch_vary_headers(response, ("Authorization", "Cookie", "Accept-Language"))
        return response


class ApiViewSet(ConditionalMixin, viewsets.ReadOnlyModelViewSet):
    """A read-only list (cursor pages in id order) and detail of one model's visible rows."""

    model = None
    lookup_value_regex = "[0-9]+"

    def related(self, queryset):
        """What the serializer reads besides the row, in a constant number of queries."""
        return queryset

    def get_queryset(self):
        return self.related(self.model.objects.visible_to(self.request.user))

    def get_object(self):
        # The list's filters do not apply to one object (a merged recommendation is still
        # found by its id).
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def list(self, request, *args, **kwargs):
        return self.conditional(request, lambda: super(ApiViewSet, self).list(
            request, *args, **kwargs))

    def retrieve(self, request, *args, **kwargs):
        return self.conditional(request, lambda: super(ApiViewSet, self).retrieve(
            request, *args, **kwargs))


def _schema(tag, operations):
    """The list's and the object's tag, and their description in the reader's language
    (docs.OPERATIONS[operations]; the docstring is for the code's readers)."""
    description = OPERATIONS[operations]
    return extend_schema_view(list=extend_schema(tags=[tag], description=description),
                              retrieve=extend_schema(tags=[tag], description=description))


@_schema("rounds", "round")
class RoundViewSet(ApiViewSet):
    """Inspection rounds (đợt kiểm tra)."""

    model = InspectionRound
    serializer_class = serializers.RoundSerializer
    filterset_class = filters.RoundFilterSet

    def related(self, queryset):
        return queryset.select_related("province")


@_schema("groups", "group")
class GroupViewSet(ApiViewSet):
    """Working groups (tổ công tác) with their assigned units and members."""

    model = WorkingGroup
    serializer_class = serializers.GroupSerializer
    filterset_class = filters.GroupFilterSet

    def related(self, queryset):
        return queryset.prefetch_related("units", "members")


@_schema("sessions", "session")
class SessionViewSet(ApiViewSet):
    """Sessions (buổi làm việc) with their units, unit reports, figures and field visits."""

    model = Session
    serializer_class = serializers.SessionSerializer
    filterset_class = filters.SessionFilterSet

    def related(self, queryset):
        return queryset.select_related("group").prefetch_related(
            "units", "unit_reports", "field_visits",
            Prefetch("figures", queryset=ReportedFigure.objects.select_related("metric")))


@_schema("difficulties", "difficulty")
class DifficultyViewSet(ApiViewSet):
    """Difficulties (khó khăn, vướng mắc) the units named at sessions."""

    model = Difficulty
    serializer_class = serializers.DifficultySerializer
    filterset_class = filters.DifficultyFilterSet

    def related(self, queryset):
        return queryset.select_related("category").prefetch_related("units")


@_schema("directives", "directive")
class DirectiveViewSet(ApiViewSet):
    """Directives (kết luận, nhiệm vụ) with their follow-up per addressee."""

    model = Directive
    serializer_class = serializers.DirectiveSerializer
    filterset_class = filters.DirectiveFilterSet

    def related(self, queryset):
        return queryset.prefetch_related(Prefetch(
            "follow_ups", queryset=DirectiveFollowUp.objects.select_related("unit",
                                                                            "department")))


@_schema("recommendations", "recommendation")
class RecommendationViewSet(ApiViewSet):
    """Recommendations (kiến nghị) with their routing, status, due date, lifecycle events and
    responses. The list takes the filters of the portal's list page."""

    model = Recommendation
    serializer_class = serializers.RecommendationSerializer
    filterset_class = filters.RecommendationApiFilterSet

    def related(self, queryset):
        return queryset.select_related("province", "category", "lead_department",
                                       "session__group").prefetch_related(
            "units", "cooperating_departments",
            Prefetch("events", queryset=RecommendationEvent.objects.select_related("actor")),
            Prefetch("responses", queryset=RecommendationResponse.objects.select_related(
                "author").prefetch_related("attachments")))


@_schema("reference", "unit")
class UnitViewSet(ApiViewSet):
    """Commune-level units (xã, phường, đặc khu) by official code."""

    model = AdministrativeUnit
    serializer_class = serializers.UnitSerializer
    filterset_class = filters.UnitFilterSet

    def related(self, queryset):
        return queryset.select_related("province")


@_schema("reference", "department")
class DepartmentViewSet(ApiViewSet):
    """Provincial departments (sở, ban, ngành)."""

    model = Department
    serializer_class = serializers.DepartmentSerializer
    filterset_class = filters.ProvinceCodeFilterSet

    def related(self, queryset):
        return queryset.select_related("province")


@_schema("reference", "category")
class CategoryViewSet(ApiViewSet):
    """Categories of difficulties and recommendations."""

    model = Category
    serializer_class = serializers.CategorySerializer
    filterset_class = filters.CategoryFilterSet


def _dashboard_data(figures, recurring) -> dict:
    """The dashboard's figures as plain data, each number with the list filters behind it."""

    def bars(items):
        return [{"label": bar.label, "count": bar.count, "params": bar.params} for bar in items]

    return {
        "totals": figures["totals"],
        "by_status": [{"status": bar.params["status"], "label": bar.label, "count": bar.count}
                      for bar in figures["statuses"]],
        "by_department": [
            {"name": bar.label, "count": row["count"], "overdue": row["overdue"],
             "due_soon": row["due_soon"], "params": bar.params}
            for row, bar in zip(figures["departments"], figures["department_bars"],
                                strict=True)],
        "by_category": bars(figures["category_bars"]),
        "by_group": bars(figures["group_bars"]),
        "by_unit": bars(figures["unit_bars"]),
        "by_province": bars(figures["province_bars"]),
        "scorecard": [{key: row[key] for key in ("name", "routed", "resolved", "on_time_rate",
                                                 "median_days", "overdue", "params")}
                      for row in figures["scorecard"]],
        "recurring_difficulties": [
            {"unit": row["unit_id"], "unit_name": row["unit_name"],
             "category": row["category_name"], "rounds": row["rounds"]}
            for row in recurring],
    }


class DashboardView(ConditionalMixin, APIView):
    """The dashboard's figures over what the user may see, with the dashboard's filters."""

    permission_classes = [permissions.ReadsDashboards]

    def answer_versions(self, request) -> tuple:
        # The country's figures are counted at most once an interval, as on the page.
        return figures_versions(scope(request.user))

    @extend_schema(
        tags=["dashboard"], responses=serializers.DashboardSerializer,
        description=OPERATIONS["dashboard"],
        parameters=PERIOD_PARAMETERS)
    def get(self, request):
        return self.conditional(request, lambda: self.answer(request))

    def answer(self, request):
        user = request.user
        filters_ = SessionPeriodFilterSet(request.query_params, Recommendation.objects.none(),
                                          request=request)
        if not filters_.is_valid():
            raise ValidationError(filters_.errors)
        tallies = Tally.objects.visible_to(user)
        national = scope(user).kind == Scope.ALL
        return Response(serializers.DashboardSerializer(_dashboard_data(
            dashboard.figures(dashboard.of_period(tallies, filters_), by_province=national),
            dashboard.recurring_difficulties(tallies))).data)


class SchemaView(NoTransaction, SpectacularAPIView):
    """The OpenAPI 3 schema, JSON unless YAML is asked for (Accept: application/yaml), under
    the plain media types as well as OpenAPI's own (application/vnd.oai.openapi[+json])."""

    renderer_classes = [OpenApiJsonRenderer, OpenApiJsonRenderer2, OpenApiYamlRenderer,
                        OpenApiYamlRenderer2]
    permission_classes = [AllowAny]
    custom_settings = {"TITLE": TITLE, "DESCRIPTION": DESCRIPTION, "TAGS": TAGS}


class DocsView(NoTransaction, SpectacularSwaggerSplitView):
    """Swagger UI in the portal's layout, from the portal's own static files
    (drf-spectacular-sidecar), its settings in a script of its own: nothing inline, as the
    portal's Content-Security-Policy requires. Swagger UI writes its own words in English:
    the page carries their translations (docs.SWAGGER_UI_TEXTS), which static/js/api-docs.js
    puts in place."""

    # Who may read it is checked before, as for a page (`docs` below): a login, then 403.
    permission_classes = [AllowAny]
    template_name = "api/swagger_ui.html"
    url_name = "api:schema"

    def _get_schema_url(self, request):
        # The schema in the page's language: the API itself would follow the browser's
        # Accept-Language, which the portal's pages do not (config.middleware).
        return set_query_parameters(super()._get_schema_url(request), lang=get_language())

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if request.GET.get("script") is None:
            response.data["schema_url"] = self._get_schema_url(request)
            response.data["texts"] = {english: str(text)
                                      for english, text in SWAGGER_UI_TEXTS.items()}
        return response


# A page of the portal for those who use the API (communes.whomay.API): a logged-out
# visitor is sent to the login page, a unit's staff get 403. The schema stays open to tokens.
docs = api_user_required(DocsView.as_view())


# The root's links: each list under its address's name, then the other addresses.
ROOT_LINKS = {"rounds": "round-list", "groups": "group-list", "sessions": "session-list",
              "recommendations": "recommendation-list", "difficulties": "difficulty-list",
              "directives": "directive-list", "units": "unit-list",
              "departments": "department-list", "categories": "category-list",
              "dashboard": "dashboard", "task_tracking": "task_tracking",
              "schema": "schema", "docs": "docs",
              "open311_services": "open311_services", "open311_requests": "open311_requests"}


class ApiRoot(NoTransaction, APIView):
    """/api/v1/: the API's addresses, so a client finds them from one."""

    @extend_schema(tags=["root"], description=OPERATIONS["root"],
                   responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        return Response({key: request.build_absolute_uri(reverse(f"api:{name}"))
                         for key, name in ROOT_LINKS.items()})


@transaction.non_atomic_requests
def not_found(request, rest=""):
    """Any other address under /api/: a problem (JSON), whatever DEBUG says (Django's
    handler404 answers only when it is off). An address that lacks only its final slash is
    sent to it, as CommonMiddleware would have done had nothing matched."""
    if not request.path_info.endswith("/"):
        try:
            match = resolve(request.path_info + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not not_found:
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(request.path + "/" + (
                f"?{query}" if query else ""))
    return problem_response(request, 404)


class TrackingView(NoTransaction, APIView):
    """The task-tracking report (recommendations/tracking.py) as JSON: its split per lead
    body, the same as the dashboard's and the XLSX report's for the same filters, and its
    tasks in numbered pages (the tasks are of two kinds, in the report's order, which an id
    cursor cannot follow)."""

    permission_classes = [permissions.SeesSomething]
    page_size, max_page_size = 50, 500

    @extend_schema(
        tags=["task-tracking"], responses=serializers.TrackingSerializer,
        description=OPERATIONS["task_tracking"],
        parameters=[
            *PERIOD_PARAMETERS,
            OpenApiParameter("as_of", OpenApiTypes.DATE, description=_(
                "The reference day of the split (today unless given).")),
            OpenApiParameter("page", OpenApiTypes.INT, description=_(
                "The page, from 1 (1 unless given).")),
            OpenApiParameter("page_size", OpenApiTypes.INT, description=_(
                "Rows per page, from 1 to 500 (50 unless given).")),
        ])
    def get(self, request):
        user = request.user
        params = request.query_params
        filters_ = SessionPeriodFilterSet(params, Recommendation.objects.none(),
                                          request=request)
        if not filters_.is_valid():
            raise ValidationError(filters_.errors)
        day = _date_param(params, "as_of") or timezone.localdate()
        number = _whole_param(params, "page", 1, 1, None)
        size = _whole_param(params, "page_size", self.page_size, 1, self.max_page_size)
        recommendations, follow_ups = tracking.tasks_of(user, filters_)
        parts = tracking.split(recommendations, follow_ups, day=day,
                               national=scope(user).kind == Scope.ALL)
        count = sum(part.totals.total for part in parts)
        start = (number - 1) * size
        # A page past the end reads nothing (and no offset beyond what the database takes).
        rows = list(tracking.task_rows(recommendations, follow_ups, day, start, start + size)
                    ) if start < count else []
        url = request.build_absolute_uri()
        return Response(serializers.TrackingSerializer({
            "as_of": day,
            "summary": [{"kind": part.kind, "label": part.label,
                         "rows": [row.as_dict() for row in part.rows],
                         "totals": part.totals.as_dict()} for part in parts],
            "count": count,
            "next": replace_query_param(url, "page", number + 1)
            if start + size < count else None,
            "previous": replace_query_param(url, "page", number - 1) if number > 1 else None,
            "results": [task.as_dict() for task in rows],
        }).data)


def _date_param(params, name):
    value = params.get(name)
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ValidationError({name: [_("Give a date as YYYY-MM-DD.")]}) from None


def _whole_param(params, name, default, least, most):
    value = params.get(name)
    if value is None:
        return default
    if not (value.isascii() and value.isdigit()) or int(value) < least or (
            most is not None and int(value) > most):
        raise ValidationError({name: [
            _("Give a whole number from %(min)d to %(max)d.") % {"min": least, "max": most}
            if most is not None else _("Give a whole number from %(min)d.") % {"min": least}]})
    return int(value)
