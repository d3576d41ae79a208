"""Mails about sessions and directives, to the units and the office (communes/mail.py sends
them through the task queue)."""

from collections import Counter

from django.contrib.auth import get_user_model

from communes import roles
from communes.mail import notify, site_url

from . import links
from .models import DirectiveFollowUp


def office_users(province_id):
    return get_user_model().objects.filter(
        is_active=True, profile__province_id=province_id,
        groups__name=roles.OFFICE_STAFF).distinct()


def unit_users(unit_ids):
    return get_user_model().objects.filter(
        is_active=True, profile__unit_id__in=unit_ids, groups__name=roles.UNIT_STAFF).distinct()


def notify_units_of_session(session) -> None:
    """To the staff of a session's units: a working group will meet them; they may send
    their report and figures before it."""
    notify(unit_users(session.units.values_list("pk", flat=True)),
           "inspections/email/unit_session.txt",
           {"session": session,
            "link": site_url(links.url("unit_session", session.pk))})


def notify_units_of_directives(session) -> None:
    """To the staff of each unit a finalised session gave directives to."""
    counts = Counter(DirectiveFollowUp.objects.filter(
        directive__session=session, unit__isnull=False).values_list("unit_id", flat=True))
    for unit_id, count in counts.items():
        notify(unit_users([unit_id]), "inspections/email/unit_directives.txt",
               {"session": session, "count": count,
                "link": site_url(links.url("unit_home"))})


def notify_office_of_unit_report(report) -> None:
    """To the office: a unit reported on a directive given to it."""
    follow_up = report.follow_up
    notify(office_users(follow_up.directive.session.group.round.province_id),
           "inspections/email/unit_report.txt",
           {"unit": follow_up.unit, "directive": follow_up.directive,
            "link": site_url(links.url("unit_reports"))})


def notify_unit_of_report_decision(report) -> None:
    """To the unit: the office accepted its report on a directive, or sent it back."""
    notify(unit_users([report.follow_up.unit_id]), "inspections/email/unit_report_decided.txt",
           {"report": report,
            "link": site_url(links.url("unit_directive", report.follow_up_id))})
