"""Email notifications, sent outside the request by the task queue.

Mails are in Vietnamese and carry a subject and a link, never the recommendation's content:
mailboxes are less protected than the portal. A failed send is tried again later.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from communes import roles

# Tasks queued before the task moved to communes.mail name it here.
from communes.mail import (
    send_email,  # noqa: F401
    send_email_later,
)
from communes.models import Department

from .models import DigestSent, Recommendation, deadlines


def _emails(users) -> list[str]:
    return sorted({user.email for user in users if user.email})


def _notify(users, template: str, context: dict) -> None:
    """Render a Vietnamese mail and send it once the current transaction has committed."""
    recipients = _emails(users)
    if not recipients:
        return
    with translation.override("vi"):
        subject, _sep, body = render_to_string(template, context).strip().partition("\n")
    send_email_later(recipients=recipients, subject=subject.strip(), body=body.strip())


def _link(recommendation) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("recommendations:detail",
                                                   args=[recommendation.pk])


def department_users(department_ids):
    return get_user_model().objects.filter(
        is_active=True, profile__department_id__in=department_ids,
        groups__name__in=[roles.DEPARTMENT_HEAD, roles.DEPARTMENT_STAFF]).distinct()


def office_users(province_id):
    return get_user_model().objects.filter(
        is_active=True, profile__province_id=province_id,
        groups__name=roles.OFFICE_STAFF).distinct()


def notify_routed(recommendation) -> None:
    """To the heads and staff of the lead and co-operating departments."""
    departments = [recommendation.lead_department_id,
                   *recommendation.cooperating_departments.values_list("pk", flat=True)]
    _notify(department_users(departments), "recommendations/email/routed.txt",
            {"recommendation": recommendation, "link": _link(recommendation)})


def notify_office(recommendation, what: str) -> None:
    """To the province's office staff: a department answered, returned or asked for time."""
    _notify(office_users(recommendation.session.group.round.province_id),
            "recommendations/email/to_office.txt",
            {"recommendation": recommendation, "what": what, "link": _link(recommendation)})


def notify_departments(recommendation, what: str) -> None:
    """To the lead department's heads and staff: the office reopened the item or decided on
    more time."""
    if recommendation.lead_department_id:
        _notify(department_users([recommendation.lead_department_id]),
                "recommendations/email/to_department.txt",
                {"recommendation": recommendation, "what": what,
                 "link": _link(recommendation)})


def notify_assignee(recommendation) -> None:
    if recommendation.assignee_id:
        _notify([recommendation.assignee], "recommendations/email/assigned.txt",
                {"recommendation": recommendation, "link": _link(recommendation)})


def digest_send(*, today) -> int:
    """Queue the daily digest of each department that has something due soon or overdue and
    has not had its digest of `today` yet."""
    soon, overdue = deadlines(today)
    inbox = settings.SITE_URL.rstrip("/") + reverse("recommendations:inbox")
    sent = 0
    already = set(DigestSent.objects.filter(day=today).values_list("department_id", flat=True))
    for department in Department.objects.filter(is_active=True).exclude(pk__in=already):
        mine = Recommendation.objects.for_department(department.pk)
        counts = mine.aggregate(due_soon=Count("id", filter=soon, distinct=True),
                                overdue=Count("id", filter=overdue, distinct=True))
        if not counts["due_soon"] and not counts["overdue"]:
            continue
        with transaction.atomic():
            _marker, created = DigestSent.objects.get_or_create(department=department,
                                                                day=today)
            if not created:  # another run took it meanwhile
                continue
            _notify(department_users([department.pk]), "recommendations/email/digest.txt",
                    {"department": department, "link": inbox, "today": today, **counts})
        sent += 1
    return sent
