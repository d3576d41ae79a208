from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from communes import roles
from communes.cache import page_part_key
from communes.decorators import read_only
from communes.models import AdministrativeUnit
from communes.timeline import history_entries
from recommendations.exports import csv_response
from recommendations.models import Recommendation, Response

from . import figures_import
from .forms import (
    DifficultyFormSet,
    DirectiveFormSet,
    FieldVisitFormSet,
    FigureFormSet,
    GroupMemberFormSet,
    InspectionRoundForm,
    RecommendationFormSet,
    ReportForm,
    SessionConclusionForm,
    SessionForm,
    SessionItemFormSet,
    UnitReportForm,
    WorkingGroupForm,
    session_choices,
)
from .models import (
    Difficulty,
    Directive,
    DirectiveFollowUp,
    FieldVisit,
    InspectionRound,
    ReportedFigure,
    Session,
    UnitReport,
    WorkingGroup,
)
from .permissions import office_required, reader_required
from .report import Header, docx_report, xlsx_report
from .search import MIN_LENGTH as SEARCH_MIN_LENGTH
from .search import search, searchable
from .services import StaleSession, session_record_save, session_reopen, session_save


@read_only
@login_required
def home(request):
    """The rounds with their groups and sessions; department users go to their inbox."""
    user = request.user
    if roles.is_department_user(user):
        return redirect("recommendations:inbox")
    sessions = Session.objects.prefetch_related("units").order_by("date", "part_of_day")
    groups = WorkingGroup.objects.prefetch_related(Prefetch("sessions", queryset=sessions))
    rounds = (
        InspectionRound.objects.visible_to(user)
        .select_related("province")
        .prefetch_related(Prefetch("groups", queryset=groups))
    )
    page_number = request.GET.get("page", "")
    return render(request, "inspections/home.html", {
        # Read only when the rounds' part of the page is not in the cache (communes/cache.py).
        "page": SimpleLazyObject(lambda: Paginator(rounds, 10).get_page(page_number)),
        "cache_key": page_part_key(user, page_number), "page_params": {},
    })


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _round_for(user, pk):
    return get_object_or_404(InspectionRound.objects.visible_to(user).select_related("province"),
                             pk=pk)


def _group_for(user, pk):
    return get_object_or_404(
        WorkingGroup.objects.filter(round__in=InspectionRound.objects.visible_to(user))
        .select_related("round__province"), pk=pk)


def _session_for(user, pk):
    return get_object_or_404(
        Session.objects.filter(group__round__in=InspectionRound.objects.visible_to(user))
        .select_related("group__round__province"), pk=pk)


@read_only
@reader_required
def round_list(request):
    rounds = (
        InspectionRound.objects.visible_to(request.user).select_related("province")
        .annotate(group_count=Count("groups", distinct=True),
                  session_count=Count("groups__sessions", distinct=True))
        .order_by("-period_start", "title")  # Meta.ordering does not apply to GROUP BY queries
    )
    page = Paginator(rounds, 25).get_page(request.GET.get("page"))
    return render(request, "inspections/round_list.html",
                  {"page": page, "can_edit": roles.is_office(request.user)})


@require_http_methods(["GET", "POST"])
@office_required
def round_create(request):
    province = getattr(getattr(request.user, "profile", None), "province", None)
    if province is None:
        raise PermissionDenied  # an admin without a province records through Django admin
    form = InspectionRoundForm(request.POST or None, instance=InspectionRound(province=province))
    if form.is_valid():
        inspection_round = form.save()
        messages.success(request, _("The round was created."))
        return redirect(inspection_round)
    return render(request, "inspections/form.html",
                  {"form": form, "title": _("New inspection round")})


@require_http_methods(["GET", "POST"])
@office_required
def round_edit(request, pk):
    inspection_round = _round_for(request.user, pk)
    form = InspectionRoundForm(request.POST or None, instance=inspection_round)
    if form.is_valid():
        form.save()
        messages.success(request, _("The round was saved."))
        return redirect(inspection_round)
    return render(request, "inspections/form.html",
                  {"form": form, "title": _("Edit the round"), "back": inspection_round})


