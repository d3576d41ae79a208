"""The API's filters: the recommendation list's own FilterSet (recommendations/filters.py), and
for the other lists the ids of what their rows belong to; on every list `updated_since`, for
an incremental sync. Each lookup is backed by an index; a value that is not valid answers 400
with a message per parameter."""

import datetime

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import extend_schema_field

from communes.models import AdministrativeUnit
from inspections.models import Session

from ..filters import RecommendationFilterSet


def _documented(filter_, schema):
    """The filter's schema for drf-spectacular, with its label as the description (given
    per filter: a class-level override would drop it)."""
    return extend_schema_field({**schema, "description": filter_.label})(filter_)


class IdFilter(django_filters.NumberFilter):
    """The id of an object; a number out of the ids' range is refused, not sent to the
    database."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)
        _documented(self, {"type": "integer", "minimum": 1, "maximum": 2**63 - 1})


class SinceField(IsoDateTimeField):
    def clean(self, value):
        value = super().clean(value)
        # A year the database (or the conversion to UTC) cannot hold would be a 500.
        if value is None:
            return value
        if not 1900 <= value.year <= 9000:
            raise forms.ValidationError(_("Give a date and time between the years 1900 and "
                                          "9000."))
        # In UTC: ISO 8601 allows offsets (up to ±23:59) that PostgreSQL refuses.
        return value.astimezone(datetime.UTC)


class SinceFilter(django_filters.IsoDateTimeFilter):
    field_class = SinceField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _documented(self, {"type": "string", "format": "date-time"})


def updated_since():
    return SinceFilter(field_name="updated_at", lookup_expr="gte", label=_(
        "Only what changed at or after this time (ISO 8601, e.g. 2025-08-01T00:00:00+07:00): "
        "for an incremental sync, the time the previous sync started."))


class SyncFilterSet(django_filters.FilterSet):
    updated_since = updated_since()


class RoundFilterSet(SyncFilterSet):
    pass


class GroupFilterSet(SyncFilterSet):
    round = IdFilter(field_name="round_id", label=_("Round"))


class SessionFilterSet(SyncFilterSet):
    round = IdFilter(field_name="group__round_id", label=_("Round"))
    group = IdFilter(field_name="group_id", label=_("Working group"))
    unit = IdFilter(field_name="units", label=_("Unit"))
    status = django_filters.ChoiceFilter(choices=Session.Status.choices, label=_("Status"))
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte",
                                          label=_("Sessions from"))
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("to"))


class SessionItemFilterSet(SyncFilterSet):
    round = IdFilter(field_name="session__group__round_id", label=_("Round"))
    group = IdFilter(field_name="session__group_id", label=_("Working group"))
    session = IdFilter(field_name="session_id", label=_("Session"))


class DifficultyFilterSet(SessionItemFilterSet):
    category = IdFilter(field_name="category_id", label=_("Category"))
    unit = IdFilter(field_name="units", label=_("Unit"))


class DirectiveFilterSet(SessionItemFilterSet):
    unit = IdFilter(field_name="follow_ups__unit", label=_("Addressed to the unit"))
    department = IdFilter(field_name="follow_ups__department",
                          label=_("Addressed to the department"))


class ProvinceCodeFilterSet(SyncFilterSet):
    province = django_filters.CharFilter(field_name="province__code", max_length=2,
                                         label=_("Province (official code)"))


class UnitFilterSet(ProvinceCodeFilterSet):
    kind = django_filters.ChoiceFilter(choices=AdministrativeUnit.Kind.choices, label=_("Kind"))


class CategoryFilterSet(SyncFilterSet):
    pass


class RecommendationApiFilterSet(RecommendationFilterSet):
    """The recommendation list's filters, as the page has them, and `updated_since`.

    Like the list, it leaves out recommendations merged into another (they count as that
    other one) unless `include_merged` asks for them: a sync needs to learn that a row it holds
    was merged."""

    updated_since = updated_since()
    include_merged = django_filters.BooleanFilter(
        method="keep", label=_("Include recommendations merged into another "
                               "(consolidated_into)."))

    def keep(self, queryset, name, value):
        return queryset  # read in filter_queryset

    def filter_queryset(self, queryset):
        if not self.form.cleaned_data.get("include_merged"):
            queryset = queryset.filter(consolidated_into=None)
        return super().filter_queryset(queryset)
