"""Reference data: provinces, commune-level units, departments, people and the working calendar."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .fields import (
    NormalizedCharField,
    NormalizedTextField,
    PersonSortKeyField,
    SearchTextField,
    SortKeyField,
)
from .scope import Scope, ScopedQuerySet


class Province(models.Model):
    """A provincial-level unit (tỉnh or thành phố trực thuộc trung ương), one of 34."""

    class Kind(models.TextChoices):
        PROVINCE = "province", _("province")
        CITY = "city", _("centrally-run city")

    code = models.CharField(_("official code"), max_length=2, unique=True)
    name = NormalizedCharField(_("name"), max_length=100)
    full_name = NormalizedCharField(_("full name"), max_length=150, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PROVINCE)
    merged_from = NormalizedCharField(_("merged from"), max_length=300, blank=True)
    sort_name = SortKeyField(source="name")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        ordering = ["sort_name"]

    def __str__(self):
        return self.name


class AdministrativeUnitQuerySet(ScopedQuerySet):
    def in_province(self, province):
        return self.filter(province=province)

    def scope_condition(self, user_scope):
        # The official list of a province's units is public: a department sees it too, to
        # filter what was routed to it by the unit that raised it.
        if user_scope.kind == Scope.DEPARTMENT:
            return Q(province=user_scope.province_id)
        return super().scope_condition(user_scope)


class AdministrativeUnit(models.Model):
    """A commune-level unit (xã, phường or đặc khu), one of 3,321, with its official code."""

    class Kind(models.TextChoices):
        COMMUNE = "commune", _("commune")
        WARD = "ward", _("ward")
        SPECIAL_ZONE = "special_zone", _("special zone")

    class Headquarters(models.TextChoices):
        UNKNOWN = "", _("not recorded")
        CENTRALISED = "centralised", _("centralised")
        DISPERSED = "dispersed", _("dispersed")

    code = models.CharField(_("official code"), max_length=5, unique=True)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="units", verbose_name=_("province")
    )
    name = NormalizedCharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    former_districts = NormalizedCharField(_("former districts"), max_length=300, blank=True)
    headquarters = models.CharField(
        _("headquarters"), max_length=12, choices=Headquarters.choices, blank=True
    )
    sort_name = SortKeyField(source="name")
    search_text = SearchTextField(source="name")
    history = HistoricalRecords()

    objects = AdministrativeUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("commune-level unit")
        verbose_name_plural = _("commune-level units")
        ordering = ["sort_name"]
        indexes = [models.Index(fields=["province", "sort_name"], name="unit_province_name_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{5}$"),
                name="unit_code_five_digits",
                violation_error_message=_("The official code has exactly five digits."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display().capitalize()} {self.name}"


class PredecessorUnit(models.Model):
    """A unit that existed before 1 July 2025 and was merged, wholly or partly, into a new one.

    Kept so that people can still find a commune by the name they knew ("Thị trấn Thất Khê").
    """

    class Scope(models.TextChoices):
        WHOLE = "whole", _("whole")
        PART = "part", _("part")

    successor = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.CASCADE,
        related_name="predecessors",
        verbose_name=_("merged into"),
    )
    code = models.CharField(_("former code"), max_length=5)
    name = NormalizedCharField(_("former name"), max_length=150)
    former_district = NormalizedCharField(_("former district"), max_length=150, blank=True)
    scope = models.CharField(_("merged"), max_length=5, choices=Scope.choices)
    sort_name = SortKeyField(source="name")
    search_text = SearchTextField(source="name")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("predecessor unit")
        verbose_name_plural = _("predecessor units")
        ordering = ["sort_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["successor", "code"],
                name="predecessor_unique_per_successor",
                violation_error_message=_("This former unit is already recorded for this unit."),
            ),
        ]

    def __str__(self):
        return self.name


class Department(models.Model):
    """A provincial department or agency (sở, ban, ngành) that recommendations are routed to."""

    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="departments", verbose_name=_("province")
    )
    short_code = models.CharField(_("short code"), max_length=20)
    name = NormalizedCharField(_("Vietnamese name"), max_length=200)
    name_en = NormalizedCharField(_("English name"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    sort_name = SortKeyField(source="name")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["sort_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "short_code"],
                name="department_code_unique_in_province",
                violation_error_message=_("This short code is already used in this province."),
            ),
        ]

    def __str__(self):
        return self.name


class UserProfile(models.Model):
    """Where a user works: a province, and either the provincial office or one department.

    A national viewer belongs to no province and reads all of them. Roles themselves are Django
    groups (see communes/roles.py); this says only whose data the user works on.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="profile",
        verbose_name=_("user"),
    )
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("province"),
        help_text=_("Empty only for national viewers, who read every province."),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("department"),
        help_text=_("Empty for the provincial office that runs the working groups."),
    )
    job_title = NormalizedCharField(_("job title"), max_length=200, blank=True)
    # The user's name as a Vietnamese list orders it (given name, then family name); saved with
    # the profile, which every page and admin that renames a user saves too.
    sort_name = PersonSortKeyField(source="full_name")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("user profile")
        verbose_name_plural = _("user profiles")
        constraints = [
            models.CheckConstraint(
                condition=Q(department__isnull=True) | Q(province__isnull=False),
                name="profile_department_needs_province",
                violation_error_message=_("A department user belongs to a province."),
            ),
        ]

    def __str__(self):
        return str(self.user)

    @property
    def full_name(self) -> str:
        return self.user.get_full_name() or self.user.username


class CalendarDayQuerySet(models.QuerySet):
    def between(self, start, end):
        return self.filter(date__range=(start, end))


class CalendarDay(models.Model):
    """An exception to the Monday-to-Friday week: a public holiday, or a weekend working day.

    Vietnam moves days off around holidays and makes them up on a Saturday (ngày làm bù), so
    "working day" cannot be computed from weekdays alone. Seeded from the `holidays` package;
    the office corrects it in admin when the government announces the year's arrangement.
    """

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("day off (public holiday)")
        WORKING_DAY = "working_day", _("working day (compensatory)")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    name = NormalizedCharField(_("name"), max_length=150)
    note = NormalizedTextField(_("note"), blank=True)
    history = HistoricalRecords()

    objects = CalendarDayQuerySet.as_manager()

    class Meta:
        verbose_name = _("calendar exception")
        verbose_name_plural = _("working-day calendar")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} {self.name}"
