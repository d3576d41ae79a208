"""The recommendation lifecycle, in one place.

Every change of status goes through `_transition`, which checks that the step is allowed from
the current status and for the acting user's role, saves, and records a RecommendationEvent
(who, when, from, to, note). Views, admin actions, commands and the demo loader all call these
functions; nothing else writes `Recommendation.status`.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from communes import roles
from communes.workdays import add_working_days
from inspections import services as inspection_services

from . import notifications
from .attachments import check_upload
from .models import (
    OPEN_STATUSES,
    Attachment,
    ExtensionRequest,
    Recommendation,
    RecommendationEvent,
    Response,
    Status,
)


class TransitionNotAllowed(ValidationError):
    """The step is not possible from the current status, or not for this user."""


OFFICE = "office"
LEAD_HEAD = "lead_head"
LEAD_STAFF = "lead_staff"
COOPERATING = "cooperating"


@dataclass(frozen=True)
class Step:
    label: str
    sources: frozenset
    target: str
    actors: frozenset


STEPS = {
    "answer_on_the_spot": Step(
        _("Answered on the spot"), frozenset({Status.NEW}), Status.ANSWERED_ON_THE_SPOT,
        frozenset({OFFICE}),
    ),
    "route": Step(
        # An on-the-spot answer that still needs a department's work is routed afterwards.
        _("Route"), frozenset({Status.NEW, Status.RETURNED, Status.ANSWERED_ON_THE_SPOT}),
        Status.ROUTED, frozenset({OFFICE}),
    ),
    "accept": Step(
        _("Accept"), frozenset({Status.ROUTED}), Status.ACCEPTED,
        frozenset({LEAD_HEAD, LEAD_STAFF}),
    ),
    "start": Step(
        _("Start work"), frozenset({Status.ACCEPTED, Status.REOPENED}), Status.IN_PROGRESS,
        frozenset({LEAD_HEAD, LEAD_STAFF}),
    ),
    "resolve": Step(
        _("Resolve"), frozenset({Status.ACCEPTED, Status.IN_PROGRESS, Status.REOPENED}),
        Status.RESOLVED, frozenset({LEAD_HEAD}),
    ),
    "return": Step(
        _("Return to the office"), frozenset({Status.ROUTED, Status.ACCEPTED}), Status.RETURNED,
        frozenset({LEAD_HEAD}),
    ),
    "propose_central": Step(
        _("Propose to central level"),
        frozenset({Status.NEW, Status.ROUTED, Status.ACCEPTED, Status.IN_PROGRESS,
                   Status.REOPENED, Status.RETURNED}),
        Status.PROPOSED_CENTRAL, frozenset({OFFICE, LEAD_HEAD}),
    ),
    "reopen": Step(
        _("Reopen"), frozenset({Status.RESOLVED}), Status.REOPENED,
        frozenset({OFFICE}),
    ),
}


# Who holds each capacity, by role: which pages' steps a role may ever take (403 otherwise).
CAPACITY_ROLES = {
    OFFICE: {roles.OFFICE_STAFF},
    LEAD_HEAD: {roles.DEPARTMENT_HEAD},
    LEAD_STAFF: {roles.DEPARTMENT_STAFF},
    COOPERATING: {roles.DEPARTMENT_HEAD, roles.DEPARTMENT_STAFF},
}


def actor_kinds(user, recommendation) -> set[str]:
    """In which capacities `user` may act on `recommendation`: office, lead department head or
    staff, co-operating department."""
    if user is None or user.is_superuser:
        # Commands and admins act for every role.
        return {OFFICE, LEAD_HEAD, LEAD_STAFF}
    kinds = set()
    names = roles.role_names(user)
    profile = getattr(user, "profile", None)
    in_province = profile is not None and profile.province_id == recommendation.province_id
    if roles.OFFICE_STAFF in names and in_province:
        kinds.add(OFFICE)
    # A department acts on an item only while it holds it: not once it returned it.
    holds = recommendation.status in OPEN_STATUSES
    if holds and profile is not None and profile.department_id == recommendation.lead_department_id:
        if roles.DEPARTMENT_HEAD in names:
            kinds.add(LEAD_HEAD)
        if roles.DEPARTMENT_STAFF in names:
            kinds.add(LEAD_STAFF)
    cooperating = {d.pk for d in recommendation.cooperating_departments.all()} if holds else ()
    if (profile is not None and roles.is_department_user(user)
            and profile.department_id in cooperating):
        kinds.add(COOPERATING)
    return kinds


def pending_extension(recommendation):
    """The extension request waiting for a decision, if any (from prefetched requests when
    the caller prefetched them)."""
    return next((r for r in recommendation.extension_requests.all()
                 if r.decision == ExtensionRequest.Decision.PENDING), None)


@dataclass(frozen=True)
class Action:
    """Something a user may do on a recommendation's page: a lifecycle step (`step`), or work
    that leaves the status as it is, by the capacities in `actors` while `possible` holds."""

    label: str
    step: str = ""
    actors: frozenset = frozenset()
    possible: object = None  # (recommendation) -> bool

    def capacities(self) -> frozenset:
        return STEPS[self.step].actors if self.step else self.actors

    def possible_now(self, recommendation) -> bool:
        if self.step and recommendation.status not in STEPS[self.step].sources:
            return False
        return self.possible is None or self.possible(recommendation)


# The actions of a recommendation's page, in the order the page shows them. The routing
# screen takes the office's first steps (route, answer on the spot, merge).
ACTIONS = {
    "accept": Action(_("Accept"), step="accept"),
    "start": Action(_("Start work"), step="start"),
    "assign": Action(_("Assign to a colleague"), actors=frozenset({LEAD_HEAD})),
    "respond": Action(_("Respond"), actors=frozenset({LEAD_HEAD, LEAD_STAFF, COOPERATING})),
    "note": Action(_("Add a progress note"), actors=frozenset({LEAD_HEAD, LEAD_STAFF})),
    "resolve": Action(_("Resolve"), step="resolve"),
    "return": Action(_("Return to the office"), step="return"),
    "propose_central": Action(_("Propose to central level"), step="propose_central"),
    "extension": Action(_("Ask for a later due date"), actors=frozenset({LEAD_HEAD, LEAD_STAFF}),
                        possible=lambda r: pending_extension(r) is None),
    "decide": Action(_("Decide on the extension request"), actors=frozenset({OFFICE}),
                     possible=lambda r: pending_extension(r) is not None),
    "reopen": Action(_("Reopen"), step="reopen"),
}


def available_actions(*, recommendation, user) -> list[str]:
    """The actions `user` may take on `recommendation` now, in the order the page shows them."""
    kinds = actor_kinds(user, recommendation)
    return [name for name, action in ACTIONS.items()
            if kinds & action.capacities() and action.possible_now(recommendation)]


def role_may_take(user, action: str) -> bool:
    """Whether the user's role may ever take `action` (whatever the recommendation's state):
    a step their role never takes is refused with 403, one not possible now with a message."""
    if user.is_superuser:
        return True
    names = roles.role_names(user)
    return any(names & CAPACITY_ROLES[kind] for kind in ACTIONS[action].capacities())


def _transition(*, recommendation, step_name, by, note="", at=None, **changes):
    step = STEPS[step_name]
    recommendation = Recommendation.objects.select_for_update(of=("self",)).select_related(
        "session__group__round"
    ).get(pk=recommendation.pk)
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


def _require_text(text: str, message) -> None:
    """A step that needs a reason, an answer or a name refuses an empty one."""
    if not text.strip():
        raise TransitionNotAllowed(message)


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
    recommendation = _transition(
        recommendation=recommendation, step_name="route", by=by, note=note, at=at,
        lead_department=lead_department, due_date=due_date or default_due_date(),
        authority_level=Recommendation.AuthorityLevel.PROVINCE,
    )
    recommendation.cooperating_departments.set(cooperating_departments)
    notifications.notify_routed(recommendation)
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
    return recommendation


@transaction.atomic
def recommendation_accept(*, recommendation, by, note="", at=None):
    return _transition(recommendation=recommendation, step_name="accept", by=by, note=note, at=at)


@transaction.atomic
def recommendation_start(*, recommendation, by, note="", at=None):
    return _transition(recommendation=recommendation, step_name="start", by=by, note=note, at=at)


@transaction.atomic
def recommendation_resolve(*, recommendation, by, answer: str, at=None):
    """The lead department's final answer: the recommendation is resolved."""
    _require_text(answer, _("Write the answer that resolves the recommendation."))
    recommendation = _transition(
        recommendation=recommendation, step_name="resolve", by=by, note=answer, at=at
    )
    Response.objects.create(
        recommendation=recommendation, kind=Response.Kind.ANSWER, author=by, text=answer,
        department=recommendation.lead_department, created_at=at or timezone.now(),
    )
    notifications.notify_office(recommendation, _("resolved"))
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
    # so it leaves that department's lists and counts until the office routes it again.
    recommendation.lead_department = None
    recommendation.save(update_fields=["lead_department", "updated_at"])
    recommendation.cooperating_departments.clear()
    return recommendation


