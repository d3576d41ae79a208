"""A department's work on a recommendation it holds: its head assigns it, its people respond
(an answer, a contribution, a progress note) with files."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from communes.events import Event, emit
from inspections.models import Session

from .. import notifications
from ..attachments import check_upload
from ..models import Attachment, Recommendation, Response
from .shared import _locked, _record, _require, _require_text, _touch
from .steps import COOPERATING, LEAD_HEAD, LEAD_STAFF, TransitionNotAllowed, actor_kinds


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
