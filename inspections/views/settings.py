"""The office's settings for its province, without being a superuser: the working-day
calendar's exceptions, the order of the province's bodies, each category's default
departments, and the province's users with their roles. Office staff of a province only;
another province's users answer 404. Every change is kept by django-simple-history and shown
on the page that edits it."""

import json

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from communes import roles
from communes.audit import AuditEvent, audit_record
from communes.cache import data_changed
from communes.decorators import office_required, read_only, role_required
from communes.exports import export
from communes.forms import AuditFilterForm, DepartmentOrderForm, IssuingBodyForm, PersonForm
from communes.models import CalendarDay, Department, IssuingBody, UserProfile
from communes.services import departments_reorder, person_save
from communes.timeline import history_entries

from ..forms import CategoryRoutingForm
from ..models import Category, CategoryRouting


def _province(user):
    """The office's province; an administrator without one works in Django admin."""
    province = getattr(getattr(user, "profile", None), "province", None)
    if province is None:
        raise PermissionDenied
    return province


@read_only
@office_required
def settings_home(request):
    _province(request.user)
    return render(request, "inspections/settings/home.html")


# The calendar is national: one province's office must not move the deadlines of the other
# 33. Offices read it here; an administrator changes it in Django admin, whose saves refresh
# the counts and cached pages like any other write (signals).
@read_only
@office_required
def calendar(request):
    """The calendar's exceptions of a year."""
    _province(request.user)
    years = sorted({d.year for d in CalendarDay.objects.dates("date", "year")}, reverse=True)
    try:
        year = int(request.GET.get("year") or 0)
    except ValueError:
        year = 0
    year = year if year in years else (years[0] if years else None)
    days = CalendarDay.objects.filter(date__year=year) if year else CalendarDay.objects.none()
    return render(request, "inspections/settings/calendar.html", {
        "days": days.order_by("date"), "years": years, "year": year})


@read_only
@office_required
def calendar_day(request, pk):
    """One exception of the calendar and its history."""
    _province(request.user)
    day = get_object_or_404(CalendarDay, pk=pk)
    return render(request, "inspections/settings/calendar_day.html", {
        "day": day, "timeline": history_entries(day.history.select_related("history_user"))})


# How many recent changes of the bodies' order the page shows.
DEPARTMENT_HISTORY_SHOWN = 50


@require_http_methods(["GET", "POST"])
@office_required
def departments(request):
    """The province's bodies in its protocol order, which every list of bodies follows
    (selects, the routing screen, lists, filters, exports, documents): one position per body."""
    province = _province(request.user)
    bodies = Department.objects.filter(province=province)
    form = DepartmentOrderForm(request.POST or None, departments=bodies)
    if request.method == "POST" and form.is_valid():
        moved = departments_reorder(province=province, order=form.order(), by=request.user)
        messages.success(request, _("The order of the bodies is saved (%(count)d moved).")
                         % {"count": moved})
        return redirect("inspections:settings_departments")
    # The latest changes of the province's bodies, each entry named by its body.
    records = Department.history.filter(province=province).select_related(
        "history_user").order_by("-history_id")[:DEPARTMENT_HISTORY_SHOWN * 2]
    timeline = history_entries(records, label=lambda record: record.name)
    return render(request, "inspections/settings/departments.html", {
        "form": form, "timeline": timeline[:DEPARTMENT_HISTORY_SHOWN]},
        status=400 if form.is_bound else 200)


@read_only
@office_required
def routing_list(request):
    """Each category with the province's default lead and co-operating departments."""
    province = _province(request.user)
    routings = CategoryRouting.objects.filter(province=province).select_related(
        "lead_department").prefetch_related("cooperating_departments")
    categories = Category.objects.prefetch_related(
        Prefetch("routings", queryset=routings, to_attr="here"))
    return render(request, "inspections/settings/routing.html", {"categories": categories})


@require_http_methods(["GET", "POST"])
@office_required
def routing_edit(request, category_pk):
    province = _province(request.user)
    category = get_object_or_404(Category, pk=category_pk)
    routing = (CategoryRouting.objects.filter(province=province, category=category).first()
               or CategoryRouting(province=province, category=category))
    form = CategoryRoutingForm(request.POST or None, instance=routing)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        # In the request's transaction (ATOMIC_REQUESTS), as the save.
        audit_record(AuditEvent.Kind.SETTINGS_CHANGED, actor=request.user, obj=saved,
                     province=province, setting="routing", fields=form.changed_data)
        data_changed()
        messages.success(request, _("Saved: %(category)s.") % {"category": category})
        return redirect("inspections:settings_routing")
    timeline = history_entries(routing.history.select_related("history_user")) \
        if routing.pk else []
    return render(request, "inspections/settings/edit.html", {
        "form": form, "title": capfirst(str(category)),
        "back": reverse("inspections:settings_routing"), "timeline": timeline},
        status=400 if form.is_bound else 200)


