"""A session's page and its recording page: what inspections keeps of a session (units,
reports, figures, difficulties, directives, field visits) together with the recommendations
raised at it, so they are served from here, above both apps."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import redirect, render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from communes import roles
from communes.cache import page_part_key
from communes.decorators import read_only, reader_required
from communes.pages import cached_page
from inspections.forms import SessionConclusionForm, session_choices, session_record_formsets
from inspections.models import Difficulty, Directive, DirectiveFollowUp, Session
from inspections.queries import session_for
from inspections.services import StaleSession

from .. import services
from ..forms import RecommendationFormSet
from ..models import Recommendation, Response

# The session page lists one kind of item at a time, a page at a time: a session may hold
# hundreds of recommendations.
SESSION_TABS = ("recommendations", "difficulties", "directives")
SESSION_PAGE_SIZE = 25


def _count_per_session(model):
    return Coalesce(Subquery(model.objects.filter(session=OuterRef("pk")).order_by()
                             .values("session").annotate(n=Count("pk")).values("n")[:1]), 0)


@read_only
@reader_required
@cached_page()
def session_detail(request, pk):
    session = session_for(request.user, pk)
    tab = request.GET.get("tab") if request.GET.get("tab") in SESSION_TABS else SESSION_TABS[0]
    # How many of each kind, for the tabs and the paginator, in one query.
    counts = SimpleLazyObject(lambda: dict(zip(SESSION_TABS, Session.objects.filter(
        pk=session.pk).values_list(*(_count_per_session(model) for model in (
            Recommendation, Difficulty, Directive))).get(), strict=True)))
    if tab == "recommendations":
        items = session.recommendations.select_related("category", "lead_department") \
            .prefetch_related("units", "cooperating_departments", Prefetch(
                "responses", queryset=Response.objects.filter(kind=Response.Kind.ON_THE_SPOT),
                to_attr="answers_on_the_spot")).order_by("id")
    elif tab == "difficulties":
        items = session.difficulties.select_related("category").prefetch_related("units") \
            .order_by("id")
    else:
        items = session.directives.prefetch_related(Prefetch(
            "follow_ups", queryset=DirectiveFollowUp.objects.select_related(
                "unit", "department"))).order_by("id")

    def page():
        paginator = Paginator(items, SESSION_PAGE_SIZE)
        paginator.count = counts[tab]  # counted with the others, not once more
        return paginator.get_page(page_number)

    page_number = request.GET.get("page", "")
    return render(request, "recommendations/session_detail.html", {
        # What the session holds is read only when its part of the page is not in the cache
        # (communes/cache.py); the querysets below are lazy.
        "cache_key": page_part_key(request.user, session.pk, tab, page_number),
        "page_params": {"tab": tab},
        "session": session, "tab": tab, "counts": counts, "page": SimpleLazyObject(page),
        "units": session.units.all(),
        "reports": session.unit_reports.select_related("unit"),
        "figures": session.figures.select_related("unit", "metric"),
        "field_visits": session.field_visits.select_related("unit"),
        "can_edit": roles.is_office(request.user) and session.status == Session.Status.DRAFT,
        "can_reopen": roles.is_office(request.user) and session.status == Session.Status.FINAL,
        "is_office": roles.is_office(request.user),
        "attachments": session.attachments.all(),
    })


def record_formsets(session, data=None) -> dict:
    """Every formset of the recording page: inspections' and the recommendations', in the
    order the page shows them."""
    choices = session_choices(session)
    formsets = session_record_formsets(session, data, choices)
    recommendations = RecommendationFormSet(
        prefix="recommendation", session=session, choices=choices, data=data,
        queryset=session.recommendations.prefetch_related("units", "responses").order_by("id"))
    return {**formsets, "recommendations": recommendations}


@require_http_methods(["GET", "POST"])
@reader_required
def session_record(request, pk):
    """The one page that records a whole session; leaders see it read-only."""
    session = session_for(request.user, pk)
    is_office = roles.is_office(request.user)
    if request.method == "POST" and not is_office:
        raise PermissionDenied
    can_edit = is_office and session.status == Session.Status.DRAFT
    data = request.POST if request.method == "POST" else None
    formsets = record_formsets(session, data)
    conclusion = SessionConclusionForm(data, instance=session, prefix="session")
    status, version = 200, session.version
    if request.method == "POST":
        version = request.POST.get("version", "")
        version = int(version) if version.isdecimal() else None
        finalise = "finalise" in request.POST
        valid = [conclusion.is_valid()] + [formset.is_valid() for formset in formsets.values()]
        if not can_edit:
            # Finalised by a colleague while this user typed: show the input, save nothing.
            messages.error(request, _(
                "This session was finalised while you were editing it. What you typed is shown "
                "below and kept on this computer; ask the office to reopen the session to "
                "save it."))
            status = 409
        elif version != session.version:
            messages.error(request, StaleSession.message_text)
            status = 409
            # Saving again, after this warning, is a deliberate overwrite.
            version = session.version
        elif not all(valid):
            status = 400  # the page's error summary says what to correct
        else:
            try:
                services.session_with_recommendations_save(
                    session=session, expected_version=version, formsets=formsets,
                    conclusion=conclusion, by=request.user, finalise=finalise)
            except (StaleSession, IntegrityError):
                # IntegrityError: a colleague added the same row at the same moment.
                messages.error(request, StaleSession.message_text)
                status = 409
                # Saving again, after this warning, is a deliberate overwrite.
                version = Session.objects.values_list("version", flat=True).get(pk=session.pk)
            except ValidationError as error:
                messages.error(request, error.messages[0])
                status = 400
            else:
                messages.success(request, _("The session was finalised.") if finalise
                                 else _("The session was saved."))
                return redirect(f"{session.get_absolute_url()}?saved=1")
    else:
        if not can_edit:
            for form in [conclusion, *(f for fs in formsets.values() for f in fs.forms)]:
                for field in form.fields.values():
                    field.disabled = True
    return render(request, "recommendations/session_record.html", {
        "session": session, "formsets": formsets, "conclusion": conclusion, "version": version,
        "can_edit": can_edit, "members": session.group.members.values_list("name", flat=True),
    }, status=status)
