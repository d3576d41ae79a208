"""Writes to sessions that must keep the optimistic lock right."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from .models import Session


class StaleSession(ValidationError):
    """Someone else saved the session after this user opened it."""


def session_touch(*, session_ids) -> None:
    """Move the sessions' version on by one: any change to a session or its items counts."""
    session_ids = {pk for pk in session_ids if pk is not None}
    if session_ids:
        Session.objects.filter(pk__in=session_ids).update(version=F("version") + 1)


@transaction.atomic
def session_save(*, form, expected_version) -> Session:
    """Save a session form unless the session changed since `expected_version` was read."""
    session = form.instance
    if session.pk:
        current = Session.objects.select_for_update().values_list("version", flat=True).get(
            pk=session.pk)
        if expected_version is None or current != expected_version:
            raise StaleSession(_(
                "Someone else saved this session after you opened it. Your input is still "
                "below: open the session again in another tab to see their changes, then "
                "save yours."
            ))
        session.version = current + 1
    return form.save()
