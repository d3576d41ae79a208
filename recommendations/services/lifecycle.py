"""The lifecycle steps: every change of status goes through `_transition`, which checks that
the step is allowed from the current status and for the acting user's capacity (steps.py),
saves, and records a RecommendationEvent (who, when, from, to, note)."""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from communes.events import Event, emit
from communes.workdays import add_working_days
from inspections import services as inspection_services

from .. import notifications
from ..models import (
    AnswerReceipt,
    ExtensionRequest,
    Recommendation,
    RecommendationEvent,
    Response,
    Status,
)
from .shared import _require_not_merged, _require_text, _require_working_day, _text
from .steps import STEPS, TransitionNotAllowed, actor_kinds
from .units import _decide_reopening_requests


def _transition(*, recommendation, step_name, by, note="", at=None, **changes):
    step = STEPS[step_name]
    recommendation = Recommendation.objects.select_for_update(of=("self",)).select_related(
        "session__group__round"
    ).get(pk=recommendation.pk)
    _require_not_merged(recommendation)
    if recommendation.status not in step.sources:
        raise TransitionNotAllowed(
            _("“%(step)s” is not possible for a recommendation that is %(status)s.")
            % {"step": step.label, "status": recommendation.get_status_display()}
        )
    if not actor_kinds(by, recommendation) & step.actors:
        raise TransitionNotAllowed(_("Your role may not take the step “%(step)s”.") % {
            "step": step.label})
    at = at or timezone.now()
    previous = recommendation.status
    for field, value in changes.items():
        setattr(recommendation, field, value)
    recommendation.status = step.target
    if step.target not in (Status.ACCEPTED, Status.IN_PROGRESS):
        # A request for more time lapses when the item leaves the department's hands (or
        # comes back to it afresh).
        recommendation.extension_requests.filter(
            decision=ExtensionRequest.Decision.PENDING).update(
            decision=ExtensionRequest.Decision.REFUSED, decided_at=at,
            decision_note=str(step.label))
    if step.target == Status.RESOLVED:
        recommendation.resolved_at = at
    elif step.target == Status.REOPENED:
        recommendation.resolved_at = None
    # The history records which step it was; the note itself is on the event (it may be long).
    recommendation._change_reason = step_name
    recommendation.save()
    RecommendationEvent.objects.create(
        recommendation=recommendation, actor=by, at=at, from_status=previous,
        to_status=step.target, note=note,
    )
    return recommendation


def default_due_date(start: datetime.date | None = None) -> datetime.date:
    return add_working_days(start or timezone.localdate(), settings.DEFAULT_DUE_WORKING_DAYS)


@transaction.atomic
def recommendation_route(
    *, recommendation: Recommendation, lead_department, by,
    cooperating_departments: Iterable = (), due_date: datetime.date | None = None,
    note: str = "", at=None,
) -> Recommendation:
    """Send a recommendation to a lead department (and co-operating ones) with a due date,
    counted in working days from today unless given."""
    province_id = recommendation.session.group.round.province_id
    cooperating_departments = [d for d in cooperating_departments if d.pk != lead_department.pk]
    for department in [lead_department, *cooperating_departments]:
        if department.province_id != province_id or not department.is_active:
            raise TransitionNotAllowed(
                _("%(department)s is not an active department of this province.")
                % {"department": department})
    due_date = due_date or default_due_date()
    _require_working_day(due_date)
    recommendation = _transition(
        recommendation=recommendation, step_name="route", by=by, note=note, at=at,
        lead_department=lead_department, due_date=due_date,
        authority_level=Recommendation.AuthorityLevel.PROVINCE,
    )
    recommendation.cooperating_departments.set(cooperating_departments)
    notifications.notify_routed(recommendation)
    emit(Event.RECOMMENDATION_ROUTED, recommendation)
    return recommendation


@transaction.atomic
def recommendation_answer_on_the_spot(
    *, recommendation: Recommendation, answered_by: str, answer: str, by, at=None
) -> Recommendation:
    """Record that a group member answered the recommendation at the session."""
    recommendation = _transition(
        recommendation=recommendation, step_name="answer_on_the_spot", by=by, note=answer, at=at,
        answered_by=answered_by,
    )
    Response.objects.create(
        recommendation=recommendation, kind=Response.Kind.ON_THE_SPOT, author=by, text=answer,
        created_at=at or timezone.now(),
    )
    emit(Event.RECOMMENDATION_ANSWERED, recommendation, kind=Response.Kind.ON_THE_SPOT)
    return recommendation


