"""Reads of the inspection pages: one object, looked up among what the user may see, so an
object outside the user's scope answers 404."""

from django.shortcuts import get_object_or_404

from .models import InspectionRound, ReportedFigure, Session, SubmittedFigure, WorkingGroup


def round_for(user, pk) -> InspectionRound:
    return get_object_or_404(
        InspectionRound.objects.visible_to(user).select_related("province"), pk=pk)


def group_for(user, pk) -> WorkingGroup:
    return get_object_or_404(
        WorkingGroup.objects.visible_to(user).select_related("round__province"), pk=pk)


def session_for(user, pk) -> Session:
    return get_object_or_404(
        Session.objects.visible_to(user).select_related("group__round__province"), pk=pk)


def unit_figures_of(unit, month) -> dict:
    """{metric id: value}: `unit`'s own figures of `month`, as the office recorded them (the
    latest session's, when several did), or else as the unit sent them before a session."""
    values = dict(SubmittedFigure.objects.filter(submission__unit=unit, month=month).order_by(
        "submission__submitted_at", "pk").values_list("metric_id", "value"))
    values.update(ReportedFigure.objects.filter(unit=unit, month=month).order_by(
        "session__date", "pk").values_list("metric_id", "value"))
    return values
