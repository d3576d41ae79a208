"""Admin for inspection rounds, working groups, sessions and what the sessions recorded."""

from operator import attrgetter

from django import forms
from django.contrib import admin
from django.db import models, transaction
from django.db.models import Count
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from simple_history.models import is_historic

from communes.admin import HistoryAdmin, RecordAdmin, RecordHistoryAdmin, sort_name_column
from communes.forms import VietnameseNumberField

from .figure_forms import add_figure_errors
from .models import (
    Category,
    CategoryRouting,
    DeviceSend,
    Difficulty,
    Directive,
    DirectiveFollowUp,
    DirectiveReport,
    FieldVisit,
    GroupMember,
    InspectionRound,
    IssuedDocument,
    Metric,
    RegisterCounter,
    ReportedFigure,
    Session,
    SubmittedFigure,
    UnitReport,
    UnitSubmission,
    WorkingGroup,
)
from .services import directive_touch, session_touch


def truncated(value, length=80):
    return Truncator(value).chars(length)


# Reference tables -------------------------------------------------------------------------------


@admin.register(Category)
class CategoryAdmin(HistoryAdmin):
    list_display = ("display_name", "code", "name_en")
    list_display_links = ("display_name",)
    search_fields = ("name", "name_en", "code")
    ordering = ("sort_name",)
    readonly_fields = ("sort_name",)

    display_name = sort_name_column(description=_("Vietnamese name"))


@admin.register(CategoryRouting)
class CategoryRoutingAdmin(HistoryAdmin):
    list_display = ("category", "province", "lead_department", "cooperating_list")
    list_filter = ("province", "category")
    search_fields = ("category__name", "category__code", "lead_department__name", "province__name")
    list_select_related = ("category", "province", "lead_department")
    autocomplete_fields = ("province", "category", "lead_department", "cooperating_departments")
    ordering = ("province__sort_name", "category__sort_name")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("cooperating_departments")

    @admin.display(description=_("co-operating departments"))
    def cooperating_list(self, obj):
        return ", ".join(d.name for d in obj.cooperating_departments.all())


@admin.register(Metric)
class MetricAdmin(HistoryAdmin):
    list_display = ("name", "code", "name_en", "position")
    list_editable = ("position",)
    search_fields = ("name", "name_en", "code")
    ordering = ("position", "code")


# Rounds and groups ------------------------------------------------------------------------------


class WorkingGroupInline(admin.TabularInline):
    model = WorkingGroup
    fields = ("number", "leader_name", "leader_title")
    extra = 0
    show_change_link = True


class FixedParentMixin:
    """The parent named in `fixed_once_saved` is chosen when a record is added and never moved:
    a recommendation keeps its session's province on its row, which access checks read."""

    fixed_once_saved = ()

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        return fields + tuple(self.fixed_once_saved) if obj is not None else fields


@admin.register(InspectionRound)
class InspectionRoundAdmin(FixedParentMixin, HistoryAdmin):
    fixed_once_saved = ("province",)
    list_display = ("title", "province", "period_start", "period_end", "convened_by", "created_at")
    list_filter = ("province",)
    search_fields = ("title", "convened_by", "province__name")
    list_select_related = ("province",)
    autocomplete_fields = ("province",)
    date_hierarchy = "period_start"
    ordering = ("-period_start", "title")
    readonly_fields = ("created_at",)
    inlines = (WorkingGroupInline,)


class GroupMemberInline(admin.TabularInline):
    model = GroupMember
    fields = ("name", "title", "department", "role")
    autocomplete_fields = ("department",)
    extra = 0


@admin.register(WorkingGroup)
class WorkingGroupAdmin(FixedParentMixin, HistoryAdmin):
    fixed_once_saved = ("round",)
    list_display = ("__str__", "round", "round__province", "leader_name", "unit_count")
    list_filter = ("round__province", "round")
    # number__exact lets "3" find group no. 3 without matching 13 and 23.
    search_fields = ("number__exact", "leader_name", "round__title", "units__name")
    list_select_related = ("round__province",)
    autocomplete_fields = ("round", "units")
    ordering = ("-round__period_start", "round__title", "number")
    inlines = (GroupMemberInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            unit_count=Count("units", distinct=True)
        )

    @admin.display(description=_("assigned units"), ordering="unit_count")
    def unit_count(self, obj):
        return obj.unit_count


