"""The steps of a recommendation's lifecycle and the actions of its page, and who takes them:
the capacities a user acts in on a recommendation (office, lead department head or staff,
co-operating department) and which steps and actions each capacity takes. The services
(lifecycle.py and the others) refuse what these rules do not allow; the pages ask them which
buttons to show."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from communes import whomay

from ..models import OPEN_STATUSES, AnswerReceipt, ExtensionRequest, Status


class TransitionNotAllowed(ValidationError):
    """The step is not possible from the current status, or not for this user."""


# The capacities one acts in, and who holds them: communes/whomay.py.
OFFICE, LEAD_HEAD, LEAD_STAFF, COOPERATING = (
    whomay.OFFICE_CAPACITY, whomay.LEAD_HEAD, whomay.LEAD_STAFF, whomay.COOPERATING)


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


CAPACITY_ROLES = whomay.CAPACITY_ROLES


def actor_kinds(user, recommendation) -> set[str]:
    """In which capacities `user` may act on `recommendation`: office, lead department head or
    staff, co-operating department (the rule: communes.whomay.capacities)."""
    if user is None or user.is_superuser:  # every capacity, without reading the item
        return whomay.capacities(user, province_id=None, lead_department_id=None,
                                 cooperating_ids=(), holds=False)
    holds = recommendation.status in OPEN_STATUSES
    return whomay.capacities(
        user, province_id=recommendation.province_id,
        lead_department_id=recommendation.lead_department_id, holds=holds,
        cooperating_ids={d.pk for d in recommendation.cooperating_departments.all()}
        if holds else ())


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
    return whomay.role_holds(user, ACTIONS[action].capacities())
