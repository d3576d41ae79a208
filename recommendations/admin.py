"""Admin for recommendations, their lifecycle events and the responses to them.

The status of a recommendation moves only through recommendations.services, which checks each
step and records it as a RecommendationEvent; the admin therefore shows the status and the
events but does not let them be edited.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from communes.admin import HistoryAdmin, RecordAdmin, RecordHistoryAdmin
from communes.timeline import REASONS
from inspections.admin import FixedParentMixin, SessionAdmin, SessionContentAdmin, truncated
from inspections.models import Session

from .models import (
    AnswerReceipt,
    Attachment,
    DigestSent,
    ExtensionRequest,
    PublishedAnswer,
    Recommendation,
    RecommendationEvent,
    Response,
    Status,
    Tally,
)
from .services import STEPS
from .tally import CENTRAL, LATE, ON_TIME, OPEN, PENDING


class RecommendationEventInline(admin.TabularInline):
    model = RecommendationEvent
    fields = ("at", "from_status", "to_status", "actor", "note")
    readonly_fields = fields
    ordering = ("at", "id")
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ResponseInline(admin.StackedInline):
    model = Response
    fields = ("kind", "department", "author", "text", "created_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("department", "author")
    extra = 0


@admin.register(Recommendation)
class RecommendationAdmin(FixedParentMixin, SessionContentAdmin):
    fixed_once_saved = ("session",)
    # The history records the lifecycle step that made each change.
    change_reasons = {**REASONS, **{name: step.label for name, step in STEPS.items()}}
    list_display = (
        "short_text", "session", "category", "status", "lead_department", "due_date", "priority",
    )
    list_filter = (
        "status", "category", "priority", "authority_level", "lead_department",
        "session__group__round",
    )
    search_fields = ("text",)
    list_select_related = ("session__group", "category", "lead_department")
    autocomplete_fields = ("session", "units", "category")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    fieldsets = (
        (None, {"fields": ("session", "text", "category", "raised_jointly", "units")}),
        (
            _("Handling"),
            {
                "fields": (
                    "status", "authority_level", "lead_department", "cooperating_departments",
                    "assignee", "due_date", "priority", "answered_by", "central_body",
                    "consolidated_into",
                ),
            },
        ),
        (_("Dates"), {"fields": ("created_at", "resolved_at")}),
    )
    inlines = (ResponseInline, RecommendationEventInline)

    # What the lifecycle decides (status, routing, due date, on-the-spot answer, proposal,
    # consolidation) changes only through the steps of recommendations.services, which record
    # each one as an event; admin shows it. A recommendation added here starts as "new".
    readonly_fields = (
        "status", "authority_level", "lead_department", "cooperating_departments", "assignee",
        "due_date", "answered_by", "central_body", "consolidated_into", "created_at",
        "resolved_at",
    )

    @admin.display(description=_("text"))
    def short_text(self, obj):
        return truncated(obj.text)


@admin.register(RecommendationEvent)
class RecommendationEventAdmin(RecordAdmin):
    """The lifecycle's audit trail: view only."""

    list_display = ("at", "short_recommendation", "from_status", "to_status", "actor")
    list_filter = ("to_status", "from_status")
    search_fields = ("recommendation__text", "note", "actor__username")
    list_select_related = ("recommendation", "actor")
    date_hierarchy = "at"
    ordering = ("-at", "-id")

    @admin.display(description=_("recommendation"))
    def short_recommendation(self, obj):
        return truncated(obj.recommendation.text)


@admin.register(Response)
class ResponseAdmin(HistoryAdmin):
    list_display = (
        "short_text", "kind", "department", "author", "created_at", "short_recommendation",
    )
    list_filter = ("kind", "department")
    search_fields = ("text", "recommendation__text", "department__name")
    list_select_related = ("department", "author", "recommendation")
    autocomplete_fields = ("recommendation", "department", "author", "cited_document")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    readonly_fields = ("created_at",)

    @admin.display(description=_("text"))
    def short_text(self, obj):
        return truncated(obj.text)

    @admin.display(description=_("recommendation"))
    def short_recommendation(self, obj):
        return truncated(obj.recommendation.text)


class RecommendationInline(admin.StackedInline):
    model = Recommendation
    fields = (
        "text", "category", "raised_jointly", "units", "authority_level", "status",
        "lead_department", "priority", "due_date",
    )
    # Status, routing and due date move only through recommendations.services.
    readonly_fields = ("status", "authority_level", "lead_department", "due_date")
    autocomplete_fields = ("category", "units")
    extra = 0
    show_change_link = True


# A session's admin page lists its recommendations too: this app adds them to the
# inspections app's SessionAdmin.
admin.site.unregister(Session)


@admin.register(Session)
class SessionWithRecommendationsAdmin(SessionAdmin):
    inlines = (*SessionAdmin.inlines, RecommendationInline)


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(RecordHistoryAdmin):
    list_display = ("recommendation", "current_due_date", "proposed_due_date", "decision",
                    "requested_by", "requested_at")
    list_filter = ("decision", "recommendation__province")
    search_fields = ("recommendation__text", "reason")
    list_select_related = ("recommendation", "requested_by")
    date_hierarchy = "requested_at"
    ordering = ("-requested_at", "-id")


@admin.register(PublishedAnswer)
class PublishedAnswerAdmin(RecordHistoryAdmin):
    list_display = ("recommendation", "published_by", "published_at")
    list_filter = ("recommendation__province",)
    search_fields = ("recommendation__text", "text")
    list_select_related = ("recommendation", "published_by")
    date_hierarchy = "published_at"
    ordering = ("-published_at", "-id")


@admin.register(AnswerReceipt)
class AnswerReceiptAdmin(RecordHistoryAdmin):
    list_display = ("answer", "unit", "read_at", "verdict", "responded_at", "decision")
    list_filter = ("verdict", "decision")
    search_fields = ("unit__name", "answer__recommendation__text", "reason")
    list_select_related = ("answer__recommendation", "unit")
    ordering = ("-id",)


@admin.register(Attachment)
class AttachmentAdmin(RecordAdmin):
    list_display = ("original_name", "content_type", "size", "uploaded_by", "uploaded_at")
    search_fields = ("original_name",)
    list_select_related = ("uploaded_by",)
    date_hierarchy = "uploaded_at"
    ordering = ("-uploaded_at", "-id")


@admin.register(DigestSent)
class DigestSentAdmin(RecordAdmin):
    list_display = ("day", "department", "sent_at")
    list_filter = ("department__province",)
    list_select_related = ("department",)
    date_hierarchy = "day"
    ordering = ("-day", "department")


@admin.register(Tally)
class TallyAdmin(RecordAdmin):
    """The dashboard's counts, kept by the services (`manage.py rebuild_tally` recomputes
    them)."""

    list_display = ("kind", "session", "lead_department", "category", "unit", "state",
                    "due_date", "days", "number")
    list_filter = ("kind", "province")
    list_select_related = ("session", "lead_department", "category", "unit")
    ordering = ("session", "kind", "id")
    exclude = ("status",)
    readonly_fields = ("state",)

    # `status` holds a recommendation's status, or how an item was completed.
    STATES = {**dict(Status.choices), ON_TIME: _("Completed on time"),
              LATE: _("Completed late"), OPEN: _("not completed"), PENDING: _("not completed"),
              CENTRAL: _("Proposed to central level")}

    @admin.display(description=_("status"), ordering="status")
    def state(self, obj):
        return self.STATES.get(obj.status, obj.status) or "—"
