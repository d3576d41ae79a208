"""What the API shows of each object: read-only, with the ids of what it points to and the
small things it holds (a session's units, figures and reports; a recommendation's departments,
events and responses, whose files are named but not included)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from communes.models import AdministrativeUnit, Department
from inspections.models import (
    Category,
    Difficulty,
    Directive,
    DirectiveFollowUp,
    FieldVisit,
    GroupMember,
    InspectionRound,
    ReportedFigure,
    Session,
    UnitReport,
    WorkingGroup,
)

from .. import tracking
from ..models import Attachment, Recommendation, RecommendationEvent, Response


class UnitRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = AdministrativeUnit
        fields = ["id", "code", "name", "kind"]


class DepartmentRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "short_code", "name", "name_en"]


class CategoryRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "code", "name", "name_en"]


class UnitSerializer(serializers.ModelSerializer):
    province = serializers.CharField(source="province.code", help_text=_(
        "The province's official code."))

    class Meta:
        model = AdministrativeUnit
        fields = ["id", "code", "name", "kind", "province", "former_districts", "headquarters",
                  "updated_at"]


class DepartmentSerializer(serializers.ModelSerializer):
    province = serializers.CharField(source="province.code", help_text=_(
        "The province's official code."))

    class Meta:
        model = Department
        fields = ["id", "province", "short_code", "name", "name_en", "is_active", "updated_at"]


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "code", "name", "name_en", "updated_at"]


class RoundSerializer(serializers.ModelSerializer):
    province = serializers.CharField(source="province.code", help_text=_(
        "The province's official code."))

    class Meta:
        model = InspectionRound
        fields = ["id", "province", "title", "period_start", "period_end", "convened_by",
                  "created_at", "updated_at"]


class MemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = GroupMember
        fields = ["name", "title", "department", "role"]


class GroupSerializer(serializers.ModelSerializer):
    units = UnitRefSerializer(many=True, help_text=_("The units assigned to the group."))
    members = MemberSerializer(many=True)

    class Meta:
        model = WorkingGroup
        fields = ["id", "round", "number", "leader_name", "leader_title", "units", "members",
                  "updated_at"]


class UnitReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = UnitReport
        fields = ["unit", "achievements", "facilities", "staffing_notes"]


class FigureSerializer(serializers.ModelSerializer):
    metric = serializers.CharField(source="metric.code")
    metric_name = serializers.CharField(source="metric.name")

    class Meta:
        model = ReportedFigure
        fields = ["unit", "metric", "metric_name", "month", "value", "approximate", "note"]
        extra_kwargs = {"unit": {"help_text": _("Empty when the session's units reported it "
                                                "jointly.")}}


class FieldVisitSerializer(serializers.ModelSerializer):
    class Meta:
        model = FieldVisit
        fields = ["place", "unit", "findings"]


class SessionSerializer(serializers.ModelSerializer):
    round = serializers.IntegerField(source="group.round_id")
    units = UnitRefSerializer(many=True)
    reports = UnitReportSerializer(source="unit_reports", many=True)
    figures = FigureSerializer(many=True)
    field_visits = FieldVisitSerializer(many=True)

    class Meta:
        model = Session
        fields = ["id", "group", "round", "date", "part_of_day", "venue", "status", "units",
                  "unit_side", "leader_assessment", "reports", "figures", "field_visits",
                  "updated_at"]


class FollowUpSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(allow_null=True)
    department = DepartmentRefSerializer(allow_null=True)

    class Meta:
        model = DirectiveFollowUp
        fields = ["id", "unit", "department", "status", "note", "completed_on"]


class DirectiveSerializer(serializers.ModelSerializer):
    follow_ups = FollowUpSerializer(many=True)

    class Meta:
        model = Directive
        fields = ["id", "session", "text", "due_date", "follow_ups", "updated_at"]


class DifficultySerializer(serializers.ModelSerializer):
    category = CategoryRefSerializer()
    units = UnitRefSerializer(many=True, help_text=_(
        "The units that raised it; empty with raised_jointly when all units of the session "
        "did."))

    class Meta:
        model = Difficulty
        fields = ["id", "session", "category", "text", "raised_jointly", "units", "updated_at"]


def person(user) -> str | None:
    return (user.get_full_name() or user.username) if user else None


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = RecommendationEvent
        fields = ["at", "from_status", "to_status", "note", "actor"]

    def get_actor(self, event) -> str | None:
        """Who took the step (empty for the portal's own commands)."""
        return person(event.actor)


class AttachmentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name")

    class Meta:
        model = Attachment
        fields = ["id", "name", "content_type", "size", "uploaded_at"]


class ResponseSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()
    attachments = AttachmentSerializer(many=True, help_text=_(
        "The files' names and sizes; the files themselves are downloaded from the portal's "
        "page of the recommendation."))

    class Meta:
        model = Response
        fields = ["kind", "department", "author", "text", "created_at", "attachments"]

    def get_author(self, response) -> str | None:
        return person(response.author)


class RecommendationSerializer(serializers.ModelSerializer):
    province = serializers.CharField(source="province.code", help_text=_(
        "The province's official code."))
    round = serializers.IntegerField(source="session.group.round_id")
    group = serializers.IntegerField(source="session.group_id")
    status_label = serializers.CharField(source="get_status_display")
    category = CategoryRefSerializer()
    units = UnitRefSerializer(many=True, help_text=_(
        "The units that raised it; empty with raised_jointly when all units of the session "
        "did."))
    lead_department = DepartmentRefSerializer(allow_null=True)
    cooperating_departments = DepartmentRefSerializer(many=True)
    events = EventSerializer(many=True, help_text=_("Its lifecycle, oldest step first."))
    responses = ResponseSerializer(many=True)

    class Meta:
        model = Recommendation
        fields = ["id", "province", "round", "group", "session", "text", "category", "units",
                  "raised_jointly", "authority_level", "priority", "status", "status_label",
                  "lead_department", "cooperating_departments", "due_date", "answered_by",
                  "central_body", "consolidated_into", "created_at", "resolved_at",
                  "updated_at", "events", "responses"]


class ListParams(serializers.DictField):
    """The filters of /api/v1/recommendations/ (and of the portal's list) behind a number."""

    def __init__(self, **kwargs):
        super().__init__(child=serializers.CharField(), help_text=_(
            "The filters of /api/v1/recommendations/ that list what this number counts."),
            **kwargs)


class BarSerializer(serializers.Serializer):
    label = serializers.CharField()
    count = serializers.IntegerField()
    params = ListParams()


class StatusCountSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Recommendation.Status.choices)
    label = serializers.CharField()
    count = serializers.IntegerField()


