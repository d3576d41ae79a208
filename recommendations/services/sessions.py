"""The recording page's save: a session with what it raised, as one change of the session."""

from django.db import transaction

from communes.events import Event, emit
from inspections import services as inspection_services

from .. import tally
from ..models import Status
from .lifecycle import recommendation_answer_on_the_spot


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
