"""What the services share: the checks that refuse a write, the row locks they take, and the
event that records a change that leaves the status as it is."""

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from communes.workdays import deadline_problem

from ..models import Recommendation, RecommendationEvent
from .steps import TransitionNotAllowed


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
