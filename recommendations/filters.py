"""The filters of the recommendation lists (the list behind the dashboard, the inbox) and of
the dashboard, as django-filter FilterSets: each field validates what the address carries
(a value not offered is left out of the query and shown with its error beside its box,
never a 500) and the page renders the form.

The options of the selects are the user's own (`filter_choices`, read once per data version),
so a filter can only narrow what the user may see. Every lookup here is backed by an index.
"""

import datetime

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communes.forms import DateInput, OptionsSelect
from communes.models import Department
from inspections.models import DirectiveFollowUp

from . import tracking
from .models import OPEN_STATUSES, Recommendation, Status, deadlines
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

    def in_words(self) -> list[str]:
        """The filters applied, as a reader says them ("Trạng thái: Đã chuyển xử lý"): for
        the title rows of an export. A select gives its option's label, a date or a month is
        written the Vietnamese way, a box ticked its label alone."""
        words = []
        for name, typed in self.applied.items():
            field, value = self.form.fields[name], self.form.cleaned_data[name]
            label = self.filters[name].label or name
            if isinstance(field, forms.ChoiceField):
                shown = {str(key): option for key, option in field.choices}.get(typed, typed)
            elif isinstance(value, datetime.date):
                shown = f"{value:%d/%m/%Y}"
            elif isinstance(self.filters[name], MonthFilter):
                shown = f"{value[5:]}/{value[:4]}"
            elif value is True:
                words.append(str(label))
                continue
            else:
                shown = self.shown_value(name, value)
            words.append(f"{label}: {shown}")
        return words

    def shown_value(self, name, value) -> str:
        """How a filter without options of its own is said (a FilterSet names its kinds)."""
        return str(value)

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


def _resolved_late(queryset):
    """Resolved after the due date (local dates, as the tally counts them)."""
    return Q(pk__in=queryset.filter(status=Status.RESOLVED, due_date__isnull=False).annotate(
        resolved_on=TruncDate("resolved_at")).filter(resolved_on__gt=F("due_date"))
        .values("pk"))


def _deadline(queryset, name, value: str):
    today = timezone.localdate()
    if value == "missed":  # overdue now, or resolved after the due date
        return queryset.filter(deadlines(today).overdue | _resolved_late(queryset))
    return queryset.filter(getattr(deadlines(today), value))


def _completion(queryset, name, value: str):
    """The standard split of what a unit raised (the dashboard's, tally.py `_count_completion`):
    answered on the spot or resolved by the due date; resolved after it; open within it; open
    past it; proposed to central level."""
    today = timezone.localdate()
    resolved = queryset.filter(status=Status.RESOLVED, due_date__isnull=False).annotate(
        resolved_on=TruncDate("resolved_at"))
    return queryset.filter({
        "on_time": Q(status=Status.ANSWERED_ON_THE_SPOT) | Q(pk__in=resolved.filter(
            resolved_on__lte=F("due_date")).values("pk")),
        "late": _resolved_late(queryset),
        "pending": Q(status__in=OPEN_STATUSES, due_date__gte=today),
        "overdue": Q(status__in=OPEN_STATUSES, due_date__lt=today),
        "central": Q(status=Status.PROPOSED_CENTRAL),
    }[value])


class MonthFilter(django_filters.CharFilter):
    """A calendar month typed as 2025-08 (the dashboard's links): the rows whose `field_name`
    falls in it; a datetime by the local calendar."""

    def __init__(self, *args, datetime_field=False, **kwargs):
        self.datetime_field = datetime_field
        kwargs.setdefault("widget", forms.HiddenInput)
        kwargs.setdefault("max_length", 7)
        kwargs.setdefault("validators", [RegexValidator(
            r"^(19|20)\d\d-(0[1-9]|1[0-2])\Z", _("Write the month as 2025-08."))])
        super().__init__(*args, **kwargs)

    def filter(self, queryset, value):
        if not value:
            return queryset
        first = datetime.date(int(value[:4]), int(value[5:]), 1)
        after = (first + datetime.timedelta(days=31)).replace(day=1)
        if self.datetime_field:
            zone = timezone.get_current_timezone()
            first, after = (datetime.datetime.combine(day, datetime.time(), tzinfo=zone)
                            for day in (first, after))
        return queryset.filter(**{f"{self.field_name}__gte": first,
                                  f"{self.field_name}__lt": after})


COMPLETION_CHOICES = [
    ("on_time", _("Completed on time")), ("late", _("Completed late")),
    ("pending", _("Not completed, within the deadline")),
    ("overdue", _("Not completed, overdue")),
]


TASK_CHOICES = [
    ("on_time", _("Completed on time")), ("late", _("Completed late")),
    ("pending", _("Not completed, within the deadline")),
    ("overdue", _("Not completed, overdue")), ("no_deadline", _("No deadline")),
    ("all", _("Every task")),
]


def _task(kind):
    """The task-tracking split's cell as of today (recommendations/tracking.py, the one
    definition the dashboard's split and the export count by)."""

    def method(queryset, name, value: str):
        annotated = (tracking.recommendation_tasks(queryset) if kind == tracking.RECOMMENDATIONS
                     else tracking.directive_tasks(queryset))
        chosen = annotated if value == "all" else tracking.in_cell(kind, annotated, value)
        return queryset.filter(pk__in=chosen.values("pk"))

    return method