@transaction.atomic
def recommendation_propose_central(*, recommendation, by, central_body: str, note="", at=None):
    """The recommendation exceeds provincial authority: propose it to a named central body."""
    _require_text(central_body, _("Name the central body the recommendation is proposed to."))
    # The central body now handles it: no provincial department keeps it in its lists.
    recommendation = _transition(
        recommendation=recommendation, step_name="propose_central", by=by, note=note, at=at,
        central_body=central_body, authority_level=Recommendation.AuthorityLevel.CENTRAL,
        lead_department=None,
    )
    recommendation.cooperating_departments.clear()
    return recommendation


@transaction.atomic
def recommendation_reopen(*, recommendation, by, reason: str, at=None):
    """The unit says it is not fixed: the recommendation goes back to its department."""
    _require_text(reason, _("Give the reason for reopening the recommendation."))
    # Back with its department, with a fresh due date: the old one has usually passed.
    recommendation = _transition(
        recommendation=recommendation, step_name="reopen", by=by, note=reason, at=at,
        due_date=default_due_date(),
    )
    notifications.notify_departments(recommendation, _("reopened"))
    return recommendation


MERGEABLE = (Status.NEW, Status.RETURNED)


@transaction.atomic
def recommendation_merge(*, target: Recommendation, others: Iterable[Recommendation], by,
                         at=None) -> Recommendation:
    """Consolidate recommendations that ask for the same thing into `target`.

    The merged ones stay, pointing to `target`, so every unit and session that raised the
    request is still linked; their units are added to the target's.
    """
    ids = {r.pk for r in others} - {target.pk}
    if not ids:
        raise TransitionNotAllowed(_("Select at least two recommendations to merge."))
    locked = {
        r.pk: r for r in Recommendation.objects.select_for_update()
        .select_related("session__group__round").filter(pk__in=ids | {target.pk})
    }
    target, others = locked[target.pk], [locked[pk] for pk in sorted(ids)]
    if OFFICE not in actor_kinds(by, target):
        raise TransitionNotAllowed(_("Your role may not merge recommendations."))
    at = at or timezone.now()
    province_id = target.session.group.round.province_id
    for recommendation in [target, *others]:
        if recommendation.status not in MERGEABLE or recommendation.consolidated_into_id:
            raise TransitionNotAllowed(
                _("“%(text)s” is %(status)s and cannot be merged.")
                % {"text": recommendation.text[:60],
                   "status": recommendation.get_status_display()})
        if recommendation.session.group.round.province_id != province_id:
            raise TransitionNotAllowed(_("Recommendations of another province cannot be merged."))
    for other in others:
        other.consolidated_into = target
        other._change_reason = "merged"
        other.save(update_fields=["consolidated_into", "updated_at"])
        RecommendationEvent.objects.create(
            recommendation=other, actor=by, at=at, from_status=other.status,
            to_status=other.status,
            note=_("Merged into recommendation no. %(number)s") % {"number": target.pk})
        target.units.add(*other.units.all())
    RecommendationEvent.objects.create(
        recommendation=target, actor=by, at=at, from_status=target.status,
        to_status=target.status,
        note=_("Recommendations merged into this one: %(numbers)s")
        % {"numbers": ", ".join(f"#{o.pk}" for o in others)})
    _touch(target)
    # The target's units changed: a recording page opened before must not undo that.
    inspection_services.session_touch(session_ids=[target.session_id])
    return target


