"""Recommendations raised at sessions, and what happens to them until they are resolved."""

import uuid
from typing import NamedTuple

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communes.cache import GLOBAL, cached
from communes.fields import NormalizedCharField, NormalizedTextField, SearchTextField
from communes.models import AdministrativeUnit, Department, Province
from communes.scope import Scope, ScopedQuerySet, scope
from communes.workdays import add_working_days
from inspections.models import Category, DirectiveReport, IssuedDocument, Session


class Status(models.TextChoices):
    NEW = "new", _("new")
    ANSWERED_ON_THE_SPOT = "answered_on_the_spot", _("answered on the spot")
    ROUTED = "routed", _("routed")
    ACCEPTED = "accepted", _("accepted")
    IN_PROGRESS = "in_progress", _("in progress")
    RETURNED = "returned", _("returned to the office")
    PROPOSED_CENTRAL = "proposed_central", _("proposed to central level")
    RESOLVED = "resolved", _("resolved")
    REOPENED = "reopened", _("reopened")


# Statuses in which a department still owes an answer.
OPEN_STATUSES = (Status.ROUTED, Status.ACCEPTED, Status.IN_PROGRESS, Status.REOPENED)


class Deadlines(NamedTuple):
    """Conditions on open recommendations, in working days from `today`."""

    due_soon: Q
    overdue: Q


def deadlines(today) -> Deadlines:
    """The one definition of "due soon" (within DUE_SOON_WORKING_DAYS working days) and
    "overdue"; the QuerySet methods and the counts of the dashboard and inbox all use it."""
    # The calendar is reference data: only a change of it (the global version) counts.
    soon_until = cached("due-soon-until", (today, settings.DUE_SOON_WORKING_DAYS),
                        lambda: add_working_days(today, settings.DUE_SOON_WORKING_DAYS),
                        depends_on=(GLOBAL,))
    open_ = Q(status__in=OPEN_STATUSES)
    return Deadlines(due_soon=open_ & Q(due_date__gte=today, due_date__lte=soon_until),
                     overdue=open_ & Q(due_date__lt=today))


def is_overdue(status, due_date, today) -> bool:
    """`deadlines(today).overdue` for one row already read (a document dated `today`)."""
    return status in OPEN_STATUSES and due_date is not None and due_date < today


class RecommendationQuerySet(ScopedQuerySet):
    def scope_condition(self, user_scope):
        """A department's users see only what is routed to their department (as lead or
        co-operating); office staff and leaders their province's."""
        if user_scope.kind == Scope.DEPARTMENT:
            return self.department_condition(user_scope.department_id)
        if user_scope.kind == Scope.UNIT:
            # What the unit raised, alone or with others, and what a duplicate it raised was
            # merged into (that one carries the answer).
            raised = Recommendation.units.through.objects.filter(
                administrativeunit_id=user_scope.unit_id)
            return Q(pk__in=raised.values("recommendation_id")) | Q(
                pk__in=raised.values("recommendation__consolidated_into_id"))
        if user_scope.kind == Scope.PROVINCE:
            # As a bigint, not the int a literal would be: the (province, trigram) GIN index
            # of the search (btree_gin) has no int4 = int8 operator, B-tree indexes take both.
            return Q(province_id=Cast(Value(user_scope.province_id), models.BigIntegerField()))
        return None

    @staticmethod
    def department_condition(department) -> Q:
        """Routed to `department`, as lead or co-operating department.

        The co-operations are read first (here, or from the cache while the data are
        unchanged): an OR with a list of ids uses the lead-department and primary-key
        indexes, where an OR with a subquery makes PostgreSQL read every row and an IN over a
        union joins back every row of the department."""
        department_id = getattr(department, "pk", department)
        cooperating = cached("cooperations", (department_id,), lambda: list(
            Recommendation.cooperating_departments.through.objects.filter(
                department=department_id).values_list("recommendation_id", flat=True)))
        return Q(lead_department=department_id) | Q(id__in=cooperating)

    def for_department(self, department):
        return self.filter(self.department_condition(department))

    def in_inbox_of(self, user):
        """What is routed to the department the user works for, among what they may see."""
        user_scope = scope(user)
        if user_scope.department_id is None:
            return self.none()
        visible = self.within(user_scope)
        # A department user's scope is already their department's items.
        if user_scope.kind == Scope.DEPARTMENT:
            return visible
        return visible.for_department(user_scope.department_id)

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today=None):
        return self.filter(deadlines(today or timezone.localdate()).overdue)

    def due_soon(self, today=None):
        return self.filter(deadlines(today or timezone.localdate()).due_soon)

    def answer_not_sent(self):
        """Closed, and the units that raised it not yet sent the answer: closed without one,
        or resolved (again, after a reopening) without one since."""
        answers = PublishedAnswer.objects.filter(recommendation=OuterRef("pk"))
        return self.filter((Q(status=Status.RESOLVED) & ~Exists(answers.filter(
            published_at__gte=OuterRef("resolved_at")))) | (
            Q(status__in=(Status.ANSWERED_ON_THE_SPOT, Status.PROPOSED_CENTRAL))
            & ~Exists(answers)))

    def awaiting_routing(self):
        """Raised but not yet routed, answered or proposed upward, and not merged away."""
        return self.filter(status__in=(Status.NEW, Status.RETURNED), consolidated_into=None)


