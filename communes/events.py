"""The lifecycle's events, for whoever listens once the write commits (the webhooks app).

The services of every app call `emit(Event.X, obj)` inside their transaction; this layer
only knows the events' names, so the apps below the webhooks need not import them. Nothing
is passed on until the commit (a rolled-back write announces nothing), and a listener's
failure is logged, never raised into the write (on_commit's robust=True): an announcement
never fails the write that caused it.
"""

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .mail import is_muted


class Event(models.TextChoices):
    """`object.what`, as the webhooks' bodies and headers name them."""

    RECOMMENDATION_CREATED = "recommendation.created", _("recommendation recorded")
    RECOMMENDATION_ROUTED = "recommendation.routed", _("recommendation routed")
    RECOMMENDATION_ACCEPTED = "recommendation.accepted", _("recommendation accepted")
    RECOMMENDATION_ANSWERED = "recommendation.answered", _("recommendation answered")
    RECOMMENDATION_RESOLVED = "recommendation.resolved", _("recommendation resolved")
    RECOMMENDATION_REOPENED = "recommendation.reopened", _("recommendation reopened")
    RECOMMENDATION_OVERDUE = "recommendation.overdue", _("recommendation overdue")
    EXTENSION_REQUESTED = "recommendation.extension_requested", _("extension requested")
    EXTENSION_DECIDED = "recommendation.extension_decided", _("extension decided")
    DIRECTIVE_GIVEN = "directive.given", _("directive given")
    DIRECTIVE_REPORTED = "directive.reported", _("directive reported on")
    DIRECTIVE_ACCEPTED = "directive.report_accepted", _("directive report accepted")
    SESSION_FINALISED = "session.finalised", _("session finalised")


_listeners = []


def connect(listener) -> None:
    """`listener(event=, object_type=, object_id=, occurred_at=, details=)` is called after
    each commit that emitted an event (AppConfig.ready() connects it)."""
    if listener not in _listeners:
        _listeners.append(listener)


def emit(event: str, obj, **details) -> None:
    """Announce `event` about `obj` once the current transaction commits (at once outside
    one). `details` (JSON-able) travel beside the object. Nothing inside mail.muted() (the
    demo loader's month of history)."""
    if is_muted() or not _listeners:
        return
    announcement = {"event": str(event), "object_type": obj._meta.model_name,
                    "object_id": obj.pk, "occurred_at": timezone.now(), "details": details}
    for listener in _listeners:
        transaction.on_commit(lambda listener=listener: listener(**announcement), robust=True)