@transaction.atomic
def recommendation_accept(*, recommendation, by, note="", at=None):
    recommendation = _transition(recommendation=recommendation, step_name="accept", by=by,
                                 note=note, at=at)
    emit(Event.RECOMMENDATION_ACCEPTED, recommendation)
    return recommendation


@transaction.atomic
def recommendation_start(*, recommendation, by, note="", at=None):
    return _transition(recommendation=recommendation, step_name="start", by=by, note=note, at=at)


@transaction.atomic
def recommendation_resolve(*, recommendation, by, answer: str, at=None, cited_document=None):
    """The lead department's final answer: the recommendation is resolved, citing, if given,
    the registered document that resolved it."""
    _require_text(answer, _("Write the answer that resolves the recommendation."))
    inspection_services.require_citable(cited_document, recommendation.province_id)
    recommendation = _transition(
        recommendation=recommendation, step_name="resolve", by=by, note=answer, at=at
    )
    Response.objects.create(
        recommendation=recommendation, kind=Response.Kind.ANSWER, author=by, text=answer,
        department=recommendation.lead_department, created_at=at or timezone.now(),
        cited_document=cited_document,
    )
    notifications.notify_office(recommendation, _("resolved"))
    emit(Event.RECOMMENDATION_RESOLVED, recommendation)
    return recommendation


@transaction.atomic
def recommendation_return(*, recommendation, by, reason: str, at=None):
    """The department says the recommendation is not theirs; the office re-routes it."""
    _require_text(reason, _("Give the reason for returning the recommendation."))
    recommendation = _transition(
        recommendation=recommendation, step_name="return", by=by, note=reason, at=at
    )
    notifications.notify_office(recommendation, _("returned to the office"))
    # "Not ours": the department lets go of it (its event records who returned it and why),
    # so it leaves that department's lists and counts until the office routes it again, and
    # the colleague it was assigned to no longer holds it (an assignee is always one of the
    # lead department's people: routed elsewhere, it would name another department's).
    recommendation.lead_department = recommendation.assignee = None
    recommendation.save(update_fields=["lead_department", "assignee", "updated_at"])
    recommendation.cooperating_departments.clear()
    return recommendation


@transaction.atomic
def recommendation_propose_central(*, recommendation, by, central_body: str, note="", at=None):
    """The recommendation exceeds provincial authority: propose it to a named central body."""
    _require_text(central_body, _("Name the central body the recommendation is proposed to."))
    # The central body now handles it: no provincial department keeps it in its lists, nor
    # anyone of one as its assignee.
    recommendation = _transition(
        recommendation=recommendation, step_name="propose_central", by=by, note=note, at=at,
        central_body=central_body, authority_level=Recommendation.AuthorityLevel.CENTRAL,
        lead_department=None, assignee=None,
    )
    recommendation.cooperating_departments.clear()
    return recommendation


def reopened_due_date(recommendation) -> datetime.date:
    """The due date a reopened recommendation starts with, unless the office chooses another:
    DEFAULT_DUE_WORKING_DAYS from today, and never earlier than the one it had."""
    fresh = default_due_date()
    return max(fresh, recommendation.due_date) if recommendation.due_date else fresh


@transaction.atomic
def recommendation_reopen(*, recommendation, by, reason: str,
                          due_date: datetime.date | None = None, at=None):
    """The unit says it is not fixed: the recommendation goes back to its department, due on
    `due_date` (the office's choice; reopened_due_date otherwise)."""
    _require_text(reason, _("Give the reason for reopening the recommendation."))
    due_date = due_date or reopened_due_date(recommendation)
    _require_working_day(due_date)
    before = recommendation.due_date
    if before and due_date != before:
        reason = format_lazy(_("{reason} (due date {before} → {after})"), reason=reason,
                             before=f"{before:%d/%m/%Y}", after=f"{due_date:%d/%m/%Y}")
    recommendation = _transition(
        recommendation=recommendation, step_name="reopen", by=by, note=_text(reason), at=at,
        due_date=due_date,
    )
    # A unit that asked for it has its answer.
    _decide_reopening_requests(recommendation, by=by, decision=AnswerReceipt.Decision.REOPENED,
                               note=reason)
    notifications.notify_departments(recommendation, _("reopened"))
    emit(Event.RECOMMENDATION_REOPENED, recommendation)
    return recommendation