class Recommendation(models.Model):
    """A request (kiến nghị, đề xuất) raised at a session that someone must answer and resolve."""

    class AuthorityLevel(models.TextChoices):
        UNIT = "unit", _("the unit itself")
        PROVINCE = "province", _("province")
        CENTRAL = "central", _("central level")

    class Priority(models.TextChoices):
        NORMAL = "normal", _("normal")
        HIGH = "high", _("high")
        URGENT = "urgent", _("urgent")

    Status = Status

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="recommendations",
        verbose_name=_("session"),
    )
    # The session's province (session → group → round → province), kept on the row so that a
    # province's lists, counts and dashboard read one indexed column instead of three joins.
    # Set on the first save; a session never changes province. Indexed by the composite
    # indexes below, which start with it.
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="+", editable=False, db_index=False,
        verbose_name=_("province"),
    )
    units = models.ManyToManyField(
        AdministrativeUnit, blank=True, related_name="recommendations", verbose_name=_("raised by")
    )
    raised_jointly = models.BooleanField(
        _("raised jointly"), default=True,
        help_text=_("Raised by all units of the session together."),
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="recommendations",
        verbose_name=_("category"),
    )
    text = NormalizedTextField(_("text"))
    authority_level = models.CharField(
        _("competent level"), max_length=8, choices=AuthorityLevel.choices,
        default=AuthorityLevel.PROVINCE,
    )
    status = models.CharField(
        _("status"), max_length=24, choices=Status.choices, default=Status.NEW
    )
    lead_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True,
        related_name="led_recommendations", verbose_name=_("lead department"),
    )
    cooperating_departments = models.ManyToManyField(
        Department, blank=True, related_name="cooperating_recommendations",
        verbose_name=_("co-operating departments"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="assigned_recommendations", verbose_name=_("assigned to"),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    priority = models.CharField(
        _("priority"), max_length=6, choices=Priority.choices, default=Priority.NORMAL
    )
    answered_by = NormalizedCharField(
        _("answered on the spot by"), max_length=200, blank=True,
        help_text=_("The group member who answered at the session."),
    )
    central_body = NormalizedCharField(
        _("proposed to"), max_length=200, blank=True,
        help_text=_("The central body a recommendation beyond provincial authority goes to."),
    )
    consolidated_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged",
        verbose_name=_("consolidated into"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    # For the API's incremental sync (?updated_since=): moves with every lifecycle step,
    # response and routing too (the services write it).
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    search_text = SearchTextField(source="text")
    history = HistoricalRecords(m2m_fields=[units, cooperating_departments])

    objects = RecommendationQuerySet.as_manager()

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The lists' default order, in a province and nationally, and a province's
            # figures; lists and figures leave out merged duplicates, so these do too, and a
            # count reads the index alone.
            models.Index(fields=["province", "due_date", "id"], name="rec_province_due_idx",
                         condition=Q(consolidated_into=None)),
            models.Index(fields=["due_date", "id"], name="rec_due_idx",
                         condition=Q(consolidated_into=None)),
            models.Index(fields=["province", "status", "due_date"],
                         name="rec_province_status_idx", condition=Q(consolidated_into=None)),
            models.Index(fields=["status", "due_date"], name="rec_status_due_idx"),
            models.Index(fields=["lead_department", "status"], name="rec_lead_status_idx"),
            # A department's inbox, by due date.
            models.Index(fields=["lead_department", "due_date", "id"], name="rec_lead_due_idx"),
            models.Index(fields=["category", "status"], name="rec_category_status_idx"),
            models.Index(fields=["session", "status"], name="rec_session_status_idx"),
            models.Index(fields=["-created_at", "-id"], name="rec_created_idx"),
            # The API's lists: a province's items in the order of their ids (cursor pages),
            # and the incremental sync.
            models.Index(fields=["province", "id"], name="rec_province_id_idx"),
            models.Index(fields=["updated_at"], name="rec_updated_idx"),
            # The dashboard's months: what was resolved in a month, in a province and
            # nationally (the list's resolved_in).
            models.Index(fields=["province", "resolved_at"], name="rec_province_resolved_idx",
                         condition=Q(consolidated_into=None)),
            models.Index(fields=["resolved_at"], name="rec_resolved_idx",
                         condition=Q(consolidated_into=None)),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=[s.value for s in OPEN_STATUSES])
                | Q(lead_department__isnull=False),
                name="rec_open_has_lead_department",
                violation_error_message=_("A routed recommendation needs a lead department."),
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.PROPOSED_CENTRAL) | ~Q(central_body=""),
                name="rec_proposed_names_central_body",
                violation_error_message=_(
                    "Name the central body the recommendation is proposed to."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(consolidated_into=models.F("id")),
                name="rec_not_consolidated_into_itself",
                violation_error_message=_("A recommendation cannot be merged into itself."),
            ),
        ]

    def __str__(self):
        return self.text[:80]

    def save(self, *args, **kwargs):
        if self.province_id is None and self.session_id is not None:
            self.province_id = Session.objects.values_list(
                "group__round__province_id", flat=True).get(pk=self.session_id)
        super().save(*args, **kwargs)

    @property
    def return_event(self):
        """The step by which a department last returned it to the office, whose note is the
        reason (from prefetched events): not a later event that left its status as it was,
        such as a merge into it."""
        for event in reversed(list(self.events.all())):
            if event.to_status == Status.RETURNED and event.from_status != Status.RETURNED:
                return event
        return None


