"""The recommendation lifecycle, in one place.

Every change of status goes through `lifecycle._transition`, which checks that the step is
allowed from the current status and for the acting user's role, saves, and records a
RecommendationEvent (who, when, from, to, note). Views, admin actions, commands and the demo
loader all call these functions; nothing else writes `Recommendation.status`.

A package by concern, each module importing only those before it in this list:
- steps.py: the steps and the page's actions, and who takes them (`actor_kinds`);
- shared.py: the checks that refuse a write, the row locks, the events of a change;
- responses.py: a department's work (assign, respond, attachments);
- units.py: what units send and receive (answers, their verdict, reports on directives);
- lifecycle.py: the steps that change the status (route, accept, resolve, reopen, …);
- merges.py: merging duplicates into one;
- extensions.py: asking for a later due date, and its decision;
- sessions.py: the recording page's save.

Callers use this package's names (`services.recommendation_route(...)`); a test that patches
a private helper patches it in the module that calls it (`services.lifecycle._transition`).
"""

from .extensions import extension_decide, extension_request
from .lifecycle import (
    default_due_date,
    recommendation_accept,
    recommendation_answer_on_the_spot,
    recommendation_propose_central,
    recommendation_reopen,
    recommendation_resolve,
    recommendation_return,
    recommendation_route,
    recommendation_start,
    reopened_due_date,
)
from .merges import MERGEABLE, recommendation_merge
from .responses import attachments_save, recommendation_assign, recommendation_respond
from .sessions import session_with_recommendations_save
from .shared import lock_in_order
from .steps import (
    ACTIONS,
    CAPACITY_ROLES,
    COOPERATING,
    LEAD_HEAD,
    LEAD_STAFF,
    OFFICE,
    STEPS,
    Action,
    Step,
    TransitionNotAllowed,
    actor_kinds,
    available_actions,
    pending_extension,
    pending_reopening,
    role_may_take,
)
from .units import (
    answer_publish,
    answer_read,
    answer_respond,
    raising_units,
    reopening_decline,
    unit_directive_report,
)

__all__ = [
    "ACTIONS", "CAPACITY_ROLES", "COOPERATING", "LEAD_HEAD", "LEAD_STAFF", "MERGEABLE", "OFFICE",
    "STEPS", "Action", "Step", "TransitionNotAllowed", "actor_kinds", "answer_publish",
    "answer_read", "answer_respond", "attachments_save", "available_actions",
    "default_due_date", "extension_decide", "extension_request", "lock_in_order",
    "pending_extension", "pending_reopening", "raising_units", "recommendation_accept",
    "recommendation_answer_on_the_spot", "recommendation_assign", "recommendation_merge",
    "recommendation_propose_central", "recommendation_reopen", "recommendation_resolve",
    "recommendation_respond", "recommendation_return", "recommendation_route",
    "recommendation_start", "reopened_due_date", "reopening_decline", "role_may_take",
    "session_with_recommendations_save", "unit_directive_report",
]
