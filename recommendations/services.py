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
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from communes import roles
from communes.events import Event, emit
from communes.models import AdministrativeUnit
from communes.workdays import add_working_days, deadline_problem
from inspections import notifications as inspection_notifications
from inspections import services as inspection_services
from inspections.models import Session

from . import notifications, tally
from .attachments import check_upload
from .models import (
    OPEN_STATUSES,
    AnswerReceipt,
    Attachment,
    ExtensionRequest,
    PublishedAnswer,
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


def pending_reopening(recommendation):
    """A unit's request to reopen, waiting for the office (from prefetched answers when the
    caller prefetched them)."""
    return next((receipt for answer in recommendation.published_answers.all()
                 for receipt in answer.receipts.all()
                 if receipt.decision == AnswerReceipt.Decision.PENDING), None)


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
    "publish": Action(_("Send the answer to the units"), actors=frozenset({OFFICE}),
                      possible=lambda r: r.status not in (Status.NEW, Status.RETURNED)),
    "decline_reopening": Action(_("Keep it closed (the unit asked to reopen)"),
                                actors=frozenset({OFFICE}),
                                possible=lambda r: pending_reopening(r) is not None),
}


def available_actions(*, recommendation, user) -> list[str]:
    """The actions `user` may take on `recommendation` now, in the order the page shows them
    (none on a recommendation merged into another)."""
    if recommendation.consolidated_into_id:
        return []
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


def _require_not_merged(recommendation) -> None:
    """A recommendation merged into another is handled as that other one: it takes no step of
    its own (it keeps its link to the units and session that raised it)."""
    if recommendation.consolidated_into_id:
        raise TransitionNotAllowed(
            _("This recommendation was merged into recommendation no. %(number)s: act on that "
              "one.") % {"number": recommendation.consolidated_into_id})


def _require_working_day(day) -> None:
    problem = deadline_problem(day)
    if problem:
        raise TransitionNotAllowed(problem)


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


MERGEABLE = (Status.NEW, Status.RETURNED)


@transaction.atomic
@tally.deferred()
def recommendation_merge(*, target: Recommendation, others: Iterable[Recommendation], by,
                         at=None) -> Recommendation:
    """Consolidate recommendations that ask for the same thing into `target`.

    The merged ones stay, pointing to `target`, so every unit and session that raised the
    request is still linked; who raised each of them, the target included, is left as it was
    recorded (counts by unit follow the link, recommendations.dashboard).
    """
    ids = {r.pk for r in others} - {target.pk}
    if not ids:
        raise TransitionNotAllowed(_("Select at least two recommendations to merge."))
    locked = lock_in_order(ids | {target.pk})
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
        _point_to(other, target, by=by, at=at, note=_(
            "Merged into recommendation no. %(number)s") % {"number": target.pk})
    # What was merged into the others follows them into the target: a merge is one level
    # (the answer's units, a unit's scope and the counts follow one link), so a chain would
    # cut the units that raised the first duplicate off from the answer.
    earlier = list(Recommendation.objects.select_for_update().filter(consolidated_into__in=ids)
                   .order_by("pk"))
    for duplicate in earlier:
        _point_to(duplicate, target, by=by, at=at, note=_(
            "Merged into recommendation no. %(number)s, with no. %(previous)s")
            % {"number": target.pk, "previous": duplicate.consolidated_into_id})
    RecommendationEvent.objects.create(
        recommendation=target, actor=by, at=at, from_status=target.status,
        to_status=target.status,
        note=_("Recommendations merged into this one: %(numbers)s")
        % {"numbers": ", ".join(f"#{o.pk}" for o in others)})
    _touch(target)
    # The merged ones are read-only on their sessions' recording pages now: a page opened
    # before must not save them as they were.
    inspection_services.session_touch(session_ids={o.session_id for o in [*others, *earlier]})
    return target


def _point_to(duplicate, target, *, by, at, note) -> None:
    """Merge `duplicate` into `target`, with the event that says so (its status unchanged)."""
    duplicate.consolidated_into = target
    duplicate._change_reason = "merged"
    duplicate.save(update_fields=["consolidated_into", "updated_at"])
    RecommendationEvent.objects.create(
        recommendation=duplicate, actor=by, at=at, from_status=duplicate.status,
        to_status=duplicate.status, note=note)


