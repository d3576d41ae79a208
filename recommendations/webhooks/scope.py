"""What a subscription receives: what an API token of its scope would read (the owner's
office, or one of its province's bodies), checked when the event is made and again when
each try is sent."""

from django.db.models import Prefetch

from communes import roles
from inspections.models import Directive, DirectiveFollowUp, ReportedFigure, Session
from recommendations.api import serializers
from recommendations.api.views import RecommendationViewSet
from recommendations.models import Recommendation


def _recommendations():
    return RecommendationViewSet().related(Recommendation.objects.all())


def _directives():
    return Directive.objects.select_related("session__group__round").prefetch_related(
        Prefetch("follow_ups",
                 queryset=DirectiveFollowUp.objects.select_related("unit", "department")))


def _sessions():
    return Session.objects.select_related("group__round").prefetch_related(
        "units", "unit_reports", "field_visits",
        Prefetch("figures", queryset=ReportedFigure.objects.select_related("metric")))


# object type → (its rows with what the API's serializer reads, the serializer)
KINDS = {
    "recommendation": (_recommendations, serializers.RecommendationSerializer),
    "directive": (_directives, serializers.DirectiveSerializer),
    "session": (_sessions, serializers.SessionSerializer),
}
MODELS = {"recommendation": Recommendation, "directive": Directive, "session": Session}
# object type → the lookup of its province, read alone before anything else (most events have
# no subscriber, and cost that one query and the subscriptions').
PROVINCE_LOOKUP = {"recommendation": "province_id",
                   "directive": "session__group__round__province_id",
                   "session": "group__round__province_id"}


def owner_may_subscribe(owner, province_id) -> bool:
    """The owner may still hold this subscription: an active administrator, or active office
    staff of its province (a user moved or stripped of the role loses it)."""
    if not owner.is_active:
        return False
    if owner.is_superuser:
        return True
    profile = getattr(owner, "profile", None)
    return (roles.OFFICE_STAFF in roles.role_names(owner) and profile is not None
            and profile.province_id == province_id)


def in_scope(subscription, object_type, object_id) -> bool:
    """Whether an API token of the subscription's scope would read this object now."""
    return MODELS[object_type].objects.within(subscription.scope).filter(
        pk=object_id).exists()