class RecommendationEvent(models.Model):
    """One step of a recommendation's lifecycle: who moved it, when, from what to what, and why."""

    # Which province a change of it concerns (communes.cache.province_of).
    province_path = "recommendation__province"

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="events",
        verbose_name=_("recommendation"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    from_status = models.CharField(_("from"), max_length=24, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=24, choices=Status.choices)
    note = NormalizedTextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("recommendation event")
        verbose_name_plural = _("recommendation events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["recommendation", "at"], name="event_rec_at_idx")]

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class Response(models.Model):
    """An answer to a recommendation: a department's reply or contribution, or a member's
    answer given on the spot."""

    province_path = "recommendation__province"

    class Kind(models.TextChoices):
        ANSWER = "answer", _("answer")
        CONTRIBUTION = "contribution", _("contribution of a co-operating department")
        PROGRESS = "progress", _("progress note")
        ON_THE_SPOT = "on_the_spot", _("answer on the spot")

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="responses",
        verbose_name=_("recommendation"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.ANSWER)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="responses",
        verbose_name=_("department"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("author"),
    )
    text = NormalizedTextField(_("text"))
    # The registered document the answer rests on, so "resolved" points at the text that
    # resolved it.
    cited_document = models.ForeignKey(
        IssuedDocument, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("registered document cited"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.text[:80]


def attachment_path(attachment, filename):
    """Stored under a random name: the original (Vietnamese) name is kept in the database and
    given back on download, and nothing a user typed ends up in a path."""
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class AttachmentQuerySet(ScopedQuerySet):
    def within(self, user_scope):
        """A file is seen by whoever may see what it is attached to; a department's files on
        a response are its and the office's working papers, not the unit's."""
        if user_scope.kind == Scope.ALL:
            return self.all()
        responses = Q() if user_scope.kind == Scope.UNIT else Q(
            response__recommendation__in=Recommendation.objects.within(user_scope))
        return self.filter(
            responses | Q(session__in=Session.objects.within(user_scope))
            | Q(directive_report__in=DirectiveReport.objects.within(user_scope)))


class Attachment(models.Model):
    """A file attached to a response, a session or a unit's report on a directive: PDF, DOCX,
    XLSX, JPEG or PNG.

    Served only through a view that checks the user may see what it is attached to.
    """

    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments",
        verbose_name=_("response"),
    )
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments",
        verbose_name=_("session"),
    )
    directive_report = models.ForeignKey(
        DirectiveReport, on_delete=models.CASCADE, null=True, blank=True,
        related_name="attachments", verbose_name=_("unit's report on a directive"),
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = NormalizedCharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(response__isnull=False, session__isnull=True,
                            directive_report__isnull=True)
                | Q(response__isnull=True, session__isnull=False, directive_report__isnull=True)
                | Q(response__isnull=True, session__isnull=True,
                    directive_report__isnull=False),
                name="attachment_one_owner",
                violation_error_message=_(
                    "Attach a file to one response, one session or one unit's report."),
            ),
        ]

    def __str__(self):
        return self.original_name


class ExtensionRequest(models.Model):
    """A department asks for a later due date; the office approves or refuses."""

    province_path = "recommendation__province"

    class Decision(models.TextChoices):
        PENDING = "pending", _("pending")
        APPROVED = "approved", _("approved")
        REFUSED = "refused", _("refused")

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="extension_requests",
        verbose_name=_("recommendation"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    current_due_date = models.DateField(_("due date before"), null=True)
    proposed_due_date = models.DateField(_("proposed due date"))
    reason = NormalizedTextField(_("reason"))
    decision = models.CharField(_("decision"), max_length=8, choices=Decision.choices,
                                default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = NormalizedTextField(_("note on the decision"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["decision"], name="extension_decision_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation"], condition=Q(decision="pending"),
                name="extension_one_pending",
                violation_error_message=_("An extension request is already waiting."),
            ),
        ]

    def __str__(self):
        return f"{self.recommendation} → {self.proposed_due_date:%d/%m/%Y}"


class DigestSent(models.Model):
    """That a department's daily digest was queued on a day: `send_due_digest` run twice the
    same day (a cron retried, an operator by hand) sends nothing the second time."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+",
                                   verbose_name=_("department"))
    day = models.DateField(_("day"))
    sent_at = models.DateTimeField(_("queued"), default=timezone.now)

    class Meta:
        verbose_name = _("digest sent")
        verbose_name_plural = _("digests sent")
        constraints = [
            models.UniqueConstraint(fields=["department", "day"], name="digest_once_a_day",
                                    violation_error_message=_("Already sent that day.")),
        ]

    def __str__(self):
        return f"{self.department} {self.day:%d/%m/%Y}"


class PublishedAnswerQuerySet(ScopedQuerySet):
    def within(self, user_scope):
        return self.filter(recommendation__in=Recommendation.objects.within(user_scope))


class PublishedAnswer(models.Model):
    """The answer the office sends to the units that raised a recommendation: what they are
    told, in the office's words (a department's answers are its working papers)."""

    province_path = "recommendation__province"

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE,
                                       related_name="published_answers",
                                       verbose_name=_("recommendation"))
    text = NormalizedTextField(_("answer to the units"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("sent by"))
    published_at = models.DateTimeField(_("sent"), default=timezone.now)
    history = HistoricalRecords()

    objects = PublishedAnswerQuerySet.as_manager()

    class Meta:
        verbose_name = _("answer sent to the units")
        verbose_name_plural = _("answers sent to the units")
        ordering = ["published_at", "id"]

    def __str__(self):
        return self.text[:80]


class AnswerReceiptQuerySet(ScopedQuerySet):
    province_lookup = "answer__recommendation__province"
    unit_lookup = "unit"


class AnswerReceipt(models.Model):
    """One unit's side of a published answer: when its staff read it, whether the unit is
    satisfied, and — if not, with its reason — the office's decision on reopening."""

    class Verdict(models.TextChoices):
        NONE = "", _("not given yet")
        SATISFIED = "satisfied", _("Satisfied")
        NOT_SATISFIED = "not_satisfied", _("Not satisfied")

    class Decision(models.TextChoices):
        NONE = "", _("nothing to decide")
        PENDING = "pending", _("Waiting for the office")
        REOPENED = "reopened", _("Reopened")
        DECLINED = "declined", _("Not reopened")

    answer = models.ForeignKey(PublishedAnswer, on_delete=models.CASCADE,
                               related_name="receipts", verbose_name=_("answer"))
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("unit"))
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    read_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+", verbose_name=_("read by"))
    verdict = models.CharField(_("the unit's view"), max_length=14, choices=Verdict.choices,
                               blank=True)
    reason = NormalizedTextField(_("reason"), blank=True)
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("answered by"))
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    decision = models.CharField(_("decision on reopening"), max_length=8,
                                choices=Decision.choices, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = NormalizedTextField(_("note on the decision"), blank=True)
    history = HistoricalRecords()

    objects = AnswerReceiptQuerySet.as_manager()

    class Meta:
        verbose_name = _("answer received by a unit")
        verbose_name_plural = _("answers received by units")
        indexes = [models.Index(fields=["unit", "read_at"], name="receipt_unit_read_idx"),
                   models.Index(fields=["decision"], name="receipt_decision_idx")]
        constraints = [
            models.UniqueConstraint(fields=["answer", "unit"], name="receipt_one_per_unit",
                                    violation_error_message=_(
                                        "This unit already received this answer.")),
            models.CheckConstraint(
                condition=~Q(verdict="not_satisfied") | ~Q(reason=""),
                name="receipt_not_satisfied_says_why",
                violation_error_message=_("Say why the unit is not satisfied.")),
        ]

    def __str__(self):
        return f"{self.unit} – {self.answer}"


class TallyQuerySet(ScopedQuerySet):
    def scope_condition(self, user_scope):
        # The leaders' figures: a province's, or every province's (ALL). A department's or a
        # unit's users have no dashboard, and counts cannot tell what is routed to whom.
        if user_scope.kind == Scope.PROVINCE:
            return Q(province_id=user_scope.province_id)
        return None


class Tally(models.Model):
    """Counts the dashboard reads instead of the rows they count (recommendations/tally.py):
    per session, how many of its recommendations, units' completions, directives and
    difficulties fall in each combination of what the dashboard splits by.

    Derived data: each session's rows are recomputed from its records in the transaction
    that changes them, and `manage.py rebuild_tally` recomputes them all. No foreign-key
    constraints, so deleting a session or a unit never waits on (or trips over) these rows;
    a refresh drops the rows of a session that is gone."""

    class Kind(models.TextChoices):
        # Unmerged recommendations by lead department, category, status and due date.
        RECOMMENDATIONS = "rec", _("recommendations")
        # Resolved ones by lead department, on time, late (status; with the due date it
        # missed) or without a due date (""), working days from routing to resolution (days)
        # and month of the resolution (month): the scorecard and the months' figures.
        RESOLVED = "resolved", _("resolved recommendations")
        # Per unit, the unmerged recommendations it raised, itself or through a duplicate
        # merged into them (counted in the session of the one they were merged into).
        RAISED = "raised", _("recommendations raised by a unit")
        # Per unit, what it raised (itself or through a duplicate merged into it) by
        # completion (status: on_time, late, open, central; due_date).
        COMPLETION = "completion", _("completion of a unit's recommendations")
        # Per unit, the directives given to it by completion (status: on_time, late,
        # pending; due_date).
        DIRECTIVES = "directives", _("completion of a unit's directives")
        # Per unit, the difficulties it raised by category.
        DIFFICULTIES = "difficulty", _("difficulties raised by a unit")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    session = models.ForeignKey(Session, on_delete=models.DO_NOTHING, db_constraint=False,
                                db_index=False, related_name="+", verbose_name=_("session"))
    # The session's, kept on the row for the dashboard's scope and period filters.
    province = models.ForeignKey(Province, on_delete=models.DO_NOTHING, db_constraint=False,
                                 db_index=False, related_name="+", verbose_name=_("province"))
    round = models.ForeignKey("inspections.InspectionRound", on_delete=models.DO_NOTHING,
                              db_constraint=False, db_index=False, related_name="+",
                              verbose_name=_("round"))
    group = models.ForeignKey("inspections.WorkingGroup", on_delete=models.DO_NOTHING,
                              db_constraint=False, db_index=False, related_name="+",
                              verbose_name=_("working group"))
    session_date = models.DateField(_("session date"))
    lead_department = models.ForeignKey(Department, on_delete=models.DO_NOTHING, null=True,
                                        db_constraint=False, db_index=False, related_name="+",
                                        verbose_name=_("lead department"))
    category = models.ForeignKey(Category, on_delete=models.DO_NOTHING, null=True,
                                 db_constraint=False, db_index=False, related_name="+",
                                 verbose_name=_("category"))
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.DO_NOTHING, null=True,
                             db_constraint=False, db_index=False, related_name="+",
                             verbose_name=_("unit"))
    # A recommendation's status (kinds rec, raised), or a completion (tally.ON_TIME, …).
    status = models.CharField(_("status"), max_length=24, blank=True)
    due_date = models.DateField(_("due date"), null=True)
    days = models.IntegerField(_("working days to resolution"), null=True)
    # The first day of the month an event counted happened in (RESOLVED: the resolution).
    month = models.DateField(_("month"), null=True)
    # How many (recommendations, units' items, directives, difficulties).
    number = models.IntegerField(_("count"))

    objects = TallyQuerySet.as_manager()

    class Meta:
        indexes = [
            # A province's figures, by kind, within a round or a period of sessions.
            models.Index(fields=["kind", "province", "session_date"], name="tally_province_idx"),
            # The refresh of a session's rows.
            models.Index(fields=["session"], name="tally_session_idx"),
        ]
        verbose_name = _("dashboard count")
        verbose_name_plural = _("dashboard counts")

    def __str__(self):
        return _("%(kind)s, session no. %(session)s: %(number)s") % {
            "kind": self.get_kind_display(), "session": self.session_id, "number": self.number}