def lock_in_order(pks) -> dict[int, Recommendation]:
    """Lock these recommendations' rows in ascending id, the one order every service that
    locks several takes them in (merge, and the routing page's "route/answer/propose the
    selected"), so that two of them waiting for each other's rows cannot happen: the one that
    comes second waits for the first to finish instead of deadlocking (the probe's merge of A
    and B against a route of A answered 500). Only these rows: locking their sessions too (as
    the join would) crossed the tally's refresh, which locks sessions after the item.
    Returns the locked rows by id, as the database now holds them."""
    return {r.pk: r for r in Recommendation.objects.select_for_update(of=("self",))
            .select_related("session__group__round").filter(pk__in=set(pks)).order_by("pk")}


def _locked(recommendation):
    # Lock only the recommendation's row: PostgreSQL refuses FOR UPDATE on the nullable side
    # of the outer join to the lead department.
    locked = Recommendation.objects.select_for_update(of=("self",)).select_related(
        "session__group__round", "lead_department").get(pk=recommendation.pk)
    _require_not_merged(locked)
    return locked


def _text(note) -> str:
    """Notes the portal writes itself are stored in Vietnamese, whatever language the acting
    user reads: `note` may be a lazy string, rendered here."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(note)


def _record(recommendation, *, by, note, at=None):
    """An event that leaves the status as it is (an assignment, a note, a decision)."""
    note = _text(note)
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
def attachments_save(*, files, by, response=None, session=None,
                     directive_report=None) -> list[Attachment]:
    """Store uploaded files, each checked from its content; one bad file stores none. A final
    session is read-only: its documents too, until the office reopens it."""
    if session is not None and Session.objects.filter(
            pk=session.pk, status=Session.Status.FINAL).exists():
        raise ValidationError(_("This session is final: reopen it to attach documents."))
    checked = [(upload, check_upload(upload)) for upload in files]
    saved = []
    try:
        for upload, content_type in checked:
            saved.append(Attachment.objects.create(
                response=response, session=session, directive_report=directive_report,
                file=upload, original_name=upload.name,
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
    if kind == Response.Kind.ANSWER:
        emit(Event.RECOMMENDATION_ANSWERED, recommendation, kind=kind)
    return response


@transaction.atomic
def extension_request(*, recommendation, by, proposed_due_date, reason: str) -> ExtensionRequest:
    """The lead department asks for a later due date."""
    recommendation = _locked(recommendation)
    _require(actor_kinds(by, recommendation), {LEAD_HEAD, LEAD_STAFF},
             _("Only the lead department asks for more time."))
    _require_text(reason, _("Give the reason for asking for more time."))
    _require_working_day(proposed_due_date)
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
    emit(Event.EXTENSION_REQUESTED, recommendation, extension={
        "id": request.pk, "proposed_due_date": proposed_due_date.isoformat(),
        "reason": reason})
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
    if approve:
        # The calendar may have been corrected since the request.
        _require_working_day(request.proposed_due_date)
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
    emit(Event.EXTENSION_DECIDED, recommendation, extension={
        "id": request.pk, "proposed_due_date": request.proposed_due_date.isoformat(),
        "decision": request.decision, "note": note})
    return request


@transaction.atomic
@tally.deferred()
def session_with_recommendations_save(*, session, expected_version, formsets, by,
                                      conclusion=None, finalise=False):
    """Save everything the recording page holds as one change of the session
    (inspections.services.session_record_save), then record the answers given on the spot
    through the lifecycle, like every other step."""
    saved = inspection_services.session_record_save(
        session=session, expected_version=expected_version, formsets=formsets, by=by,
        conclusion=conclusion, finalise=finalise)
    for recommendation in formsets["recommendations"].new_objects:
        emit(Event.RECOMMENDATION_CREATED, recommendation)
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


# What units send and receive ------------------------------------------------------------------


def raising_units(recommendation) -> list:
    """The units that raised a recommendation, and those that raised a duplicate merged into
    it: they all receive its answer."""
    return list(AdministrativeUnit.objects.filter(
        Q(recommendations=recommendation) | Q(recommendations__consolidated_into=recommendation)
    ).distinct())


@transaction.atomic
def answer_publish(*, recommendation, by, text: str) -> PublishedAnswer:
    """The office sends the units that raised the recommendation the answer they are to
    read; each unit's staff can then say whether it is satisfied."""
    recommendation = _locked(recommendation)
    _require(actor_kinds(by, recommendation), {OFFICE},
             _("Only the provincial office sends answers to the units."))
    if recommendation.status in (Status.NEW, Status.RETURNED):
        raise TransitionNotAllowed(_("There is no answer to send yet."))
    _require_text(text, _("Write the answer the units will read."))
    answer = PublishedAnswer.objects.create(recommendation=recommendation, text=text,
                                            published_by=by)
    units = raising_units(recommendation)
    AnswerReceipt.objects.bulk_create(AnswerReceipt(answer=answer, unit=unit) for unit in units)
    _record(recommendation, by=by, note=format_lazy(
        _("Answer sent to the units: {units}"), units=", ".join(str(u) for u in units)))
    notifications.notify_units(units, recommendation, "recommendations/email/to_unit.txt",
                               _("an answer to your recommendation"))
    return answer