@read_only
@reader_required
def round_detail(request, pk):
    inspection_round = _round_for(request.user, pk)
    groups = (
        inspection_round.groups.annotate(
            session_count=Count("sessions", distinct=True),
            final_count=Count("sessions", filter=Q(sessions__status=Session.Status.FINAL),
                              distinct=True),
            unit_count=Count("units", distinct=True))
        .order_by("number")
    )
    return render(request, "inspections/round_detail.html", {
        "round": inspection_round, "groups": groups, "can_edit": roles.is_office(request.user),
    })


def _group_page(request, inspection_round, group=None):
    """Create or edit a working group with its members, saved together or not at all."""
    form = WorkingGroupForm(request.POST or None, instance=group, inspection_round=inspection_round)
    members = GroupMemberFormSet(request.POST or None, instance=form.instance, prefix="member",
                                 province=inspection_round.province)
    if request.method == "POST" and form.is_valid() and members.is_valid():
        with transaction.atomic():
            group = form.save()
            members.instance = group
            members.save()
        messages.success(request, _("The working group was saved."))
        return redirect(group)
    return render(request, "inspections/form.html", {
        "form": form, "formsets": [(members, _("Members"), _("Add a member"), _("Member"))],
        "title": _("Edit the working group") if group else _("New working group"),
        "back": group or inspection_round, "can_edit": True,
    })


@require_http_methods(["GET", "POST"])
@office_required
def group_create(request, round_pk):
    return _group_page(request, _round_for(request.user, round_pk))


@require_http_methods(["GET", "POST"])
@office_required
def group_edit(request, pk):
    group = _group_for(request.user, pk)
    return _group_page(request, group.round, group)


@read_only
@reader_required
def group_detail(request, pk):
    group = _group_for(request.user, pk)
    return render(request, "inspections/group_detail.html", {
        "group": group,
        "members": group.members.select_related("department"),
        "units": group.units.all(),
        "sessions": group.sessions.prefetch_related("units").order_by("date"),
        "can_edit": roles.is_office(request.user),
    })


@require_http_methods(["GET", "POST"])
@office_required
def session_create(request, group_pk):
    group = _group_for(request.user, group_pk)
    form = SessionForm(request.POST or None, group=group)
    if form.is_valid():
        session = session_save(form=form, expected_version=None)
        messages.success(request, _("The session was created; now record what it produced."))
        return redirect("inspections:session_record", pk=session.pk)
    return render(request, "inspections/form.html",
                  {"form": form, "title": _("New session"), "back": group})


@require_http_methods(["GET", "POST"])
@office_required
def session_edit(request, pk):
    session = _session_for(request.user, pk)
    if session.status == Session.Status.FINAL:
        messages.error(request, _("A final session is read-only."))
        return redirect(session)
    form = SessionForm(request.POST or None, instance=session, group=session.group)
    if form.is_valid():
        try:
            session_save(form=form, expected_version=form.cleaned_data["version"])
        except StaleSession as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The session was saved."))
            return redirect(session)
    return render(request, "inspections/form.html",
                  {"form": form, "title": _("Edit the session"), "back": session})


# The session page lists one kind of item at a time, a page at a time: a session may hold
# hundreds of recommendations.
SESSION_TABS = ("recommendations", "difficulties", "directives")
SESSION_PAGE_SIZE = 25


def _count_per_session(model):
    return Coalesce(Subquery(model.objects.filter(session=OuterRef("pk")).order_by()
                             .values("session").annotate(n=Count("pk")).values("n")[:1]), 0)