def _locked(recommendation):
    # Lock only the recommendation's row: PostgreSQL refuses FOR UPDATE on the nullable side
    # of the outer join to the lead department.
    return Recommendation.objects.select_for_update(of=("self",)).select_related(
        "session__group__round", "lead_department").get(pk=recommendation.pk)


def _record(recommendation, *, by, note, at=None):
    """An event that leaves the status as it is (an assignment, a note, a decision).

    Notes the portal writes itself are stored in Vietnamese, whatever language the acting user
    reads: `note` may be a lazy string, rendered here."""
    with translation.override(settings.LANGUAGE_CODE):
        note = str(note)
    RecommendationEvent.objects.create(
        recommendation=recommendation, actor=by, at=at or timezone.now(),
        from_status=recommendation.status, to_status=recommendation.status, note=note)
    _touch(recommendation)


def _touch(recommendation):
    """What the API shows of a recommendation (its events, responses) changed without a save
    of the row: move its updated_at, which the API's incremental sync reads."""
    Recommendation.objects.filter(pk=recommendation.pk).update(updated_at=timezone.now())


def _require(kinds, allowed, message):
    if not kinds & allowed:
        raise TransitionNotAllowed(message)


@transaction.atomic
def attachments_save(*, files, by, response=None, session=None) -> list[Attachment]:
    """Store uploaded files, each checked from its content; one bad file stores none."""
    checked = [(upload, check_upload(upload)) for upload in files]
    saved = []
    try:
        for upload, content_type in checked:
            saved.append(Attachment.objects.create(
                response=response, session=session, file=upload, original_name=upload.name,
                content_type=content_type, size=upload.size, uploaded_by=by))
    except Exception:
        # The rows roll back with the transaction; the files already written must go too.
        for attachment in saved:
            attachment.file.delete(save=False)
        raise
    return saved


