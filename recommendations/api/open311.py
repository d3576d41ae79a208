"""An Open311 GeoReport v2 view of the recommendations, for tools that speak it
(https://wiki.open311.org/GeoReport_v2): services are the categories, service requests the
recommendations, `open` while someone still owes an answer and `closed` once resolved,
answered on the spot or proposed to central level; the agency responsible is the lead
department, the address the units that raised it; `requested_datetime` is the day of the
session that raised it (the portal records a session's date and part of day, not its hour:
00:00 in the portal's time zone), and the date windows filter on it. Read-only; every endpoint
answers JSON (`.json`) or XML (`.xml`), with the specification's element names."""

import datetime
import re
from xml.etree import ElementTree

import django_filters
from django import forms
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from inspections.models import Category

from ..models import Recommendation, Status
from .docs import OPERATIONS
from .filters import SinceFilter
from .views import ConditionalMixin

CLOSED = (Status.RESOLVED, Status.ANSWERED_ON_THE_SPOT, Status.PROPOSED_CENTRAL)
# GeoReport v2: without dates, the requests of the last 90 days; never more than 1000.
DEFAULT_DAYS = 90
MAX_REQUESTS = 1000


def requested(session_date) -> datetime.datetime:
    """A recommendation's requested_datetime: the start of its session's day, in the
    portal's time zone."""
    return timezone.make_aware(datetime.datetime.combine(session_date, datetime.time()))


class GeoReportXMLRenderer(BaseRenderer):
    """GeoReport v2's XML: <services><service>… and <service_requests><request>…, one element
    per field under the specification's names (empty when there is no value); an error as
    <errors><error><code/><description/></error></errors>."""

    media_type = "text/xml"
    format = "xml"
    charset = "utf-8"

    @staticmethod
    def _text(value) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    def render(self, data, accepted_media_type=None, renderer_context=None):
        view = (renderer_context or {}).get("view")
        if isinstance(data, dict) and "status" in data and "title" in data:  # a problem
            root = ElementTree.Element("errors")
            messages = [f"{name}: {message}" for name, values in (data.get("errors") or {})
                        .items() for message in values] or [data["detail"]]
            for message in messages:
                error = ElementTree.SubElement(root, "error")
                ElementTree.SubElement(error, "code").text = str(data["status"])
                ElementTree.SubElement(error, "description").text = message
        else:
            root = ElementTree.Element(view.xml_root)
            for row in data:
                item = ElementTree.SubElement(root, view.xml_item)
                for name, value in row.items():
                    ElementTree.SubElement(item, name).text = self._text(value)
        return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


def _localized(name, name_en):
    return name_en if get_language() == "en" and name_en else name


class ServiceSerializer(serializers.Serializer):
    service_code = serializers.CharField(source="code")
    service_name = serializers.SerializerMethodField()
    description = serializers.SerializerMethodField()
    metadata = serializers.SerializerMethodField()
    type = serializers.SerializerMethodField()
    keywords = serializers.SerializerMethodField()
    group = serializers.SerializerMethodField()

    def get_service_name(self, category) -> str:
        return _localized(category.name, category.name_en)

    def get_description(self, category) -> str:
        return _localized(category.name, category.name_en)

    def get_metadata(self, category) -> bool:
        return False  # no extra attributes to ask for: the API does not take requests

    def get_type(self, category) -> str:
        return "batch"  # requests are routed by the office, not answered at once

    def get_keywords(self, category) -> str:
        return category.code

    def get_group(self, category) -> str:
        return ""