@read_only
@reader_required
def session_detail(request, pk):
    session = _session_for(request.user, pk)
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
    return render(request, "inspections/session_detail.html", {
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


@read_only
@reader_required
def session_history(request, pk):
    session = _session_for(request.user, pk)
    return render(request, "inspections/session_history.html", {
        "session": session, "timeline": _session_timeline(session)})


def _session_timeline(session):
    """The session's own changes and those of everything recorded at it, newest first."""
    entries = history_entries(session.history.select_related("history_user"))
    for model in (UnitReport, ReportedFigure, Difficulty, Directive, FieldVisit):
        records = model.history.filter(session_id=session.pk).select_related("history_user")
        entries += history_entries(records, label=capfirst(model._meta.verbose_name))
    return sorted(entries, key=lambda entry: entry.at, reverse=True)


@read_only
@reader_required
def directive_detail(request, pk):
    """A directive, how each addressee is carrying it out, and its history."""
    directive = get_object_or_404(
        Directive.objects.filter(
            session__group__round__in=InspectionRound.objects.visible_to(request.user))
        .select_related("session__group__round"), pk=pk)
    follow_ups = directive.follow_ups.select_related("unit", "department")
    entries = history_entries(directive.history.select_related("history_user"))
    entries += history_entries(
        DirectiveFollowUp.history.filter(directive_id=directive.pk).select_related(
            "history_user"), label=capfirst(DirectiveFollowUp._meta.verbose_name))
    return render(request, "inspections/directive_detail.html", {
        "directive": directive, "follow_ups": follow_ups,
        "timeline": sorted(entries, key=lambda entry: entry.at, reverse=True),
    })


def _record_formsets(session, data=None):
    """The formsets of the recording page, sharing one set of choice lists."""
    choices = session_choices(session)
    common = {"session": session, "choices": choices, "data": data}
    reports = session.unit_reports.select_related("unit")
    missing = [u for u in session.units.all() if u.pk not in {r.unit_id for r in reports}]
    report_formset = forms.modelformset_factory(
        UnitReport, form=UnitReportForm, formset=SessionItemFormSet, extra=len(missing),
        can_delete=False)
    directives = session.directives.prefetch_related("follow_ups")
    addressees = {
        directive.pk: (
            [f.unit_id for f in directive.follow_ups.all() if f.unit_id],
            [f.department_id for f in directive.follow_ups.all() if f.department_id],
        )
        for directive in directives
    }
    return {
        "reports": report_formset(
            prefix="report", queryset=reports, initial=[{"unit": u.pk} for u in missing],
            **common),
        "figures": FigureFormSet(prefix="figure", queryset=session.figures.all(), **common),
        "difficulties": DifficultyFormSet(
            prefix="difficulty", queryset=session.difficulties.prefetch_related("units"),
            **common),
        "recommendations": RecommendationFormSet(
            prefix="recommendation",
            queryset=session.recommendations.prefetch_related("units", "responses").order_by("id"),
            **common),
        "directives": DirectiveFormSet(
            prefix="directive", queryset=directives, extra_kwargs={"addressees": addressees},
            **common),
        "visits": FieldVisitFormSet(prefix="visit", queryset=session.field_visits.all(),
                                    **common),
    }


@require_http_methods(["GET", "POST"])
@reader_required
def session_record(request, pk):
    """The one page that records a whole session; leaders see it read-only."""
    session = _session_for(request.user, pk)
    is_office = roles.is_office(request.user)
    if request.method == "POST" and not is_office:
        raise PermissionDenied
    can_edit = is_office and session.status == Session.Status.DRAFT
    data = request.POST if request.method == "POST" else None
    formsets = _record_formsets(session, data)
    conclusion = SessionConclusionForm(data, instance=session, prefix="session")
    status, version = 200, session.version
    if request.method == "POST":
        version = _int_or_none(request.POST.get("version"))
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
                session_record_save(session=session, expected_version=version,
                                    formsets=formsets, conclusion=conclusion,
                                    by=request.user, finalise=finalise)
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
    return render(request, "inspections/session_record.html", {
        "session": session, "formsets": formsets, "conclusion": conclusion, "version": version,
        "can_edit": can_edit, "members": session.group.members.values_list("name", flat=True),
    }, status=status)


@require_POST
@office_required
def session_reopen_view(request, pk):
    session = _session_for(request.user, pk)
    try:
        session_reopen(session=session, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("The session was reopened for corrections."))
    return redirect(session)


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@read_only
@reader_required
def unit_profile(request, pk):
    """A commune's record across rounds: sessions, figures over time, difficulties,
    recommendations and directives."""
    units = AdministrativeUnit.objects.select_related("province").prefetch_related(
        "predecessors")
    if not roles.sees_all_provinces(request.user):
        units = units.filter(province_id=getattr(
            getattr(request.user, "profile", None), "province_id", None))
    unit = get_object_or_404(units, pk=pk)
    rounds = InspectionRound.objects.visible_to(request.user)
    sessions = unit.sessions.filter(group__round__in=rounds).select_related(
        "group__round").order_by("-date")
    figures = list(ReportedFigure.objects.filter(
        session__in=sessions).filter(Q(unit=unit) | Q(unit__isnull=True))
        .select_related("metric").order_by("metric__position", "month"))
    return render(request, "inspections/unit_profile.html", {
        "unit": unit, "sessions": sessions,
        "figure_series": figure_series(figures),
        "difficulties": unit.difficulties.filter(session__in=sessions).select_related(
            "category", "session__group__round"),
        "recommendations": unit.recommendations.filter(session__in=sessions).select_related(
            "category", "lead_department", "session__group__round"),
        "follow_ups": DirectiveFollowUp.objects.filter(unit=unit, directive__session__in=sessions)
        .select_related("directive__session__group__round"),
    })


def figure_series(figures):
    """Per metric, its monthly values with bar heights for a small chart (joint figures are
    marked, since they cover all units of the session)."""
    series = {}
    for figure in figures:
        series.setdefault(figure.metric, []).append(figure)
    charts = []
    for metric, points in series.items():
        top = max(point.value for point in points) or 1
        bars = []
        for index, point in enumerate(points):
            height = round(90 * point.value / top, 1)
            bars.append({"figure": point, "height": height, "y": 100 - height, "x": index * 12})
        charts.append({"metric": metric, "bars": bars, "width": max(len(bars) * 12, 12)})
    return charts


@read_only
@login_required
def search_view(request):
    """One box over units, recommendations, difficulties, directives and unit reports."""
    if not (roles.is_reader(request.user) or roles.is_department_user(request.user)):
        raise PermissionDenied
    query = request.GET.get("q", "").strip()[:100]
    return render(request, "inspections/search.html", {
        "query": query, "too_short": bool(query) and not searchable(query),
        # Searched only when the results are not in the cache (communes/cache.py).
        "searching": searchable(query),
        "results": SimpleLazyObject(lambda: search(request.user, query)),
        "cache_key": page_part_key(request.user, query),
        "min_length": SEARCH_MIN_LENGTH,
    })


@read_only
@reader_required
def round_report(request, pk):
    """The synthesis report of a round: a form for its header, then DOCX or XLSX."""
    inspection_round = _round_for(request.user, pk)
    stamp = f"bao-cao-{inspection_round.pk}-{timezone.localdate():%Y%m%d}"
    if request.GET.get("format") == "xlsx":
        return HttpResponse(xlsx_report(inspection_round), headers={
            "Content-Type": XLSX_TYPE,
            "Content-Disposition": f'attachment; filename="{stamp}.xlsx"'})
    form = ReportForm(request.GET if "format" in request.GET else None,
                      initial=ReportForm.defaults(inspection_round, timezone.localdate()))
    if request.GET.get("format") == "docx" and form.is_valid():
        document = docx_report(inspection_round, Header(**form.cleaned_data))
        return HttpResponse(document, headers={
            "Content-Type": DOCX_TYPE,
            "Content-Disposition": f'attachment; filename="{stamp}.docx"'})
    return render(request, "inspections/report.html", {"round": inspection_round, "form": form})


@require_http_methods(["GET", "POST"])
@office_required
def figures_import_view(request, pk):
    """Import monthly figures of the round's units from the template, all or nothing."""
    inspection_round = _round_for(request.user, pk)
    template = request.GET.get("template")
    if template == "xlsx":
        return HttpResponse(figures_import.template_xlsx(inspection_round), headers={
            "Content-Type": XLSX_TYPE,
            "Content-Disposition": f'attachment; filename="mau-so-lieu-{pk}.xlsx"'})
    if template == "csv":
        return csv_response(figures_import.template_rows(inspection_round), f"mau-so-lieu-{pk}")
    problems, status = [], 200
    if request.method == "POST":
        uploaded = request.FILES.get("file")
        try:
            if uploaded is None:
                raise ValueError(_("Choose the filled-in template to import."))
            result = figures_import.figures_import(
                inspection_round=inspection_round, rows=figures_import.read_rows(uploaded),
                by=request.user)
        except ValueError as error:
            detail = error.args[0]
            problems = detail if isinstance(detail, list) else [detail]
            status = 400
        else:
            messages.success(request, _(
                "Figures imported: %(created)d new, %(updated)d updated, %(skipped)d rows "
                "without a value skipped.") % result.__dict__)
            return redirect(inspection_round)
    return render(request, "inspections/figures_import.html", {
        "round": inspection_round, "problems": problems}, status=status)