@transaction.atomic
def recommendation_assign(*, recommendation, assignee, by) -> Recommendation:
    """The lead department's head gives the item to one of the department's people."""
    recommendation = _locked(recommendation)
    _require(actor_kinds(by, recommendation), {LEAD_HEAD},
             _("Only the head of the lead department assigns its recommendations."))
    profile = getattr(assignee, "profile", None)
    if profile is None or profile.department_id != recommendation.lead_department_id:
        raise TransitionNotAllowed(_("Assign it to someone of the lead department."))
    recommendation.assignee = assignee
    recommendation.save(update_fields=["assignee", "updated_at"])
    _record(recommendation, by=by, note=format_lazy(
        _("Assigned to {name}"), name=assignee.get_full_name() or assignee.username))
    notifications.notify_assignee(recommendation)
    return recommendation


@transaction.atomic
def recommendation_respond(*, recommendation, by, text: str, files=(), progress=False):
    """A department's answer (lead), contribution (co-operating) or progress note, with files.

    The lead department's answer is what its head then resolves with; the office is told.
    """
    recommendation = _locked(recommendation)
    kinds = actor_kinds(by, recommendation)
    _require_text(text, _("Write the text of the response."))
    if kinds & {LEAD_HEAD, LEAD_STAFF}:
        kind = Response.Kind.PROGRESS if progress else Response.Kind.ANSWER
        department_id = recommendation.lead_department_id
    elif COOPERATING in kinds and not progress:
        kind = Response.Kind.CONTRIBUTION
        department_id = by.profile.department_id
    else:
        raise TransitionNotAllowed(_("Your department does not handle this recommendation."))
    response = Response.objects.create(
        recommendation=recommendation, kind=kind, department_id=department_id, author=by,
        text=text)
    attachments_save(files=files, by=by, response=response)
    _touch(recommendation)
    if kind != Response.Kind.PROGRESS:
        notifications.notify_office(recommendation, _("a response was added"))
    return response


