"""Reads of the inspection pages: one object, looked up among what the user may see, so an
object outside the user's scope answers 404."""

from django.shortcuts import get_object_or_404

from .models import InspectionRound, Session, WorkingGroup


def round_for(user, pk) -> InspectionRound:
    return get_object_or_404(
        InspectionRound.objects.visible_to(user).select_related("province"), pk=pk)


def group_for(user, pk) -> WorkingGroup:
    return get_object_or_404(
        WorkingGroup.objects.visible_to(user).select_related("round__province"), pk=pk)


def session_for(user, pk) -> Session:
    return get_object_or_404(
        Session.objects.visible_to(user).select_related("group__round__province"), pk=pk)
