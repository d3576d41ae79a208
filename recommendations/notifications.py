"""Email notifications, sent outside the request by the task queue.

Mails are in Vietnamese and carry a subject and a link, never the recommendation's content:
mailboxes are less protected than the portal. A failed send is tried again later.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count
from django.urls import reverse

from communes import roles
from communes.jobs import job_alone

# send_email: tasks queued before the task moved to communes.mail name it here.
from communes.mail import notify, send_email, site_url  # noqa: F401
from communes.models import Department
from inspections.notifications import office_users, unit_users

from .models import DigestSent, Recommendation, deadlines


def _link(recommendation) -> str:
    return site_url(reverse("recommendations:detail", args=[recommendation.pk]))


def department_users(department_ids):
    return get_user_model().objects.filter(
        is_active=True, profile__department_id__in=department_ids,
        groups__name__in=[roles.DEPARTMENT_HEAD, roles.DEPARTMENT_STAFF]).distinct()


def notify_routed(recommendation) -> None:
    """To the heads and staff of the lead and co-operating departments."""
    departments = [recommendation.lead_department_id,
                   *recommendation.cooperating_departments.values_list("pk", flat=True)]
    notify(department_users(departments), "recommendations/email/routed.txt",
            {"recommendation": recommendation, "link": _link(recommendation)})


def notify_office(recommendation, what: str) -> None:
    """To the province's office staff: a department answered, returned or asked for time."""
    notify(office_users(recommendation.session.group.round.province_id),
            "recommendations/email/to_office.txt",
            {"recommendation": recommendation, "what": what, "link": _link(recommendation)})


def notify_departments(recommendation, what: str) -> None:
    """To the lead department's heads and staff: the office reopened the item or decided on
    more time."""
    if recommendation.lead_department_id:
        notify(department_users([recommendation.lead_department_id]),
                "recommendations/email/to_department.txt",
                {"recommendation": recommendation, "what": what,
                 "link": _link(recommendation)})


def notify_units(units, recommendation, template: str, what: str) -> None:
    """To the staff of the units that raised a recommendation: an answer, or the office's
    decision on reopening."""
    notify(unit_users([unit.pk for unit in units]), template, {
        "recommendation": recommendation, "what": what,
        "link": site_url(reverse("recommendations:unit_recommendation",
                                 args=[recommendation.pk]))})


def notify_office_of_unit(recommendation, unit, what: str) -> None:
    """To the office: a unit said it is not satisfied with an answer."""
    notify(office_users(recommendation.province_id), "recommendations/email/unit_to_office.txt",
            {"unit": unit, "what": what, "link": _link(recommendation),
             "subject_number": recommendation.pk})


def notify_assignee(recommendation) -> None:
    if recommendation.assignee_id:
        notify([recommendation.assignee], "recommendations/email/assigned.txt",
                {"recommendation": recommendation, "link": _link(recommendation)})


def digest_send(*, today, wait: float = 0) -> int | None:
    """Queue the daily digest of each department that has something due soon or overdue and
    has not had its digest of `today` yet; None if another node was still sending it after
    `wait` seconds.

    Cron starts it on every app server (communes/jobs.py says why): the first takes the job's
    lock and sends, the others wait for it and then send what is left — nothing, as a rule
    (each department's DigestSent), the rest of the day's if the first node died half-way."""
    with job_alone("digest", wait=wait) as mine:
        return _digest_send(today=today) if mine else None


def _digest_send(*, today) -> int:
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
            notify(department_users([department.pk]), "recommendations/email/digest.txt",
                    {"department": department, "link": inbox, "today": today, **counts})
        sent += 1
    return sent