@transaction.atomic
def extension_request(*, recommendation, by, proposed_due_date, reason: str) -> ExtensionRequest:
    """The lead department asks for a later due date."""
    recommendation = _locked(recommendation)
    _require(actor_kinds(by, recommendation), {LEAD_HEAD, LEAD_STAFF},
             _("Only the lead department asks for more time."))
    _require_text(reason, _("Give the reason for asking for more time."))
    if proposed_due_date <= max(filter(None, [recommendation.due_date,
                                              timezone.localdate()])):
        raise TransitionNotAllowed(_("Propose a date after today and after the current due "
                                     "date."))
    if recommendation.extension_requests.filter(
            decision=ExtensionRequest.Decision.PENDING).exists():
        raise TransitionNotAllowed(_("An extension request is already waiting."))
    request = ExtensionRequest.objects.create(
        recommendation=recommendation, requested_by=by, proposed_due_date=proposed_due_date,
        current_due_date=recommendation.due_date, reason=reason)
    _record(recommendation, by=by, note=format_lazy(
        _("Asked for the due date to move to {date}: {reason}"),
        date=f"{proposed_due_date:%d/%m/%Y}", reason=reason))
    notifications.notify_office(recommendation, _("asked for more time"))
    return request


@transaction.atomic
def extension_decide(*, request: ExtensionRequest, by, approve: bool, note: str = ""):
    """The office approves (the due date moves) or refuses an extension request."""
    request = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
    recommendation = _locked(request.recommendation)
    _require(actor_kinds(by, recommendation), {OFFICE},
             _("Only the office decides on extension requests."))
    if request.decision != ExtensionRequest.Decision.PENDING:
        raise TransitionNotAllowed(_("This request has already been decided."))
    if recommendation.status not in OPEN_STATUSES:
        raise TransitionNotAllowed(_("The recommendation is no longer with a department."))
    request.decision = (ExtensionRequest.Decision.APPROVED if approve
                        else ExtensionRequest.Decision.REFUSED)
    request.decided_by, request.decided_at, request.decision_note = by, timezone.now(), note
    request.save()
    if approve:
        recommendation.due_date = request.proposed_due_date
        recommendation.save(update_fields=["due_date", "updated_at"])
    decision = (format_lazy(_("Extension approved: due {date}."),
                            date=f"{request.proposed_due_date:%d/%m/%Y}")
                if approve else _("Extension refused."))
    _record(recommendation, by=by, note=format_lazy("{decision}{note}", decision=decision,
                                                    note=f" {note}" if note else ""))
    notifications.notify_departments(
        recommendation, _("extension approved") if approve else _("extension refused"))
    return request


@transaction.atomic
def session_with_recommendations_save(*, session, expected_version, formsets, by,
                                      conclusion=None, finalise=False):
    """Save everything the recording page holds as one change of the session
    (inspections.services.session_record_save), then record the answers given on the spot
    through the lifecycle, like every other step."""
    saved = inspection_services.session_record_save(
        session=session, expected_version=expected_version, formsets=formsets, by=by,
        conclusion=conclusion, finalise=finalise)
    for form in formsets["recommendations"].forms:
        recommendation = form.instance
        if (
            recommendation.pk and form.cleaned_data.get("answer") and not form.is_locked
            and not form.cleaned_data.get("DELETE")
            and recommendation.status == Status.NEW
        ):
            recommendation_answer_on_the_spot(
                recommendation=recommendation, answered_by=form.cleaned_data["answered_by"],
                answer=form.cleaned_data["answer"], by=by)
    return saved
