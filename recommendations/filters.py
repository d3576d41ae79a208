"""The filters of the recommendation lists (the list behind the dashboard, the inbox) and of
the dashboard, as django-filter FilterSets: each field validates what the address carries
(a value not offered is left out of the query and shown with its error beside its box,
never a 500) and the page renders the form.

The options of the selects are the user's own (`filter_choices`, read once per data version),
so a filter can only narrow what the user may see. Every lookup here is backed by an index.
"""

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communes.forms import DateInput, OptionsSelect

from .models import Recommendation, Status, deadlines
from .queries import filter_choices


class ChoiceFilter(django_filters.ChoiceFilter):
    """A select of the user's own options, filled in by the FilterSet."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", OptionsSelect)
        kwargs.setdefault("empty_label", "—")
        super().__init__(*args, **kwargs)


class PortalFilterSet(django_filters.FilterSet):
    """A FilterSet whose selects take their options from `filter_choices` (`choice_kinds`:
    filter name → kind of option) and that tells which filters the request applied."""

    choice_kinds: dict = {}

    def __init__(self, data, queryset, *, request, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        wanted = tuple(sorted(set(self.choice_kinds.values())))
        choices = filter_choices(request.user, wanted) if wanted else {}
        for name, kind in self.choice_kinds.items():
            self.filters[name].extra["choices"] = choices.get(kind, [])

    @property
    def applied(self) -> dict:
        """The filters the request set to a valid value, as they were typed: for the links of
        the page (pages, exports, the numbers of the dashboard) and its cache key."""
        form = self.form
        if not form.is_valid():
            form.errors  # noqa: B018 (cleans the fields; the invalid ones are left out)
        return {name: form.data[name] for name, value in form.cleaned_data.items()
                if value not in (None, "", False, [])}

    @property
    def typed(self) -> tuple:
        """Every filter as the request typed it, valid or not: the key of a cached part that
        shows the filter form, which echoes what was typed (an invalid date, say) and so
        must not be shared with a request that typed something else."""
        data = self.form.data  # request.GET (a form without data has an empty one)
        return tuple((name, tuple(data.getlist(name)))
                     for name in sorted(self.form.fields) if name in data)

    def visible_fields(self):
        """The fields the page offers: a select without options (no working groups for a
        national viewer) is left out."""
        return [field for field in self.form.visible_fields()
                if not isinstance(field.field, forms.ChoiceField) or field.field.choices[1:]]


class SessionPeriodFilterSet(PortalFilterSet):
    """Round and session dates: the dashboard's filters, and the list's that its numbers
    link to."""

    round = ChoiceFilter(field_name="session__group__round_id", label=_("Round"))
    date_from = django_filters.DateFilter(field_name="session__date", lookup_expr="gte",
                                          label=_("Sessions from"), widget=DateInput)
    date_to = django_filters.DateFilter(field_name="session__date", lookup_expr="lte",
                                        label=_("to"), widget=DateInput)

    choice_kinds = {"round": "rounds"}


def _raised_by(queryset, name, value: str):
    """Raised by the unit, or merged with one it raised (counted as the one merged into, as
    the dashboard's bars by unit count it)."""
    raised = Recommendation.units.through.objects.filter(administrativeunit_id=value)
    return queryset.filter(Q(pk__in=raised.values("recommendation_id"))
                           | Q(pk__in=raised.values("recommendation__consolidated_into_id")))


def _deadline(queryset, name, value: str):
    return queryset.filter(getattr(deadlines(timezone.localdate()), value))


class RecommendationFilterSet(SessionPeriodFilterSet):
    """The recommendation list (and its CSV and XLSX)."""

    group = ChoiceFilter(field_name="session__group_id", label=_("Working group"))
    status = ChoiceFilter(choices=Status.choices, label=_("Status"))
    department = ChoiceFilter(field_name="lead_department_id", label=_("Lead department"))
    category = ChoiceFilter(field_name="category_id", label=_("Category"))
    unit = ChoiceFilter(label=_("Unit"), method=_raised_by)
    deadline = ChoiceFilter(label=_("Deadline"), method=_deadline, choices=[
        ("overdue", _("overdue")), ("due_soon", _("due soon"))])
    province = ChoiceFilter(field_name="province_id", label=_("Province"))
    # Set by the dashboard's links, not offered as selects.
    # A kind of department in every province (national viewers: "SNV" for every Sở Nội vụ).
    department_type = django_filters.CharFilter(
        field_name="lead_department__short_code", widget=forms.HiddenInput, max_length=20,
        validators=[RegexValidator(r"^[A-Za-z0-9]+\Z")])
    # Only "1"/"true" filters: "0" would otherwise mean "routed", which no link asks for.
    unrouted = django_filters.BooleanFilter(method="only_unrouted", widget=forms.HiddenInput)

    choice_kinds = {**SessionPeriodFilterSet.choice_kinds, "province": "provinces",
                    "group": "groups",
                    "department": "departments", "category": "categories", "unit": "units"}

    def only_unrouted(self, queryset, name, value):
        return queryset.filter(lead_department=None) if value else queryset


# Urgent first: the stored values do not sort that way by themselves.
PRIORITY_RANK = Case(When(priority="urgent", then=Value(0)), When(priority="high", then=Value(1)),
                     default=Value(2))
# Statuses in the order of the lifecycle, not of their codes.
STATUS_RANK = Case(*[When(status=value, then=Value(rank))
                     for rank, value in enumerate(Status.values)], default=Value(99))
SORTS = {
    "due": (_("due date, earliest first"), ("due_date", "id")),
    "-due": (_("due date, latest first"), ("-due_date", "-id")),
    "new": (_("newest first"), ("-created_at", "-id")),
    "old": (_("oldest first"), ("created_at", "id")),
    "priority": (_("priority"), (PRIORITY_RANK, "due_date", "id")),
    "status": (_("status"), (STATUS_RANK, "due_date", "id")),
}


class InboxFilterSet(PortalFilterSet):
    """A department's inbox: its filters, its sort and "assigned to me". Where an item
    stands (its status, its deadline) is the inbox's tabs, not a filter of its own."""

    category = ChoiceFilter(field_name="category_id", label=_("Category"))
    unit = ChoiceFilter(label=_("Unit"), method=_raised_by)
    round = ChoiceFilter(field_name="session__group__round_id", label=_("Round"))
    group = ChoiceFilter(field_name="session__group_id", label=_("Working group"))
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), method="sort_by", empty_label=None, widget=OptionsSelect,
        choices=[(name, label) for name, (label, _order) in SORTS.items()])
    mine = django_filters.BooleanFilter(label=_("assigned to me"), method="assigned_to_me",
                                        widget=forms.CheckboxInput)

    choice_kinds = {"category": "categories", "unit": "units", "round": "rounds",
                    "group": "groups"}

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*SORTS[value][1])

    def assigned_to_me(self, queryset, name, value):
        return queryset.filter(assignee=self.request.user) if value else queryset

    def filter_queryset(self, queryset):
        # In the lifecycle's due order unless the user chose another.
        return super().filter_queryset(queryset.order_by(*SORTS["due"][1]))