@admin.register(GroupMember)
class GroupMemberAdmin(HistoryAdmin):
    list_display = ("name", "role", "title", "department", "group", "group__round")
    list_filter = ("role", "group__round__province", "group__round")
    search_fields = ("name", "title", "department__name", "group__leader_name")
    list_select_related = ("department", "group__round")
    autocomplete_fields = ("group", "department")
    ordering = ("group__round", "group__number", "role", "name")


# Sessions ---------------------------------------------------------------------------------------


class UnitReportInline(admin.StackedInline):
    model = UnitReport
    fields = ("unit", "achievements", "facilities", "staffing_notes")
    autocomplete_fields = ("unit",)
    extra = 0


# Figures are typed the Vietnamese way in admin too (6.600; 87,76), never by the browser's
# locale.
VIETNAMESE_NUMBERS = {models.DecimalField: {"form_class": VietnameseNumberField}}


class FigureAdminForm(forms.ModelForm):
    """A figure checked as on the recording page and in the import: a count is whole, a
    percentage at most 100, the month neither before 2000 nor to come."""

    def clean(self):
        cleaned = super().clean()
        add_figure_errors(self, cleaned)
        return cleaned


class ReportedFigureInline(admin.TabularInline):
    model = ReportedFigure
    form = FigureAdminForm
    formfield_overrides = VIETNAMESE_NUMBERS
    fields = ("metric", "unit", "month", "value", "approximate", "note")
    autocomplete_fields = ("metric", "unit")
    extra = 0


class DifficultyInline(admin.StackedInline):
    model = Difficulty
    fields = ("category", "text", "raised_jointly", "units")
    autocomplete_fields = ("category", "units")
    extra = 0


class DirectiveInline(admin.StackedInline):
    model = Directive
    fields = ("text", "due_date")
    extra = 0
    # Follow-ups are edited on the directive's own page.
    show_change_link = True


class FieldVisitInline(admin.StackedInline):
    model = FieldVisit
    fields = ("place", "unit", "findings")
    autocomplete_fields = ("unit",)
    extra = 0


@admin.register(Session)
class SessionAdmin(FixedParentMixin, HistoryAdmin):
    fixed_once_saved = ("group",)
    list_display = (
        "date", "group", "part_of_day", "group__round", "group__round__province", "status",
        "version",
    )
    list_display_links = ("date", "group")
    list_filter = ("status", "part_of_day", "group__round__province", "group__round")
    search_fields = (
        "venue", "units__name", "group__leader_name", "group__round__title", "group__number__exact",
    )
    list_select_related = ("group__round__province",)
    autocomplete_fields = ("group", "units")
    date_hierarchy = "date"
    ordering = ("-date", "group__number")
    readonly_fields = ("version",)
    inlines = (
        UnitReportInline,
        ReportedFigureInline,
        DifficultyInline,
        DirectiveInline,
        FieldVisitInline,
        # recommendations/admin.py adds the session's recommendations.
    )

    # Session.version is the portal's optimistic lock: a form carries the version it was read
    # at and its save is refused if the session has moved on. An admin save that changes the
    # session, or only what its inlines record, must therefore move the version on too, or a
    # portal user editing the same session would silently overwrite the admin's change. The
    # bump happens exactly once per save: in save_model when the session form itself changed,
    # otherwise in save_related when an inline changed.

    def save_model(self, request, obj, form, change):
        bump = change and (form.has_changed() or is_historic(obj))
        form._session_version_bumped = bump
        if not change:
            super().save_model(request, obj, form, change)
            return
        with transaction.atomic():
            # Write the version the database holds, never the one on `obj`: that may be stale,
            # and a revert from the history page loads the old record's version, which would
            # move the lock backwards.
            current = (
                Session.objects.select_for_update()
                .values_list("version", flat=True)
                .get(pk=obj.pk)
            )
            obj.version = current + 1 if bump else current
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change or getattr(form, "_session_version_bumped", False):
            return
        if any(formset.has_changed() for formset in formsets):
            session_touch(session_ids=[form.instance.pk])
            form.instance.refresh_from_db(fields=["version"])
            form._session_version_bumped = True