class RequestSerializer(serializers.Serializer):
    service_request_id = serializers.CharField(source="pk")
    status = serializers.SerializerMethodField()
    status_notes = serializers.SerializerMethodField()
    service_name = serializers.SerializerMethodField()
    service_code = serializers.CharField(source="category.code")
    description = serializers.CharField(source="text")
    agency_responsible = serializers.SerializerMethodField()
    service_notice = serializers.SerializerMethodField()
    requested_datetime = serializers.SerializerMethodField()
    updated_datetime = serializers.DateTimeField(source="updated_at")
    expected_datetime = serializers.SerializerMethodField()
    address = serializers.SerializerMethodField()
    address_id = serializers.SerializerMethodField()
    zipcode = serializers.SerializerMethodField()
    lat = serializers.SerializerMethodField()
    long = serializers.SerializerMethodField()
    media_url = serializers.SerializerMethodField()

    def get_status(self, recommendation) -> str:
        return "closed" if recommendation.status in CLOSED else "open"

    def get_status_notes(self, recommendation) -> str:
        label = str(recommendation.get_status_display())
        if recommendation.status == Status.PROPOSED_CENTRAL and recommendation.central_body:
            return f"{label}: {recommendation.central_body}"
        return label

    def get_service_name(self, recommendation) -> str:
        return _localized(recommendation.category.name, recommendation.category.name_en)

    def get_requested_datetime(self, recommendation) -> datetime.datetime:
        """When it was raised: its session's day (00:00 in the portal's time zone), not when
        the row was typed in."""
        return requested(recommendation.session.date).isoformat()

    def get_agency_responsible(self, recommendation) -> str | None:
        department = recommendation.lead_department
        return _localized(department.name, department.name_en) if department else None

    def get_service_notice(self, recommendation) -> str:
        return ""

    def get_expected_datetime(self, recommendation) -> datetime.datetime | None:
        """The end of the due date, in the portal's time zone."""
        if recommendation.due_date is None:
            return None
        end = datetime.datetime.combine(recommendation.due_date, datetime.time(23, 59, 59))
        return timezone.make_aware(end).isoformat()

    def _units(self, recommendation):
        units = list(recommendation.units.all())
        return units or list(recommendation.session.units.all())

    def get_address(self, recommendation) -> str:
        """The units that raised it (all of the session's when raised jointly), and the
        province."""
        names = [str(unit) for unit in self._units(recommendation)]
        return ", ".join([*names, str(recommendation.province)])

    def get_address_id(self, recommendation) -> str:
        """The units' official codes."""
        return ",".join(unit.code for unit in self._units(recommendation))

    def get_zipcode(self, recommendation) -> str | None:
        return None

    def get_lat(self, recommendation) -> float | None:
        return None  # the portal records units, not coordinates

    def get_long(self, recommendation) -> float | None:
        return None

    def get_media_url(self, recommendation) -> str | None:
        return None


def _ids(value):
    if not re.fullmatch(r"[0-9]{1,18}(,[0-9]{1,18}){0,99}", value):
        raise forms.ValidationError(_("Give up to 100 ids separated by commas."))
    return [int(pk) for pk in value.split(",")]