def _receipt_for(receipt, by):
    receipt = AnswerReceipt.objects.select_for_update(of=("self",)).select_related(
        "answer__recommendation").get(pk=receipt.pk)
    profile = getattr(by, "profile", None)
    if not (roles.is_unit_user(by) and profile is not None and profile.unit_id == receipt.unit_id):
        raise TransitionNotAllowed(_("Only the staff of this unit may do this."))
    return receipt


@transaction.atomic
def answer_read(*, receipt, by) -> AnswerReceipt:
    """The unit's staff have read the answer (the first reading is kept)."""
    receipt = _receipt_for(receipt, by)
    if receipt.read_at is None:
        receipt.read_at, receipt.read_by = timezone.now(), by
        receipt.save(update_fields=["read_at", "read_by"])
    return receipt


@transaction.atomic
def answer_respond(*, receipt, by, satisfied: bool, reason: str = "") -> AnswerReceipt:
    """The unit says whether the answer settles what it raised; "not satisfied", with its
    reason, asks the office to reopen the recommendation (the office decides)."""
    receipt = _receipt_for(receipt, by)
    if receipt.verdict:
        raise TransitionNotAllowed(_("Your unit has already given its view on this answer."))
    if not satisfied:
        _require_text(reason, _("Say why the answer does not settle it."))
    now = timezone.now()
    if receipt.read_at is None:
        receipt.read_at, receipt.read_by = now, by
    receipt.verdict = AnswerReceipt.Verdict.SATISFIED if satisfied else \
        AnswerReceipt.Verdict.NOT_SATISFIED
    receipt.reason, receipt.responded_by, receipt.responded_at = reason, by, now
    if not satisfied:
        receipt.decision = AnswerReceipt.Decision.PENDING
    receipt.save()
    recommendation = receipt.answer.recommendation
    _record(recommendation, by=by, note=format_lazy(
        _("{unit}: satisfied with the answer.") if satisfied else
        _("{unit}: not satisfied with the answer, asks to reopen: {reason}"),
        unit=receipt.unit, reason=reason))
    if not satisfied:
        notifications.notify_office_of_unit(recommendation, receipt.unit,
                                            _("not satisfied with the answer"))
    return receipt


def _decide_reopening_requests(recommendation, *, by, decision, note=""):
    pending = AnswerReceipt.objects.filter(answer__recommendation=recommendation,
                                           decision=AnswerReceipt.Decision.PENDING)
    units = [receipt.unit for receipt in pending.select_related("unit")]
    for receipt in pending:
        receipt.decision, receipt.decided_by = decision, by
        receipt.decided_at, receipt.decision_note = timezone.now(), _text(note)
        receipt.save()
    if units:
        notifications.notify_units(units, recommendation, "recommendations/email/to_unit.txt",
                                   _("the office's decision on reopening"))


@transaction.atomic
def reopening_decline(*, recommendation, by, note: str):
    """The office keeps the recommendation as it is, answering the units that asked to
    reopen it why."""
    recommendation = _locked(recommendation)
    _require(actor_kinds(by, recommendation), {OFFICE},
             _("Only the provincial office decides on reopening."))
    _require_text(note, _("Tell the unit why the recommendation stays as it is."))
    _decide_reopening_requests(recommendation, by=by, decision=AnswerReceipt.Decision.DECLINED,
                               note=note)
    _record(recommendation, by=by, note=format_lazy(_("Not reopened: {note}"), note=note))
    return recommendation


@transaction.atomic
def unit_directive_report(*, follow_up, by, text: str, done_on=None, files=(),
                          client_id=None):
    """A unit's report on a directive given to it, with its files."""
    report = inspection_services.directive_report_submit(
        follow_up=follow_up, by=by, text=text, done_on=done_on, client_id=client_id)
    attachments_save(files=files, by=by, directive_report=report)
    inspection_notifications.notify_office_of_unit_report(report)
    return report