def _answer(queryset, name, value: str):
    """Closed, and the units not yet sent the answer (the office's queue on its home)."""
    return queryset.answer_not_sent()


class RecommendationFilterSet(SessionPeriodFilterSet):
    """The recommendation list (and its CSV and XLSX)."""

    group = ChoiceFilter(field_name="session__group_id", label=_("Working group"))
    status = ChoiceFilter(choices=Status.choices, label=_("Status"))
    department = ChoiceFilter(field_name="lead_department_id", label=_("Lead department"))
    category = ChoiceFilter(field_name="category_id", label=_("Category"))
    unit = ChoiceFilter(label=_("Unit"), method=_raised_by)
    deadline = ChoiceFilter(label=_("Deadline"), method=_deadline, choices=[
        ("overdue", _("overdue")), ("due_soon", _("due soon")),
        ("missed", _("missed the due date (overdue, or resolved late)"))])
    task = ChoiceFilter(label=_("Task tracking"), method=_task("recommendation"),
                        choices=TASK_CHOICES)
    completion = ChoiceFilter(label=_("Completion"), method=_completion, choices=[
        *COMPLETION_CHOICES, ("central", _("Proposed to central level"))])
    province = ChoiceFilter(field_name="province_id", label=_("Province"))
    answer = ChoiceFilter(label=_("Answer sent to the units"), method=_answer, choices=[
        ("to_send", _("not sent yet"))])
    # Set by the dashboard's links, not offered as selects.
    # A kind of department in every province (national viewers: "SNV" for every Sở Nội vụ).
    # (Their labels are for the title rows of an export.)
    department_type = django_filters.CharFilter(
        field_name="lead_department__short_code", widget=forms.HiddenInput, max_length=20,
        validators=[RegexValidator(r"^[A-Za-z0-9]+\Z")],
        label=_("Lead department, in every province"))
    # The months of the dashboard's charts: raised at a session of the month, resolved in it
    # (by the local calendar; the (province, resolved_at) index), due in it.
    raised_in = MonthFilter(field_name="session__date", label=_("Raised in the month"))
    resolved_in = MonthFilter(field_name="resolved_at", datetime_field=True,
                              label=_("Resolved in the month"))
    due_in = MonthFilter(field_name="due_date", label=_("Due in the month"))
    # Only "1"/"true" filters: "0" would otherwise mean "routed", which no link asks for.
    unrouted = django_filters.BooleanFilter(method="only_unrouted", widget=forms.HiddenInput,
                                            label=_("Not routed yet"))

    choice_kinds = {**SessionPeriodFilterSet.choice_kinds, "province": "provinces",
                    "group": "groups",
                    "department": "departments", "category": "categories", "unit": "units"}

    def only_unrouted(self, queryset, name, value):
        return queryset.filter(lead_department=None) if value else queryset

    def shown_value(self, name, value) -> str:
        if name == "department_type":  # a kind of body: its name ("Sở Nội vụ"), not its code
            return Department.objects.filter(short_code=value).values_list(
                "name", flat=True).first() or value
        return super().shown_value(name, value)


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


def _directive_completion(queryset, name, value: str):
    """The split of the directives given to units (the dashboard's, tally.py
    `_count_directives`): done by the due date or without one; done after it; pending
    within it or without one; pending past it."""
    today = timezone.localdate()
    done, pending = DirectiveFollowUp.Status.DONE, DirectiveFollowUp.Status.PENDING
    due = "directive__due_date"
    return queryset.filter({
        "on_time": Q(status=done) & (Q(**{f"{due}__isnull": True})
                                     | Q(completed_on__lte=F(due))),
        "late": Q(status=done, completed_on__gt=F(due)),
        "pending": Q(status=pending) & (Q(**{f"{due}__isnull": True})
                                        | Q(**{f"{due}__gte": today})),
        "overdue": Q(status=pending, **{f"{due}__lt": today}),
    }[value])


class DirectiveFilterSet(PortalFilterSet):
    """The directives given to units, as the dashboard's split counts them."""

    round = ChoiceFilter(field_name="directive__session__group__round_id", label=_("Round"))
    date_from = django_filters.DateFilter(field_name="directive__session__date",
                                          lookup_expr="gte", label=_("Sessions from"),
                                          widget=DateInput)
    date_to = django_filters.DateFilter(field_name="directive__session__date",
                                        lookup_expr="lte", label=_("to"), widget=DateInput)
    unit = ChoiceFilter(field_name="unit_id", label=_("Unit"))
    department = ChoiceFilter(field_name="department_id", label=_("Department"))
    province = ChoiceFilter(field_name="directive__session__group__round__province_id",
                            label=_("Province"))
    completion = ChoiceFilter(label=_("Completion"), method=_directive_completion,
                              choices=COMPLETION_CHOICES)
    task = ChoiceFilter(label=_("Task tracking"), method=_task("directive"),
                        choices=TASK_CHOICES)

    choice_kinds = {"round": "rounds", "unit": "units", "department": "departments",
                    "province": "provinces"}