class SessionContentAdmin(HistoryAdmin):
    """Admin for a record that the session page also edits: changing or deleting it here
    changes the session, so it moves the session's version on as well (see SessionAdmin), and a
    recording page opened before cannot silently undo the change."""

    # The path from this model to its session.
    session_field = "session"

    def _session_id(self, obj):
        return attrgetter(self.session_field.replace("__", ".") + "_id")(obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and not (form.has_changed() or is_historic(obj)):
            return
        session_ids = [self._session_id(obj)]
        if change and self.session_field in form.initial:
            # A record moved to another session changes both.
            session_ids.append(form.initial[self.session_field])
        session_touch(session_ids=session_ids)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if any(formset.has_changed() for formset in formsets):
            session_touch(session_ids=[self._session_id(form.instance)])

    def delete_model(self, request, obj):
        session_id = self._session_id(obj)
        super().delete_model(request, obj)
        session_touch(session_ids=[session_id])

    def delete_queryset(self, request, queryset):
        session_ids = set(queryset.values_list(self.session_field, flat=True))
        super().delete_queryset(request, queryset)
        session_touch(session_ids=session_ids)


@admin.register(UnitReport)
class UnitReportAdmin(SessionContentAdmin):
    list_display = ("unit", "session", "session__group__round")
    list_filter = ("session__group__round__province", "session__group__round")
    search_fields = ("unit__name", "unit__code", "achievements", "facilities", "staffing_notes")
    list_select_related = ("unit", "session__group__round")
    autocomplete_fields = ("session", "unit")
    ordering = ("-session__date", "unit__sort_name")


@admin.register(ReportedFigure)
class ReportedFigureAdmin(SessionContentAdmin):
    form = FigureAdminForm
    formfield_overrides = VIETNAMESE_NUMBERS
    list_display = ("metric", "value", "approximate", "month", "unit", "session")
    list_filter = ("metric", "approximate", "session__group__round__province")
    search_fields = ("metric__name", "unit__name", "note")
    list_select_related = ("metric", "unit", "session__group")
    autocomplete_fields = ("session", "unit", "metric")
    date_hierarchy = "month"
    ordering = ("-month", "metric__position")


@admin.register(Difficulty)
class DifficultyAdmin(SessionContentAdmin):
    list_display = ("short_text", "category", "raised_jointly", "session", "session__group__round")
    list_filter = (
        "category", "raised_jointly", "session__group__round__province", "session__group__round",
    )
    search_fields = ("text", "units__name")
    list_select_related = ("category", "session__group__round")
    autocomplete_fields = ("session", "category", "units")
    ordering = ("-session__date", "id")

    @admin.display(description=_("text"))
    def short_text(self, obj):
        return truncated(obj.text)


class DirectiveFollowUpInline(admin.TabularInline):
    model = DirectiveFollowUp
    fields = ("unit", "department", "status", "completed_on", "note")
    autocomplete_fields = ("unit", "department")
    extra = 0


@admin.register(Directive)
class DirectiveAdmin(SessionContentAdmin):
    list_display = (
        "short_text", "due_date", "session", "session__group__round", "follow_up_count",
    )
    list_filter = ("due_date", "session__group__round__province", "session__group__round")
    search_fields = ("text",)
    list_select_related = ("session__group__round",)
    autocomplete_fields = ("session", "cited_document")
    date_hierarchy = "due_date"
    ordering = ("-session__date", "id")
    inlines = (DirectiveFollowUpInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(follow_up_count=Count("follow_ups"))

    @admin.display(description=_("text"))
    def short_text(self, obj):
        return truncated(obj.text)

    @admin.display(description=_("directive follow-ups"), ordering="follow_up_count")
    def follow_up_count(self, obj):
        return obj.follow_up_count


@admin.register(DirectiveFollowUp)
class DirectiveFollowUpAdmin(SessionContentAdmin):
    session_field = "directive__session"
    list_display = ("__str__", "status", "completed_on", "short_directive", "directive__due_date")
    list_filter = ("status", "department", "directive__session__group__round")
    search_fields = ("directive__text", "unit__name", "department__name", "note")
    list_select_related = ("unit", "department", "directive")
    autocomplete_fields = ("directive", "unit", "department")
    ordering = ("-directive__session__date", "directive_id", "id")

    @admin.display(description=_("directive"))
    def short_directive(self, obj):
        return truncated(obj.directive.text)

    # The directive changes with its follow-ups (the API shows them together).
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        directive_touch(directive_ids=[obj.directive_id, form.initial.get("directive")])

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        directive_touch(directive_ids=[obj.directive_id])

    def delete_queryset(self, request, queryset):
        directive_ids = set(queryset.values_list("directive", flat=True))
        super().delete_queryset(request, queryset)
        directive_touch(directive_ids=directive_ids)


@admin.register(FieldVisit)
class FieldVisitAdmin(SessionContentAdmin):
    list_display = ("place", "unit", "session", "session__group__round")
    list_filter = ("session__group__round__province", "session__group__round")
    search_fields = ("place", "findings", "unit__name")
    list_select_related = ("unit", "session__group__round")
    autocomplete_fields = ("session", "unit")
    ordering = ("-session__date", "id")


class SubmittedFigureInline(admin.TabularInline):
    model = SubmittedFigure
    fields = ("metric", "month", "value", "approximate", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(UnitSubmission)
class UnitSubmissionAdmin(RecordHistoryAdmin):
    """A unit's report and figures, sent before its session."""

    list_display = ("unit", "session", "submitted_by", "submitted_at")
    list_filter = ("session__group__round__province", "session__group__round")
    search_fields = ("unit__name", "unit__code")
    list_select_related = ("unit", "session__group", "submitted_by")
    date_hierarchy = "submitted_at"
    ordering = ("-submitted_at", "-id")
    inlines = (SubmittedFigureInline,)


@admin.register(DirectiveReport)
class DirectiveReportAdmin(RecordHistoryAdmin):
    """A unit's report on a directive given to it, and the office's decision."""

    list_display = ("follow_up", "done_on", "decision", "submitted_by", "submitted_at")
    list_filter = ("decision", "follow_up__directive__session__group__round__province")
    search_fields = ("text", "follow_up__unit__name", "follow_up__directive__text")
    list_select_related = ("follow_up__unit", "follow_up__department", "submitted_by")
    date_hierarchy = "submitted_at"
    ordering = ("-submitted_at", "-id")


# The register of outgoing documents -----------------------------------------------------------


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(RecordHistoryAdmin):
    """The register, to read and search: numbers are given, documents withdrawn and signed
    copies uploaded on the office's register pages, which keep the sequence and record who
    did what; nothing here changes an entry."""

    list_display = ("number_text", "date", "doc_type", "short_summary", "issuing_body",
                    "status", "signature")
    list_filter = ("issuing_body__province", "issuing_body__kind", "year", "status",
                   "signature")
    search_fields = ("number_text", "summary", "issuer_name", "recipients")
    list_select_related = ("issuing_body__province",)
    date_hierarchy = "date"
    ordering = ("-year", "-number")

    @admin.display(description=_("summary"))
    def short_summary(self, obj):
        return truncated(obj.summary)


@admin.register(RegisterCounter)
class RegisterCounterAdmin(RecordAdmin):
    """Where each body's sequence stands; it only moves when a number is given."""

    list_display = ("issuing_body", "year", "last_number")
    list_filter = ("year", "issuing_body__province")
    list_select_related = ("issuing_body__province",)


@admin.register(DeviceSend)
class DeviceSendAdmin(RecordAdmin):
    """The ids of the sends units' devices made (static/js/offline.js): kept so that a copy
    sent again is refused as a duplicate."""

    list_display = ("client_id", "sent_by", "received_at")
    search_fields = ("sent_by__username",)
    list_select_related = ("sent_by",)