@read_only
@office_required
def issuers(request):
    """The province's two issuing bodies (Party, state), each as its documents print it:
    what the office set, and the defaults for what it left empty."""
    province = _province(request.user)
    bodies = [IssuingBody.for_province(province, kind) for kind in IssuingBody.Kind.values]
    return render(request, "inspections/settings/issuers.html", {"bodies": bodies})


@require_http_methods(["GET", "POST"])
@office_required
def issuer_edit(request, pk=None, kind=None):
    """One issuing body of the office's province: a stored one by id (another province's
    answers 404), or the one of a layout the province has not set yet, stored on its first
    save."""
    province = _province(request.user)
    if pk is not None:
        body = get_object_or_404(IssuingBody, pk=pk, province=province)
    else:
        if kind not in IssuingBody.Kind.values:
            raise Http404
        stored = IssuingBody.objects.filter(province=province, kind=kind).first()
        if stored is not None:
            return redirect("inspections:settings_issuer_edit", pk=stored.pk)
        body = IssuingBody(province=province, kind=kind)
    form = IssuingBodyForm(request.POST or None, instance=body)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        audit_record(AuditEvent.Kind.SETTINGS_CHANGED, actor=request.user, obj=saved,
                     province=province, setting="issuer", fields=form.changed_data)
        messages.success(request, _("Saved: %(body)s.") % {"body": body.get_kind_display()})
        return redirect("inspections:settings_issuers")
    timeline = history_entries(body.history.select_related("history_user")) if body.pk else []
    return render(request, "inspections/settings/edit.html", {
        "form": form, "title": capfirst(body.get_kind_display()),
        "back": reverse("inspections:settings_issuers"), "timeline": timeline},
        status=400 if form.is_bound else 200)


def _people(province):
    """The province's users (no superuser), as a Vietnamese list orders them."""
    return get_user_model().objects.filter(profile__province=province, is_superuser=False)


@read_only
@office_required
def people(request):
    province = _province(request.user)
    users = _people(province).select_related(
        "profile__department", "profile__unit").prefetch_related(
        "groups").order_by("profile__sort_name", "username")
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    for user in page.object_list:
        user.roles = [roles.ROLE_LABELS.get(g.name, g.name) for g in user.groups.all()]
    return render(request, "inspections/settings/people.html", {"page": page})


@require_http_methods(["GET", "POST"])
@office_required
def person_edit(request, pk=None):
    province = _province(request.user)
    user = get_object_or_404(_people(province), pk=pk) if pk else get_user_model()()
    form = PersonForm(request.POST or None, instance=user, province=province)
    if request.method == "POST" and form.is_valid():
        saved = person_save(form=form, province=province, by=request.user)
        messages.success(request, _("Saved: %(user)s.") % {
            "user": saved.get_full_name() or saved.username})
        return redirect("inspections:settings_people")
    timeline = []
    if pk:
        timeline = history_entries(UserProfile.history.filter(user_id=user.pk).select_related(
            "history_user"))
    return render(request, "inspections/settings/edit.html", {
        "form": form, "back": reverse("inspections:settings_people"), "timeline": timeline,
        "title": (user.get_full_name() or user.username) if pk else _("New user")},
        status=400 if form.is_bound else 200)


# The audit log's page size.
AUDIT_PAGE_SIZE = 50


def _audit_rows(events):
    yield [_("When"), _("Event"), _("Username"), _("Address"), _("Province"), _("Object"),
           _("Details")]
    for event in events.iterator(chunk_size=2000):
        yield [timezone.localtime(event.at), event.get_kind_display(), event.actor_name,
               event.address or "", str(event.province or ""), event.object_text,
               json.dumps(event.details, ensure_ascii=False, cls=DjangoJSONEncoder)
               if event.details else ""]


@read_only
@role_required(lambda user: user.is_superuser or roles.OFFICE_STAFF in roles.role_names(user))
def audit_log(request):
    """The security events: every province's for an administrator, the office's province's
    for its staff; filtered by event, person and days; paginated, and exported as CSV or XLSX
    (an export that is itself recorded)."""
    if not request.user.is_superuser:
        _province(request.user)
    form = AuditFilterForm(request.GET or None)
    events = form.filter(AuditEvent.objects.visible_to(request.user)).select_related(
        "province")
    exported = export(request, _audit_rows(events),
                      f"nhat-ky-an-ninh-{timezone.localdate():%Y%m%d}", _("Audit log"),
                      filters=form.in_words)
    if exported:
        return exported
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "inspections/settings/audit.html", {"filters": form, "page": page})