class DepartmentCountSerializer(serializers.Serializer):
    name = serializers.CharField()
    count = serializers.IntegerField()
    overdue = serializers.IntegerField()
    due_soon = serializers.IntegerField()
    params = ListParams()


class ScoreSerializer(serializers.Serializer):
    name = serializers.CharField()
    routed = serializers.IntegerField()
    resolved = serializers.IntegerField()
    on_time_rate = serializers.IntegerField(allow_null=True, help_text=_(
        "Per cent of the resolved ones resolved by their due date."))
    median_days = serializers.FloatField(allow_null=True, help_text=_(
        "Median working days from routing to resolution."))
    overdue = serializers.IntegerField()
    params = ListParams()


class TotalsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()
    due_soon = serializers.IntegerField()
    resolved = serializers.IntegerField()


class RecurringSerializer(serializers.Serializer):
    unit = serializers.IntegerField()
    unit_name = serializers.CharField()
    category = serializers.CharField()
    rounds = serializers.IntegerField()


class DashboardSerializer(serializers.Serializer):
    """The leaders' dashboard: each count with the list filters behind it."""

    totals = TotalsSerializer()
    by_status = StatusCountSerializer(many=True)
    by_department = DepartmentCountSerializer(many=True, help_text=_(
        "By lead department; nationally by kind of department (every province's Sở Nội vụ "
        "together)."))
    by_category = BarSerializer(many=True)
    by_group = BarSerializer(many=True, help_text=_("Empty nationally."))
    by_unit = BarSerializer(many=True, help_text=_("The 15 units that raised the most."))
    by_province = BarSerializer(many=True, help_text=_("Nationally only."))
    scorecard = ScoreSerializer(many=True)
    recurring_difficulties = RecurringSerializer(many=True, help_text=_(
        "Units whose difficulties of one category recur in two rounds or more."))


# The task-tracking split (recommendations/tracking.py) ----------------------------------------

class TrackingCountsSerializer(serializers.Serializer):
    """A lead body's tasks in the split (or the sum of a kind's)."""

    name = serializers.CharField()
    params = serializers.DictField(help_text=_(
        "The filters of the portal's list behind these numbers (with task=<cell>)."))
    on_time = serializers.IntegerField(help_text=_("Completed on time."))
    late = serializers.IntegerField(help_text=_("Completed late."))
    pending = serializers.IntegerField(help_text=_("Not completed, within the deadline."))
    overdue = serializers.IntegerField(help_text=_("Not completed, overdue."))
    no_deadline = serializers.IntegerField(help_text=_("Without a deadline."))
    completed = serializers.IntegerField()
    not_completed = serializers.IntegerField()
    total = serializers.IntegerField()


class TrackingPartSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=tracking.KINDS)
    label = serializers.CharField()
    rows = TrackingCountsSerializer(many=True, help_text=_(
        "Per lead body (nationally per province)."))
    totals = TrackingCountsSerializer()


class TrackingDocumentSerializer(serializers.Serializer):
    number = serializers.CharField()
    date = serializers.DateField()
    issuer = serializers.CharField()


class TrackingTaskSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=tracking.KINDS, help_text=_(
        "A recommendation (id: the recommendation's), or a directive's addressee (id: the "
        "follow-up's)."))
    id = serializers.IntegerField()
    text = serializers.CharField()
    document = TrackingDocumentSerializer(allow_null=True, help_text=_(
        "The issuing document from the register: the one a directive cites, or else the "
        "session's conclusion notice."))
    lead = serializers.CharField()
    cooperating = serializers.CharField()
    deadline = serializers.DateField(allow_null=True)
    completed_on = serializers.DateField(allow_null=True)
    status = serializers.CharField()
    split = serializers.ChoiceField(choices=tracking.CELLS)


class TrackingSerializer(serializers.Serializer):
    """The task-tracking report: the split per lead body and a page of its tasks."""

    as_of = serializers.DateField(help_text=_("The reference day of the split."))
    summary = TrackingPartSerializer(many=True)
    count = serializers.IntegerField(help_text=_("Tasks in all."))
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = TrackingTaskSerializer(many=True)
