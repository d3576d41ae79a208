"""A recommendation's page: what it is, where it stands, its timeline, and the steps the user
may take on it now."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from communes import roles
from communes.cache import page_part_key
from communes.decorators import read_only
from communes.timeline import Entry, history_entries
from inspections.models import InspectionRound, Session
from inspections.permissions import office_required

from .. import services
from ..forms import (
    AssignForm,
    ConfirmForm,
    DecisionForm,
    ExtensionForm,
    ProposeForm,
    ReasonForm,
    ResolveForm,
    ResponseForm,
)
from ..models import Attachment, ExtensionRequest, Recommendation


@dataclass(frozen=True)
class Action:
    label: str
    form: type
    run: object  # (recommendation, user, cleaned_data) -> None
    button: str = ""


def _pending_extension(recommendation):
    return next((r for r in recommendation.extension_requests.all()
                 if r.decision == ExtensionRequest.Decision.PENDING), None)


ACTIONS = {
    "accept": Action(_("Accept"), ConfirmForm, lambda r, u, d: services.recommendation_accept(
        recommendation=r, by=u)),
    "start": Action(_("Start work"), ConfirmForm, lambda r, u, d: services.recommendation_start(
        recommendation=r, by=u)),
    "assign": Action(_("Assign to a colleague"), AssignForm,
                     lambda r, u, d: services.recommendation_assign(
                         recommendation=r, by=u, assignee=d["assignee"])),
    "respond": Action(_("Respond"), ResponseForm, lambda r, u, d: services.recommendation_respond(
        recommendation=r, by=u, text=d["text"], files=d["files"])),
    "note": Action(_("Add a progress note"), ResponseForm,
                   lambda r, u, d: services.recommendation_respond(
                       recommendation=r, by=u, text=d["text"], files=d["files"], progress=True)),
    "resolve": Action(_("Resolve"), ResolveForm, lambda r, u, d: services.recommendation_resolve(
        recommendation=r, by=u, answer=d["answer"])),
    "return": Action(_("Return to the office"), ReasonForm,
                     lambda r, u, d: services.recommendation_return(
                         recommendation=r, by=u, reason=d["reason"])),
    "propose_central": Action(_("Propose to central level"), ProposeForm,
                              lambda r, u, d: services.recommendation_propose_central(
                                  recommendation=r, by=u, central_body=d["central_body"],
                                  note=d["note"])),
    "extension": Action(_("Ask for a later due date"), ExtensionForm,
                        lambda r, u, d: services.extension_request(
                            recommendation=r, by=u, proposed_due_date=d["proposed_due_date"],
                            reason=d["reason"])),
    "decide": Action(_("Decide on the extension request"), DecisionForm,
                     lambda r, u, d: services.extension_decide(
                         request=_pending_extension(r), by=u, approve=d["decision"] == "approve",
                         note=d["note"])),
    "reopen": Action(_("Reopen"), ReasonForm, lambda r, u, d: services.recommendation_reopen(
        recommendation=r, by=u, reason=d["reason"])),
}


def available_actions(recommendation, user) -> list[str]:
    """The steps `user` may take on `recommendation` now, in the order the page shows them."""
    kinds = services.actor_kinds(user, recommendation)
    steps = set(services.allowed_steps(recommendation=recommendation, user=user))
    lead = kinds & {services.LEAD_HEAD, services.LEAD_STAFF}
    pending = _pending_extension(recommendation)
    available = set(steps) & {"accept", "start", "resolve", "return", "propose_central",
                              "reopen"}
    if services.LEAD_HEAD in kinds:
        available.add("assign")
    if lead:
        available |= {"respond", "note"}
        if pending is None:
            available.add("extension")
    if services.COOPERATING in kinds:
        available.add("respond")
    if services.OFFICE in kinds and pending is not None:
        available.add("decide")
    return [name for name in ACTIONS if name in available]


# Which roles may ever take each step; anyone else is refused with 403.
_OFFICE_STEPS = {"decide", "reopen", "propose_central"}
_HEAD_STEPS = {"assign", "resolve", "return", "propose_central"}


def _role_may(user, action) -> bool:
    if user.is_superuser:
        return True
    if action in _OFFICE_STEPS and roles.is_office(user):
        return True
    names = roles.role_names(user)
    if roles.DEPARTMENT_HEAD in names:
        return action not in _OFFICE_STEPS or action in _HEAD_STEPS
    if roles.DEPARTMENT_STAFF in names:
        return action in {"accept", "start", "respond", "note", "extension"}
    return False


def _recommendation_for(user, pk):
    """The recommendation with what deciding the user's steps needs; what the page shows of
    it besides is read only when that part of the page is not in the cache (_render)."""
    return get_object_or_404(
        Recommendation.objects.visible_to(user).prefetch_related(
            "cooperating_departments", "extension_requests"), pk=pk)


def _shown(recommendation):
    """The same recommendation with everything else the page shows of it (its co-operating
    departments were read with it)."""
    return Recommendation.objects.select_related(
        "category", "session__group__round", "lead_department", "assignee").prefetch_related(
        "units", "merged__session__group").get(pk=recommendation.pk)


def timeline(recommendation) -> list[Entry]:
    """Lifecycle steps, responses (with their files) and other changes, newest first."""
    entries = [
        Entry(at=e.at, actor=e.actor, kind="step", text=e.note,
              title=(f"{e.get_from_status_display()} → {e.get_to_status_display()}"
                     if e.from_status != e.to_status else _("Note")))
        for e in recommendation.events.select_related("actor")
    ]
    entries += [
        Entry(at=r.created_at, actor=r.author, kind="response", text=r.text,
              title=f"{r.get_kind_display()}{f' – {r.department}' if r.department else ''}",
              attachments=list(r.attachments.all()))
        for r in recommendation.responses.select_related("author", "department")
        .prefetch_related("attachments")
    ]
    # Status, due date and resolution are told by the steps above; the history adds the rest.
    entries += history_entries(
        recommendation.history.select_related("history_user"),
        skip={"status", "resolved_at", "due_date", "lead_department", "answered_by",
              "central_body", "authority_level", "assignee", "consolidated_into"})
    return sorted(entries, key=lambda entry: entry.at, reverse=True)


def visible_merged(user, recommendation) -> set[int]:
    """The ids of the recommendations merged into this one that the user may open."""
    return set(Recommendation.objects.visible_to(user).filter(
        consolidated_into=recommendation).values_list("pk", flat=True))


def _render(request, recommendation, bound=None, status=200):
    names = available_actions(recommendation, request.user)
    forms = []
    for name in names:
        action = ACTIONS[name]
        if bound and bound[0] == name:
            form = bound[1]
        else:
            kwargs = {"recommendation": recommendation} if action.form is AssignForm else {}
            form = action.form(prefix=name, **kwargs)
        forms.append((name, action.label, form))

    def merged():
        others = shown.merged.all()
        if not others:
            return []
        visible = visible_merged(request.user, recommendation)
        return [other for other in others if other.pk in visible]

    shown = SimpleLazyObject(lambda: _shown(recommendation))
    return render(request, "recommendations/detail.html", {
        "recommendation": recommendation, "shown": shown, "actions": forms,
        "merged": SimpleLazyObject(merged),
        # Read only when their parts of the page are not in the cache (communes/cache.py):
        # what the recommendation is and its timeline are the same for everyone who may see
        # it. The unbound action forms are cached under the same key.
        "timeline": SimpleLazyObject(lambda: timeline(recommendation)),
        "cache_key": page_part_key(request.user, recommendation.pk),
        "pending_extension": _pending_extension(recommendation),
    }, status=status)


@read_only
@login_required
def detail(request, pk):
    return _render(request, _recommendation_for(request.user, pk))


@require_POST
@login_required
def act(request, pk, action):
    recommendation = _recommendation_for(request.user, pk)
    if action not in ACTIONS:
        raise Http404
    if action not in available_actions(recommendation, request.user):
        if not _role_may(request.user, action):
            raise PermissionDenied
        # A step the role may take, but not now (taken meanwhile, or a double click).
        messages.error(request, _("“%(step)s” is no longer possible for this recommendation: "
                                  "see its current state below.")
                       % {"step": ACTIONS[action].label})
        return redirect("recommendations:detail", pk=recommendation.pk)
    step = ACTIONS[action]
    kwargs = {"recommendation": recommendation} if step.form is AssignForm else {}
    form = step.form(request.POST, request.FILES, prefix=action, **kwargs)
    if form.is_valid():
        try:
            step.run(recommendation, request.user, form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Done: %(step)s.") % {"step": step.label})
            if not Recommendation.objects.visible_to(request.user).filter(
                    pk=recommendation.pk).exists():
                # Returned or proposed upward: it has left the department's hands.
                return redirect("recommendations:inbox")
            return redirect("recommendations:detail", pk=recommendation.pk)
    return _render(request, recommendation, bound=(action, form), status=400)


@read_only
@login_required
def attachment_download(request, pk):
    """A file, to whoever may see what it is attached to; 404 to everyone else."""
    attachment = get_object_or_404(Attachment.objects.select_related("response"), pk=pk)
    if attachment.response_id:
        visible = Recommendation.objects.visible_to(request.user).filter(
            pk=attachment.response.recommendation_id).exists()
    else:
        visible = Session.objects.filter(
            pk=attachment.session_id,
            group__round__in=InspectionRound.objects.visible_to(request.user)).exists()
    if not visible:
        raise Http404
    return FileResponse(attachment.file.open("rb"), as_attachment=True,
                        filename=attachment.original_name, content_type=attachment.content_type)


@require_POST
@office_required
def session_attachment_add(request, pk):
    session = get_object_or_404(
        Session.objects.filter(group__round__in=InspectionRound.objects.visible_to(request.user)),
        pk=pk)
    files = request.FILES.getlist("files")
    if not files:
        messages.error(request, _("Choose at least one file to attach."))
        return redirect(session)
    try:
        saved = services.attachments_save(files=files, by=request.user, session=session)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("%(count)d file(s) attached.") % {"count": len(saved)})
    return redirect(session)
