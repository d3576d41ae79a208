"""Inspection rounds, working groups and what their sessions recorded."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communes.fields import (
    NormalizedCharField,
    NormalizedTextField,
    PersonSortKeyField,
    SearchTextField,
    SortKeyField,
)
from communes.models import AdministrativeUnit, Department, Province, ordering_through
from communes.scope import Scope, ScopedQuerySet

from . import links

# The register of outgoing documents: its own module, found by Django through this import.
from .register import IssuedDocument, RegisterCounter  # noqa: F401


class CategoryQuerySet(ScopedQuerySet):
    def scope_condition(self, user_scope):
        """The same categories serve every province: whoever sees anything sees them."""
        return None if user_scope.kind == Scope.NOTHING else Q()


class Category(models.Model):
    """A subject a difficulty or recommendation is about (staffing, facilities, transport, …)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = NormalizedCharField(_("Vietnamese name"), max_length=200)
    name_en = NormalizedCharField(_("English name"), max_length=200, blank=True)
    sort_name = SortKeyField(source="name")
    # For the API's incremental sync (?updated_since=); changes of what the row holds move it too.
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    objects = CategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["sort_name", "code"]
        indexes = [models.Index(fields=["updated_at"], name="category_updated_idx")]

    def __str__(self):
        return self.name


class CategoryRouting(models.Model):
    """Which department a province routes a category to by default, and who co-operates."""

    province = models.ForeignKey(
        Province, on_delete=models.CASCADE, related_name="category_routings",
        verbose_name=_("province"),
    )
    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="routings", verbose_name=_("category")
    )
    lead_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("default lead department"),
    )
    cooperating_departments = models.ManyToManyField(
        Department, blank=True, related_name="+", verbose_name=_("co-operating departments")
    )
    history = HistoricalRecords(m2m_fields=[cooperating_departments])

    class Meta:
        verbose_name = _("default routing")
        verbose_name_plural = _("default routings")
        constraints = [
            models.UniqueConstraint(
                fields=["province", "category"],
                name="routing_unique_per_province_category",
                violation_error_message=_("This category already has a default routing here."),
            ),
        ]

    def __str__(self):
        return f"{self.category} → {self.lead_department}"


class InspectionRoundQuerySet(ScopedQuerySet):
    """Rounds, and what they hold, are read by office staff and leaders of their province and
    by national viewers and admins; departments read what is routed to them, not the rounds; a
    unit's staff see the sessions their unit attended and what concerns their unit there."""

    province_lookup = "province"
    unit_lookup = "groups__sessions__units"


class WorkingGroupQuerySet(ScopedQuerySet):
    province_lookup = "round__province"
    unit_lookup = "sessions__units"


class SessionQuerySet(ScopedQuerySet):
    province_lookup = "group__round__province"
    unit_lookup = "units"


class SessionItemQuerySet(ScopedQuerySet):
    """What a session recorded: reports, figures, difficulties, directives, field visits; a
    unit's staff see those that name their unit (`unit_lookup` per model)."""

    province_lookup = "session__group__round__province"


class UnitReportQuerySet(SessionItemQuerySet):
    unit_lookup = "unit"


class ReportedFigureQuerySet(SessionItemQuerySet):
    def scope_condition(self, user_scope):
        # A unit sees its own figures and those its session reported jointly.
        if user_scope.kind == Scope.UNIT:
            return Q(unit=user_scope.unit_id) | Q(
                unit__isnull=True,
                session__in=Session.objects.filter(units=user_scope.unit_id).values("pk"))
        return super().scope_condition(user_scope)


class DifficultyQuerySet(SessionItemQuerySet):
    unit_lookup = "units"


class DirectiveQuerySet(SessionItemQuerySet):
    unit_lookup = "follow_ups__unit"


class FieldVisitQuerySet(SessionItemQuerySet):
    unit_lookup = "session__units"


class DirectiveFollowUpQuerySet(ScopedQuerySet):
    province_lookup = "directive__session__group__round__province"
    unit_lookup = "unit"