class RequestFilterSet(django_filters.FilterSet):
    """GeoReport v2's parameters of GET requests.json; jurisdiction_id is the province's
    official code."""

    service_request_id = django_filters.CharFilter(
        method="by_ids", max_length=2000, label=_("Ids of requests, separated by commas."))
    # GeoReport v2: service_code and status "can be declared multiple times, comma
    # delimited"; service_request_id "overrides all other arguments" (filter_queryset).
    service_code = django_filters.CharFilter(
        method="by_codes", max_length=2000,
        label=_("Service codes (categories), separated by commas."))
    start_date = SinceFilter(method="requested_from", label=_(
        "Requested (raised at a session) at or after (ISO 8601)."))
    end_date = SinceFilter(method="requested_until", label=_(
        "Requested (raised at a session) at or before (ISO 8601)."))
    status = django_filters.CharFilter(method="by_status", max_length=20, label=_(
        "open or closed, or both separated by a comma."))
    jurisdiction_id = django_filters.CharFilter(
        field_name="province__code", max_length=2, label=_("The province's official code."))

    def by_ids(self, queryset, name, value):
        try:
            return queryset.filter(pk__in=_ids(value))
        except forms.ValidationError as error:
            raise ValidationError({name: error.messages}) from None

    def requested_from(self, queryset, name, value):
        """requested_datetime >= value: the sessions from the first day whose start is not
        before it."""
        local = timezone.localtime(value)
        first = local.date() if local.time() == datetime.time() else (
            local.date() + datetime.timedelta(days=1))
        return queryset.filter(session__date__gte=first)

    def requested_until(self, queryset, name, value):
        return queryset.filter(session__date__lte=timezone.localtime(value).date())

    def by_codes(self, queryset, name, value):
        return queryset.filter(category__code__in=[code.strip() for code in value.split(",")])

    def by_status(self, queryset, name, value):
        statuses = {status.strip() for status in value.split(",")}
        unknown = sorted(statuses - {"open", "closed"})
        if unknown:
            raise ValidationError({name: [
                forms.ChoiceField.default_error_messages["invalid_choice"]
                % {"value": unknown[0]}]})
        if statuses == {"closed"}:
            return queryset.filter(status__in=CLOSED)
        if statuses == {"open"}:
            return queryset.exclude(status__in=CLOSED)
        return queryset

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        if data.get("service_request_id"):
            # The ids asked for, whatever the status, codes or dates (in the province asked).
            if data.get("jurisdiction_id"):
                queryset = queryset.filter(province__code=data["jurisdiction_id"])
            return self.by_ids(queryset, "service_request_id", data["service_request_id"])
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end - start > datetime.timedelta(days=DEFAULT_DAYS):
            raise ValidationError({"end_date": [_("The dates may span %(days)d days at most.")
                                                % {"days": DEFAULT_DAYS}]})
        if not (start or end):
            queryset = queryset.filter(session__date__gte=timezone.localdate()
                                       - datetime.timedelta(days=DEFAULT_DAYS))
        return super().filter_queryset(queryset)


def _requests(user):
    """The recommendations `user` may see, as service requests (merged ones count as the one
    they were merged into)."""
    return (Recommendation.objects.visible_to(user).filter(consolidated_into=None)
            .select_related("category", "lead_department", "province", "session")
            .prefetch_related("units", "session__units"))


class Open311View(ConditionalMixin):
    """The format is the address's suffix (services.json, services.xml): DRF's `format`."""

    pagination_class = None
    renderer_classes = [JSONRenderer, GeoReportXMLRenderer]
    xml_root, xml_item = "service_requests", "request"


class ServiceList(Open311View, ListAPIView):
    """GET services.json (or .xml): the categories."""

    serializer_class = ServiceSerializer
    filter_backends = []
    xml_root, xml_item = "services", "service"

    def get_queryset(self):
        return Category.objects.visible_to(self.request.user)

    @extend_schema(tags=["open311"], operation_id="open311_services",
                   description=OPERATIONS["open311_services"])
    def get(self, request, *args, **kwargs):
        return self.conditional(request, lambda: super(ServiceList, self).get(
            request, *args, **kwargs))


class RequestList(Open311View, ListAPIView):
    """GET requests.json (or .xml): the recommendations, newest first, at most 1000."""

    serializer_class = RequestSerializer
    filterset_class = RequestFilterSet

    def get_queryset(self):
        return _requests(self.request.user).order_by("-session__date", "-id")

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())[:MAX_REQUESTS]
        return Response(self.get_serializer(queryset, many=True).data)

    @extend_schema(tags=["open311"], operation_id="open311_requests",
                   description=OPERATIONS["open311_requests"])
    def get(self, request, *args, **kwargs):
        return self.conditional(request, lambda: super(RequestList, self).get(
            request, *args, **kwargs))


class RequestDetail(Open311View, APIView):
    """GET requests/{id}.json (or .xml): one recommendation, as a list of one (as GeoReport
    v2 has it)."""

    @extend_schema(tags=["open311"], operation_id="open311_request",
                   description=OPERATIONS["open311_request"],
                   responses=RequestSerializer(many=True))
    def get(self, request, pk, format=None):
        return self.conditional(request, lambda: Response(RequestSerializer(
            [get_object_or_404(_requests(request.user), pk=pk)], many=True).data))
