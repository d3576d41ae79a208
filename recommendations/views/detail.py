"""A recommendation's page: what it is, where it stands, its timeline, and the steps the user
may take on it now."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from communes import whomay
from communes.cache import page_part_key
from communes.decorators import (
    login_page,
    office_required,
    read_only,
    role_required,
    scoped_reader_required,
)
from communes.pages import cached_page
from communes.timeline import Entry, history_entries
from inspections.queries import session_for

from .. import services
from ..forms import (
    AssignForm,
    ConfirmForm,
    DecisionForm,
    DeclineReopeningForm,
    ExtensionForm,
    ProposeForm,
    PublishForm,
    ReasonForm,
    ReopenForm,
    ResolveForm,
    ResponseForm,
)
from ..models import Attachment, Recommendation

# What each action of the page asks for, and the service that carries it out; which actions a
# user may take is the services' table (services.ACTIONS).
FORMS = {
    "accept": (ConfirmForm, lambda r, u, d: services.recommendation_accept(
        recommendation=r, by=u)),
    "start": (ConfirmForm, lambda r, u, d: services.recommendation_start(
        recommendation=r, by=u)),
    "assign": (AssignForm, lambda r, u, d: services.recommendation_assign(
        recommendation=r, by=u, assignee=d["assignee"])),
    "respond": (ResponseForm, lambda r, u, d: services.recommendation_respond(
        recommendation=r, by=u, text=d["text"], files=d["files"])),
    "note": (ResponseForm, lambda r, u, d: services.recommendation_respond(
        recommendation=r, by=u, text=d["text"], files=d["files"], progress=True)),
    "resolve": (ResolveForm, lambda r, u, d: services.recommendation_resolve(
        recommendation=r, by=u, answer=d["answer"], cited_document=d["cited_document"])),
    "return": (ReasonForm, lambda r, u, d: services.recommendation_return(
        recommendation=r, by=u, reason=d["reason"])),
    "propose_central": (ProposeForm, lambda r, u, d: services.recommendation_propose_central(
        recommendation=r, by=u, central_body=d["central_body"], note=d["note"])),
    "extension": (ExtensionForm, lambda r, u, d: services.extension_request(
        recommendation=r, by=u, proposed_due_date=d["proposed_due_date"], reason=d["reason"])),
    "decide": (DecisionForm, lambda r, u, d: services.extension_decide(
        request=services.pending_extension(r), by=u, approve=d["decision"] == "approve",
        note=d["note"])),
    "reopen": (ReopenForm, lambda r, u, d: services.recommendation_reopen(
        recommendation=r, by=u, reason=d["reason"], due_date=d["due_date"])),
    "publish": (PublishForm, lambda r, u, d: services.answer_publish(
        recommendation=r, by=u, text=d["text"])),
    "decline_reopening": (DeclineReopeningForm, lambda r, u, d: services.reopening_decline(
        recommendation=r, by=u, note=d["note"])),
}


def _form(name, recommendation, *args):
    form_class = FORMS[name][0]
    # These start from the recommendation (its department's people, its due date).
    kwargs = {"recommendation": recommendation} \
        if form_class in (AssignForm, ReopenForm, PublishForm, ResolveForm) else {}
    return form_class(*args, prefix=name, **kwargs)


def _recommendation_for(user, pk):
    """The recommendation with what deciding the user's steps needs; what the page shows of
    it besides is read only when that part of the page is not in the cache (_render)."""
    return get_object_or_404(
        Recommendation.objects.visible_to(user).prefetch_related(
            "cooperating_departments", "extension_requests", "responses",
            "published_answers__receipts__unit"), pk=pk)


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
        Entry(at=r.created_at, actor=r.author, kind="response",
              text=f"{r.text}\n{r.cited_document.shown_citation}" if r.cited_document else r.text,
              title=f"{r.get_kind_display()}{f' – {r.department}' if r.department else ''}",
              attachments=list(r.attachments.all()))
        for r in recommendation.responses.select_related("author", "department",
                                                         "cited_document")
        .prefetch_related("attachments")
    ]
    # Status, due date and resolution are told by the steps above; the history adds the rest.
    entries += history_entries(
        recommendation.history.select_related("history_user"),
        skip={"status", "resolved_at", "due_date", "lead_department", "answered_by",
              "central_body", "authority_level", "assignee", "consolidated_into"},
        steps={name: step.label for name, step in services.STEPS.items()})
    return sorted(entries, key=lambda entry: entry.at, reverse=True)


def visible_merged(user, recommendation) -> set[int]:
    """The ids of the recommendations merged into this one that the user may open."""
    return set(Recommendation.objects.visible_to(user).filter(
        consolidated_into=recommendation).values_list("pk", flat=True))


def _render(request, recommendation, bound=None, status=200):
    forms = [
        (name, services.ACTIONS[name].label,
         bound[1] if bound and bound[0] == name else _form(name, recommendation))
        for name in services.available_actions(recommendation=recommendation, user=request.user)
    ]

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
        "pending_extension": services.pending_extension(recommendation),
    }, status=status)


@read_only
@scoped_reader_required
# The steps offered are decided for the user (services.available_actions): kept per user, so
# that no rule of who may act can ever reach another user through the cache.
@cached_page(vary=lambda request: request.user.pk)
def detail(request, pk):
    return _render(request, _recommendation_for(request.user, pk))


@require_POST
@role_required(whomay.SCOPED_READER, step_argument="action")
def act(request, pk, action):
    recommendation = _recommendation_for(request.user, pk)
    if action not in FORMS:
        raise Http404
    label = services.ACTIONS[action].label
    if action not in services.available_actions(recommendation=recommendation,
                                                user=request.user):
        if not services.role_may_take(request.user, action):
            raise PermissionDenied
        # A step the role may take, but not now (taken meanwhile, or a double click).
        messages.error(request, _("“%(step)s” is no longer possible for this recommendation: "
                                  "see its current state below.") % {"step": label})
        return redirect("recommendations:detail", pk=recommendation.pk)
    form = _form(action, recommendation, request.POST, request.FILES)
    if form.is_valid():
        try:
            FORMS[action][1](recommendation, request.user, form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Done: %(step)s.") % {"step": label})
            if not Recommendation.objects.visible_to(request.user).filter(
                    pk=recommendation.pk).exists():
                # Returned or proposed upward: it has left the department's hands.
                return redirect("recommendations:inbox")
            return redirect("recommendations:detail", pk=recommendation.pk)
    return _render(request, recommendation, bound=(action, form), status=400)


@read_only
@login_page
def attachment_download(request, pk):
    """A file, to whoever may see what it is attached to; 404 to everyone else."""
    attachment = get_object_or_404(Attachment.objects.visible_to(request.user), pk=pk)
    return FileResponse(attachment.file.open("rb"), as_attachment=True,
                        filename=attachment.original_name, content_type=attachment.content_type)


@require_POST
@office_required
def session_attachment_add(request, pk):
    session = session_for(request.user, pk)
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