class InspectionRound(models.Model):
    """A campaign of working-group visits (đợt kiểm tra), e.g. the model's first month."""

    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="rounds", verbose_name=_("province")
    )
    title = NormalizedCharField(_("title"), max_length=300)
    period_start = models.DateField(_("start date"))
    period_end = models.DateField(_("end date"))
    convened_by = NormalizedCharField(_("convened by"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # For the API's incremental sync (?updated_since=); changes of what the row holds move it too.
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    objects = InspectionRoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection round")
        verbose_name_plural = _("inspection rounds")
        ordering = ["-period_start", "title"]
        indexes = [models.Index(fields=["province", "-period_start"], name="round_province_idx"),
                   models.Index(fields=["updated_at"], name="round_updated_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="round_period_ordered",
                violation_error_message=_("The round cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("inspections:round_detail", args=[self.pk])


class WorkingGroup(models.Model):
    """A numbered working group (Tổ công tác số N) of a round, led by a senior leader."""

    round = models.ForeignKey(
        InspectionRound, on_delete=models.CASCADE, related_name="groups", verbose_name=_("round")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    leader_name = NormalizedCharField(_("leader"), max_length=150)
    leader_title = NormalizedCharField(_("leader's title"), max_length=300, blank=True)
    units = models.ManyToManyField(
        AdministrativeUnit, blank=True, related_name="working_groups",
        verbose_name=_("assigned units"),
    )
    # For the API's incremental sync (?updated_since=); changes of what the row holds move it too.
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(m2m_fields=[units])

    objects = WorkingGroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("working group")
        verbose_name_plural = _("working groups")
        ordering = ["round", "number"]
        indexes = [models.Index(fields=["updated_at"], name="group_updated_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "number"],
                name="group_number_unique_in_round",
                violation_error_message=_(
                    "This round already has a working group with this number."
                ),
            ),
        ]

    def __str__(self):
        return _("Working group no. %(number)s") % {"number": self.number}

    def get_absolute_url(self):
        return reverse("inspections:group_detail", args=[self.pk])


class GroupMember(models.Model):
    """A member of a working group: who, with what title, from which department, in what role."""

    # Which province a change of it concerns (communes.cache.province_of).
    province_path = "group__round__province"

    class Role(models.TextChoices):
        DEPUTY = "deputy", _("deputy leader")
        MEMBER = "member", _("member")
        SECRETARY = "secretary", _("secretary")

    group = models.ForeignKey(
        WorkingGroup, on_delete=models.CASCADE, related_name="members", verbose_name=_("group")
    )
    name = NormalizedCharField(_("name"), max_length=150)
    # A member's title is their post ("Giám đốc Sở Nội vụ"): "chức vụ", not a heading.
    title = NormalizedCharField(_("job title"), max_length=300, blank=True)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("department"),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    sort_name = PersonSortKeyField(source="name")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        ordering = ["group", "role", "sort_name", "id"]

    def __str__(self):
        return self.name


class Session(models.Model):
    """One meeting (buổi làm việc) of a working group with several units on one date."""

    class PartOfDay(models.TextChoices):
        MORNING = "morning", _("morning")
        AFTERNOON = "afternoon", _("afternoon")
        FULL_DAY = "full_day", _("full day")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        FINAL = "final", _("final")

    group = models.ForeignKey(
        WorkingGroup, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("group")
    )
    date = models.DateField(_("date"))
    part_of_day = models.CharField(
        _("part of day"), max_length=10, choices=PartOfDay.choices, default=PartOfDay.MORNING
    )
    venue = NormalizedCharField(_("venue"), max_length=300, blank=True)
    units = models.ManyToManyField(
        AdministrativeUnit, related_name="sessions", verbose_name=_("units")
    )
    unit_side = NormalizedTextField(_("attending for the units"), blank=True)
    leader_assessment = NormalizedTextField(_("leader's assessment"), blank=True)
    status = models.CharField(
        _("status"), max_length=5, choices=Status.choices, default=Status.DRAFT
    )
    # Optimistic locking: a save carries the version it was read at, and is refused if the
    # session has moved on since.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # Moves with the version: any change of the session or of its items (session_touch).
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(m2m_fields=[units])

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["date", "group__number"]
        indexes = [
            models.Index(fields=["group", "date"], name="session_group_date_idx"),
            models.Index(fields=["date"], name="session_date_idx"),
            models.Index(fields=["status"], name="session_status_idx"),
            models.Index(fields=["updated_at"], name="session_updated_idx"),
        ]

    def __str__(self):
        return f"{self.group} – {self.date:%d/%m/%Y}"

    def get_absolute_url(self):
        # The session's page shows its recommendations too: the recommendations app serves it
        # (inspections/links.py).
        return links.url("session", self.pk)

    def clean_fields(self, exclude=None):
        """A session is held within its round's period (the portal's form and admin alike).
        Checked with the fields, so that a form without the date (the recording page's
        conclusion) does not answer for a round's period changed since."""
        super().clean_fields(exclude=exclude)
        if exclude and "date" in exclude:
            return
        if self.date and self.group_id:
            start, end = self.group.round.period_start, self.group.round.period_end
            if not start <= self.date <= end:
                raise ValidationError({"date": _(
                    "The round “%(round)s” runs from %(start)s to %(end)s: the session's date "
                    "must fall within it.") % {"round": self.group.round,
                                               "start": f"{start:%d/%m/%Y}",
                                               "end": f"{end:%d/%m/%Y}"}})


class UnitReport(models.Model):
    """What one unit reported at a session: results, facilities and staff situation."""

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="unit_reports", verbose_name=_("session")
    )
    unit = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, related_name="reports",
        verbose_name=_("unit"),
    )
    achievements = NormalizedTextField(_("achievements"), blank=True)
    facilities = NormalizedTextField(_("facilities"), blank=True)
    staffing_notes = NormalizedTextField(_("staffing"), blank=True)
    search_text = SearchTextField(source=("achievements", "facilities", "staffing_notes"))
    history = HistoricalRecords()

    objects = UnitReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit report")
        verbose_name_plural = _("unit reports")
        # A session's reports in the order of its units, not the order they were typed in.
        ordering = ordering_through("unit", AdministrativeUnit)
        constraints = [
            models.UniqueConstraint(
                fields=["session", "unit"],
                name="unit_report_one_per_session_unit",
                violation_error_message=_("This unit already has a report for this session."),
            ),
        ]

    def __str__(self):
        return f"{self.unit} – {self.session}"


class Metric(models.Model):
    """A figure units report each month (dossiers received online, resolved on time, the
    online rate, …)."""

    class Kind(models.TextChoices):
        COUNT = "count", _("count")
        PERCENT = "percent", _("percentage")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = NormalizedCharField(_("Vietnamese name"), max_length=200)
    name_en = NormalizedCharField(_("English name"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(
        _("kind"), max_length=8, choices=Kind.choices, default=Kind.COUNT,
        help_text=_("A count is a whole number; a percentage has up to two decimals and is at "
                    "most 100."))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("metric")
        verbose_name_plural = _("metrics")
        ordering = ["position", "code"]

    def __str__(self):
        return self.name


class ReportedFigure(models.Model):
    """A monthly figure reported at a session, by one unit or jointly by the session's units.

    A joint figure (no unit) is the sum for all units of the session, as the 6,600 dossiers the
    four wards of group 1 reported together.
    """

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="figures", verbose_name=_("session")
    )
    unit = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="figures",
        verbose_name=_("unit"), help_text=_("Empty when the session's units reported it jointly."),
    )
    metric = models.ForeignKey(
        Metric, on_delete=models.PROTECT, related_name="figures", verbose_name=_("metric")
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month reported."))
    # Counts are whole numbers and rates have two decimals (87,76 %): one decimal column holds
    # both, and Metric.kind says which the value is.
    value = models.DecimalField(_("value"), max_digits=17, decimal_places=2,
                                validators=[MinValueValidator(0)])
    approximate = models.BooleanField(_("approximate"), default=False)
    note = NormalizedTextField(_("note"), blank=True)
    history = HistoricalRecords()

    objects = ReportedFigureQuerySet.as_manager()

    class Meta:
        verbose_name = _("reported figure")
        verbose_name_plural = _("reported figures")
        ordering = ["month", "metric__position"]
        indexes = [models.Index(fields=["unit", "metric", "month"], name="figure_unit_metric_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "unit", "metric", "month"],
                condition=Q(unit__isnull=False),
                name="figure_unique_per_unit",
                violation_error_message=_("This unit already reported this figure for this month."),
            ),
            models.UniqueConstraint(
                fields=["session", "metric", "month"],
                condition=Q(unit__isnull=True),
                name="figure_unique_joint",
                violation_error_message=_("This joint figure is already recorded for this month."),
            ),
            models.CheckConstraint(
                condition=Q(month__day=1),
                name="figure_month_first_day",
                violation_error_message=_("A month is recorded as its first day."),
            ),
        ]

    def __str__(self):
        return f"{self.metric}: {self.shown_value}"

    @property
    def shown_value(self) -> str:
        """The value as the page shows it, in the reader's language: 6.600; 87,76 %."""
        if self.value is None:
            return ""
        # As many decimals as the value has: 87,76 %; 90 %; 6.600.
        places = -min(0, self.value.normalize().as_tuple().exponent)
        shown = number_format(self.value, decimal_pos=places, use_l10n=True, force_grouping=True)
        return f"{shown} %" if self.metric.kind == Metric.Kind.PERCENT else shown

    @property
    def raised_jointly(self):
        return self.unit_id is None


class Difficulty(models.Model):
    """A difficulty (khó khăn, vướng mắc) the units named at a session."""

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="difficulties", verbose_name=_("session")
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="difficulties",
        verbose_name=_("category"),
    )
    text = NormalizedTextField(_("text"))
    raised_jointly = models.BooleanField(
        _("raised jointly"), default=True,
        help_text=_("Raised by all units of the session together."),
    )
    units = models.ManyToManyField(
        AdministrativeUnit, blank=True, related_name="difficulties", verbose_name=_("raised by")
    )
    search_text = SearchTextField(source="text")
    # For the API's incremental sync (?updated_since=); changes of what the row holds move it too.
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(m2m_fields=[units])

    objects = DifficultyQuerySet.as_manager()

    class Meta:
        verbose_name = _("difficulty")
        verbose_name_plural = _("difficulties")
        ordering = ["session", "id"]
        indexes = [models.Index(fields=["category"], name="difficulty_category_idx"),
                   models.Index(fields=["updated_at"], name="difficulty_updated_idx")]

    def __str__(self):
        return self.text[:80]


class Directive(models.Model):
    """A task the group leader gave in the conclusion (kết luận), followed per addressee."""

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="directives", verbose_name=_("session")
    )
    text = NormalizedTextField(_("text"))
    due_date = models.DateField(_("due date"), null=True, blank=True)
    search_text = SearchTextField(source="text")
    # The registered document that gave or settled the task ("Số 12-TB/TU, ngày …").
    cited_document = models.ForeignKey(
        IssuedDocument, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("registered document cited"))
    # Moves with its follow-ups too (directive_touch).
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    objects = DirectiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("directive")
        verbose_name_plural = _("directives")
        ordering = ["session", "id"]
        indexes = [models.Index(fields=["due_date"], name="directive_due_idx"),
                   models.Index(fields=["updated_at"], name="directive_updated_idx")]

    def __str__(self):
        return self.text[:80]

    def is_late(self, day) -> bool:
        """Some addressee has not done it and its due date is before `day`: the follow-up
        page's and the dashboard's "overdue" (DirectiveFollowUp.is_late). A directive that
        names no addressee is followed by no one, so it is never counted late. Reads the
        follow-ups prefetched."""
        return any(follow_up.is_late(day) for follow_up in self.follow_ups.all())


class DirectiveFollowUp(models.Model):
    """How one addressee (a unit or a department) is carrying out a directive."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        DONE = "done", _("done")

    directive = models.ForeignKey(
        Directive, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("directive")
    )
    unit = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("unit"),
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("department"),
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    note = NormalizedTextField(_("note"), blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    history = HistoricalRecords()

    objects = DirectiveFollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("directive follow-up")
        verbose_name_plural = _("directive follow-ups")
        # A directive's addressees as a list names them: its units, then its bodies in the
        # province's protocol order (whatever order they were added in).
        ordering = [
            *(F(name).asc(nulls_last=True) for name in ordering_through(
                "unit", AdministrativeUnit) + ordering_through("department", Department)),
            "id"]
        indexes = [models.Index(fields=["status"], name="followup_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(unit__isnull=False, department__isnull=True)
                    | Q(unit__isnull=True, department__isnull=False)
                ),
                name="followup_one_addressee",
                violation_error_message=_("Address a follow-up to one unit or one department."),
            ),
            models.UniqueConstraint(
                fields=["directive", "unit"], condition=Q(unit__isnull=False),
                name="followup_unique_unit",
                violation_error_message=_("This unit is already addressed by the directive."),
            ),
            models.UniqueConstraint(
                fields=["directive", "department"], condition=Q(department__isnull=False),
                name="followup_unique_department",
                violation_error_message=_("This department is already addressed by the directive."),
            ),
        ]

    def __str__(self):
        return str(self.unit or self.department)

    def is_late(self, day) -> bool:
        """Pending on `day` with its directive's due date before it: the rule of the
        follow-up page's and the dashboard's "overdue" (recommendations/filters.py
        `_directive_completion`), for a row already read (a document dated `day`)."""
        due = self.directive.due_date
        return self.status == self.Status.PENDING and due is not None and due < day


class FieldVisit(models.Model):
    """A site the group inspected (khảo sát thực tế), such as a public service centre."""

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="field_visits", verbose_name=_("session")
    )
    place = NormalizedCharField(_("place"), max_length=300)
    unit = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("unit"),
    )
    findings = NormalizedTextField(_("findings"), blank=True)
    history = HistoricalRecords()

    objects = FieldVisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("field visit")
        verbose_name_plural = _("field visits")
        ordering = ["session", "id"]

    def __str__(self):
        return self.place


class UnitSubmissionQuerySet(ScopedQuerySet):
    province_lookup = "session__group__round__province"
    unit_lookup = "unit"


class UnitSubmission(models.Model):
    """What a unit sends before a session: its report and monthly figures, as the recording
    page asks for them. The office sees them on the recording page and records its own
    UnitReport and ReportedFigure from them; what the unit sent stays as sent (with history)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="submissions",
                                verbose_name=_("session"))
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT,
                             related_name="submissions", verbose_name=_("unit"))
    achievements = NormalizedTextField(_("achievements"), blank=True)
    facilities = NormalizedTextField(_("facilities"), blank=True)
    staffing_notes = NormalizedTextField(_("staffing"), blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("sent by"))
    submitted_at = models.DateTimeField(_("sent"), default=timezone.now)
    history = HistoricalRecords()

    objects = UnitSubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit's report before the session")
        verbose_name_plural = _("units' reports before the session")
        constraints = [
            models.UniqueConstraint(fields=["session", "unit"], name="submission_one_per_unit",
                                    violation_error_message=_(
                                        "This unit has already sent its report for this "
                                        "session.")),
        ]

    def __str__(self):
        return f"{self.unit} – {self.session}"


class SubmittedFigure(models.Model):
    """A monthly figure in a unit's report before a session."""

    province_path = "submission__session__group__round__province"

    submission = models.ForeignKey(UnitSubmission, on_delete=models.CASCADE,
                                   related_name="figures", verbose_name=_("report"))
    metric = models.ForeignKey(Metric, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("metric"))
    month = models.DateField(_("month"), help_text=_("The first day of the month reported."))
    value = models.DecimalField(_("value"), max_digits=17, decimal_places=2,
                                validators=[MinValueValidator(0)])
    approximate = models.BooleanField(_("approximate"), default=False)
    note = NormalizedTextField(_("note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("figure sent by a unit")
        verbose_name_plural = _("figures sent by units")
        ordering = ["month", "metric__position"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "metric", "month"],
                                    name="submitted_figure_once",
                                    violation_error_message=_(
                                        "This figure is already in the report for this month.")),
            models.CheckConstraint(condition=Q(month__day=1), name="submitted_month_first_day",
                                   violation_error_message=_(
                                       "A month is recorded as its first day.")),
        ]

    def __str__(self):
        return f"{self.metric}: {self.value}"


class DirectiveReportQuerySet(ScopedQuerySet):
    province_lookup = "follow_up__directive__session__group__round__province"
    unit_lookup = "follow_up__unit"


class DirectiveReport(models.Model):
    """A unit's report on a directive given to it: what it did, the day it was done, files.
    The office accepts it (the follow-up is done, on that day) or sends it back with a note."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Waiting for the office")
        ACCEPTED = "accepted", _("Accepted as done")
        RETURNED = "returned", _("Sent back")

    follow_up = models.ForeignKey(DirectiveFollowUp, on_delete=models.CASCADE,
                                  related_name="reports", verbose_name=_("directive follow-up"))
    text = NormalizedTextField(_("what was done"))
    done_on = models.DateField(_("done on"), null=True, blank=True,
                               help_text=_("Empty for a report of progress, not yet done."))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("sent by"))
    submitted_at = models.DateTimeField(_("sent"), default=timezone.now)
    decision = models.CharField(_("decision"), max_length=8, choices=Decision.choices,
                                default=Decision.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = NormalizedTextField(_("note on the decision"), blank=True)
    history = HistoricalRecords()

    objects = DirectiveReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit's report on a directive")
        verbose_name_plural = _("units' reports on directives")
        ordering = ["submitted_at", "id"]
        indexes = [models.Index(fields=["decision"], name="directive_report_decision_idx")]

    def __str__(self):
        return f"{self.follow_up} – {self.submitted_at:%d/%m/%Y}"


class DeviceSend(models.Model):
    """A send a unit's clerk made from their device: the unit's report and figures before a
    session, or a report on a task. The device names each send with an id it makes itself
    (static/js/offline.js) and sends it again until an answer arrives; the id is kept here so
    that a send arriving twice (the answer was lost on a dropped connection) is refused as a
    duplicate and saves nothing twice."""

    client_id = models.UUIDField(_("id made on the device"), unique=True, editable=False)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="+", verbose_name=_("sent by"))
    received_at = models.DateTimeField(_("received"), default=timezone.now)

    class Meta:
        verbose_name = _("send from a device")
        verbose_name_plural = _("sends from devices")

    def __str__(self):
        return str(self.client_id)
