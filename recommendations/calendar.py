"""A user's work calendar as an iCalendar feed (RFC 5545), read by calendar programs at the
user's secret address (communes.models.CalendarLink; the page is views/calendar.py).

What it holds is what its owner may see and act on now, read through `visible_to(user)` at
each request (a role changed or a department moved shows at the next read):
- a department's users: the answer deadlines of what is routed to their department;
- office staff: the deadlines they follow, those of the province's open recommendations and
  of the directives not yet done by every addressee;
- a commune's or ward's staff: the deadlines of the tasks given to their unit;
- everyone who reads rounds (office, leaders, national viewers) and a unit's staff: the
  sessions to come.
Deadlines and sessions are all-day events: the portal records a due date, and a session's
date and part of day (morning, afternoon), not its hours. The window runs from
CALENDAR_PAST_DAYS before today to CALENDAR_FUTURE_DAYS after it, with at most
CALENDAR_MAX_EVENTS events of each kind, nearest first; every event links to its page.
"""

import datetime
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from communes import roles
from communes.scope import Scope, scope
from inspections.models import Directive, DirectiveFollowUp, Session

from .models import Recommendation

PRODID = "-//Inspections portal//Work calendar//VI"
SUMMARY_WORDS = 20


def _url(name, pk) -> str:
    # SITE_URL, as in mails: never the Host header the request carried.
    return settings.SITE_URL.rstrip("/") + reverse(name, args=[pk])


def _uid(kind: str, pk: int) -> str:
    """Stable per object: a calendar program replaces the event when it changes."""
    return f"{kind}-{pk}@{urlsplit(settings.SITE_URL).hostname or 'localhost'}"


def _stamp(moment) -> datetime.datetime:
    """In UTC, as every date-time of the feed (RFC 5545 3.8.7.2 asks it of DTSTAMP)."""
    return moment.astimezone(datetime.UTC).replace(microsecond=0)


