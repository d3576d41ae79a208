"""Merging recommendations that ask for the same thing into one."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inspections import services as inspection_services

from .. import tally
from ..models import Recommendation, RecommendationEvent, Status
from .shared import _touch, lock_in_order
from .steps import OFFICE, TransitionNotAllowed, actor_kinds

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