def _event(*, uid, day, summary, description, url, updated, location=""):
    event = icalendar.Event()
    event.add("uid", uid)
    # No METHOD: DTSTAMP is then the last change of the object (RFC 5545 3.8.7.2).
    event.add("dtstamp", _stamp(updated))
    event.add("last-modified", _stamp(updated))
    event.add("dtstart", day)
    event.add("dtend", day + datetime.timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add("url", url, parameters={"VALUE": "URI"})
    if location:
        event.add("location", location)
    event.add("transp", "TRANSPARENT")  # a deadline or a session does not block the day
    return event


def _short(text) -> str:
    return Truncator(" ".join(str(text).split())).words(SUMMARY_WORDS)


def window(today) -> tuple[datetime.date, datetime.date]:
    return (today - datetime.timedelta(days=settings.CALENDAR_PAST_DAYS),
            today + datetime.timedelta(days=settings.CALENDAR_FUTURE_DAYS))


def _recommendations(user, user_scope, first, last):
    """Answer deadlines: the department's inbox, and for the office what it follows."""
    if user_scope.department_id is not None:
        queryset = Recommendation.objects.in_inbox_of(user)
    elif roles.is_office(user):
        queryset = Recommendation.objects.visible_to(user)
    else:
        return []
    return (queryset.open().filter(due_date__range=(first, last))
            .select_related("lead_department").order_by("due_date", "id")
            [:settings.CALENDAR_MAX_EVENTS])


def _recommendation_event(recommendation):
    lines = [recommendation.text]
    if recommendation.lead_department:
        lines.append(_("Lead department: %(department)s") % {
            "department": recommendation.lead_department})
    lines.append(_("Status: %(status)s") % {"status": recommendation.get_status_display()})
    return _event(
        uid=_uid("recommendation", recommendation.pk), day=recommendation.due_date,
        summary=_("Answer due: %(text)s") % {"text": _short(recommendation.text)},
        description="\n".join(lines),
        url=_url("recommendations:detail", recommendation.pk),
        updated=recommendation.updated_at)


def _directives(user, user_scope, first, last):
    """The office's: directives with a due date that some addressee has not done."""
    if not roles.is_office(user):
        return []
    pending = DirectiveFollowUp.objects.filter(directive=OuterRef("pk"),
                                               status=DirectiveFollowUp.Status.PENDING)
    return (Directive.objects.visible_to(user).filter(Exists(pending),
                                                      due_date__range=(first, last))
            .prefetch_related(Prefetch("follow_ups", DirectiveFollowUp.objects.select_related(
                "unit", "department")))
            .order_by("due_date", "id")[:settings.CALENDAR_MAX_EVENTS])


def _directive_event(directive):
    addressees = ", ".join(str(follow_up) for follow_up in directive.follow_ups.all())
    return _event(
        uid=_uid("directive", directive.pk), day=directive.due_date,
        summary=_("Task due: %(text)s") % {"text": _short(directive.text)},
        description="\n".join([directive.text, _("Given to: %(addressees)s") % {
            "addressees": addressees}]),
        url=_url("inspections:directive_detail", directive.pk), updated=directive.updated_at)


def _tasks(user_scope, first, last):
    """A unit's staff: the tasks given to their unit, not yet reported done."""
    if user_scope.kind != Scope.UNIT:
        return []
    return (DirectiveFollowUp.objects.within(user_scope)
            .filter(unit=user_scope.unit_id, status=DirectiveFollowUp.Status.PENDING,
                    directive__due_date__range=(first, last))
            .select_related("directive").order_by("directive__due_date", "id")
            [:settings.CALENDAR_MAX_EVENTS])


def _task_event(follow_up):
    directive = follow_up.directive
    return _event(
        uid=_uid("task", follow_up.pk), day=directive.due_date,
        summary=_("Task due: %(text)s") % {"text": _short(directive.text)},
        description=directive.text,
        url=_url("recommendations:unit_directive", follow_up.pk),
        updated=directive.updated_at)


def _sessions(user, user_scope, today, last):
    """The sessions to come, for those who read rounds and for a unit's staff (theirs)."""
    if not (roles.is_reader(user) or user_scope.kind == Scope.UNIT):
        return []
    return (Session.objects.within(user_scope).filter(date__range=(today, last))
            .select_related("group").prefetch_related("units")
            .order_by("date", "id")[:settings.CALENDAR_MAX_EVENTS])


def _session_event(session, unit_pages):
    units = ", ".join(str(unit) for unit in session.units.all())
    summary = _("%(group)s works with %(units)s (%(part)s)") % {
        "group": session.group, "units": units, "part": session.get_part_of_day_display()}
    lines = [summary]
    if session.venue:
        lines.append(_("Venue: %(venue)s") % {"venue": session.venue})
    return _event(
        uid=_uid("session", session.pk), day=session.date, summary=summary,
        description="\n".join(lines), location=session.venue,
        url=_url("recommendations:unit_session" if unit_pages
                 else "recommendations:session_detail", session.pk),
        updated=session.updated_at)


def feed(user, *, today=None) -> bytes:
    """The iCalendar text of `user`'s calendar, in the active language."""
    today = today or timezone.localdate()
    first, last = window(today)
    user_scope = scope(user)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _("Work calendar – %(name)s") % {
        "name": user.get_full_name() or user.get_username()})
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    # RFC 7986: how often a program should read it again.
    calendar.add("refresh-interval", datetime.timedelta(hours=1),
                 parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", datetime.timedelta(hours=1))
    unit_pages = user_scope.kind == Scope.UNIT
    for recommendation in _recommendations(user, user_scope, first, last):
        calendar.add_component(_recommendation_event(recommendation))
    for directive in _directives(user, user_scope, first, last):
        calendar.add_component(_directive_event(directive))
    for follow_up in _tasks(user_scope, first, last):
        calendar.add_component(_task_event(follow_up))
    for session in _sessions(user, user_scope, today, last):
        calendar.add_component(_session_event(session, unit_pages))
    return calendar.to_ical()
