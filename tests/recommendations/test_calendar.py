"""The work calendar: a secret link made on the user's page (shown once, stored as a digest),
a feed that is valid iCalendar by two independent parsers, shows only what its owner may see
now, and answers 404 once revoked; its query count does not grow with its rows."""

import datetime
from urllib.parse import urlsplit

import icalendar
import pytest
import vobject
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from communes import roles
from communes.audit import AuditEvent
from communes.models import CalendarLink
from communes.services import calendar_link_create, calendar_link_revoke
from communes.workdays import add_working_days
from inspections.models import Directive, Session
from recommendations import services
from tests import factories

TODAY = timezone.localdate()
# RFC 5545 3.6.1: a VEVENT must have UID and DTSTAMP; the feed also promises these.
REQUIRED = ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "URL", "DESCRIPTION")


def _feed(client, secret):
    return client.get(reverse("recommendations:calendar_feed", args=[secret]))


def _events(body: bytes) -> dict:
    """The events by UID, after both parsers have read the feed."""
    calendar = icalendar.Calendar.from_ical(body)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    events = {}
    for event in calendar.walk("VEVENT"):
        for name in REQUIRED:
            assert name in event, (name, event)
        assert event.decoded("DTSTAMP").tzinfo is not None  # in UTC
        assert event.decoded("DTEND") > event.decoded("DTSTART")
        events[str(event["UID"])] = event
    # The independent check: vobject reads and validates it (its own RFC 5545 parser).
    independent = vobject.readOne(body.decode())
    independent.validate()
    assert sorted(str(e.uid.value) for e in getattr(independent, "vevent_list", [])) == sorted(
        events)
    assert b"\r\n" in body and all(len(line) <= 75 for line in body.split(b"\r\n"))
    return events


@pytest.fixture
def plan(province, other_province, department_a, department_b, office_user, other_office_user,
         ward_a_unit, ward_b_unit):
    """Province P: a session to come with ward A, one with ward B, one past; a recommendation
    routed to A, one to B, one resolved; a directive to ward A and department A, one to ward
    B. Province Q: its own session to come and routed recommendation."""
    session = factories.SessionFactory(group__round__province=province, units=[ward_a_unit],
                                       date=TODAY + datetime.timedelta(days=3),
                                       venue="Trụ sở Đảng ủy phường Đông Kinh")
    session_b = factories.SessionFactory(group__round__province=province, units=[ward_b_unit],
                                         date=TODAY + datetime.timedelta(days=5))
    past = factories.SessionFactory(group__round__province=province, units=[ward_a_unit],
                                    date=TODAY - datetime.timedelta(days=40))
    due = add_working_days(TODAY, 8)

    def routed(lead, text, session_=past):
        recommendation = factories.RecommendationFactory(session=session_, text=text)
        recommendation.units.set(session_.units.all())
        services.recommendation_route(recommendation=recommendation, by=office_user,
                                      lead_department=lead, due_date=due)
        return recommendation

    for_a = routed(department_a, "Bổ sung biên chế cho xã")
    for_b = routed(department_b, "Cấp kinh phí sửa trụ sở")
    directive = Directive.objects.create(session=past, text="Rà soát thủ tục hành chính",
                                         due_date=due)
    task_a = directive.follow_ups.create(unit=ward_a_unit)
    directive.follow_ups.create(department=department_a)
    directive_b = Directive.objects.create(session=past, text="Sắp xếp trụ sở", due_date=due)
    task_b = directive_b.follow_ups.create(unit=ward_b_unit)

    other_session = factories.SessionFactory(group__round__province=other_province,
                                             date=TODAY + datetime.timedelta(days=3))
    other_department = factories.DepartmentFactory(province=other_province)
    other = factories.RecommendationFactory(session=other_session, text="Của tỉnh khác")
    services.recommendation_route(recommendation=other, by=other_office_user,
                                  lead_department=other_department, due_date=due)
    return {"session": session, "session_b": session_b, "past": past, "for_a": for_a,
            "for_b": for_b, "directive": directive, "directive_b": directive_b,
            "task_a": task_a, "task_b": task_b, "other": other, "other_session": other_session}


def _uids(client, user):
    _link, secret = calendar_link_create(user=user)
    response = _feed(client, secret)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return set(_events(response.content))


def uid(kind, obj):
    return f"{kind}-{obj.pk}@{urlsplit(settings.SITE_URL).hostname}"


@pytest.mark.django_db
def test_each_role_gets_what_it_acts_on_and_no_more(client, plan, head_a, staff_a, head_b,
                                                    office_user, leader, ward_a, ward_b,
                                                    other_office_user):
    assert _uids(client, head_a) == _uids(client, staff_a) == {
        uid("recommendation", plan["for_a"])}
    assert _uids(client, head_b) == {uid("recommendation", plan["for_b"])}
    assert _uids(client, office_user) == {
        uid("recommendation", plan["for_a"]), uid("recommendation", plan["for_b"]),
        uid("directive", plan["directive"]), uid("directive", plan["directive_b"]),
        uid("session", plan["session"]), uid("session", plan["session_b"])}
    # A leader acts on nothing: the sessions to come.
    assert _uids(client, leader) == {uid("session", plan["session"]),
                                     uid("session", plan["session_b"])}
    assert _uids(client, ward_a) == {uid("task", plan["task_a"]), uid("session", plan["session"])}
    assert _uids(client, ward_b) == {uid("task", plan["task_b"]),
                                     uid("session", plan["session_b"])}
    assert _uids(client, other_office_user) == {uid("recommendation", plan["other"]),
                                                uid("session", plan["other_session"])}


@pytest.mark.django_db
def test_events_are_in_vietnamese_with_their_links(client, plan, office_user, ward_a):
    _link, secret = calendar_link_create(user=office_user)
    events = _events(_feed(client, secret).content)
    answer = events[uid("recommendation", plan["for_a"])]
    assert str(answer["SUMMARY"]) == "Hạn trả lời kiến nghị: Bổ sung biên chế cho xã"
    plan["for_a"].refresh_from_db()
    assert answer.decoded("DTSTART") == plan["for_a"].due_date  # all day
    assert str(answer["URL"]) == settings.SITE_URL.rstrip("/") + reverse(
        "recommendations:detail", args=[plan["for_a"].pk])
    assert "Cơ quan chủ trì" in str(answer["DESCRIPTION"])
    session = events[uid("session", plan["session"])]
    assert str(session["SUMMARY"]).startswith(f"Tổ công tác số {plan['session'].group.number}")
    assert "buổi sáng" in str(session["SUMMARY"])
    assert str(session["LOCATION"]) == "Trụ sở Đảng ủy phường Đông Kinh"
    assert session.decoded("DTSTART") == plan["session"].date
    task = events[uid("directive", plan["directive"])]
    assert str(task["SUMMARY"]) == "Hạn thực hiện nhiệm vụ: Rà soát thủ tục hành chính"
    # A unit's staff are sent to their unit's pages.
    _link, secret = calendar_link_create(user=ward_a)
    events = _events(_feed(client, secret).content)
    assert str(events[uid("task", plan["task_a"])]["URL"]).endswith(
        reverse("recommendations:unit_directive", args=[plan["task_a"].pk]))
    assert str(events[uid("session", plan["session"])]["URL"]).endswith(
        reverse("recommendations:unit_session", args=[plan["session"].pk]))


@pytest.mark.django_db
def test_the_feed_follows_what_its_owner_may_see_now(client, plan, head_a, department_b,
                                                     office_user):
    _link, secret = calendar_link_create(user=head_a)
    assert set(_events(_feed(client, secret).content)) == {uid("recommendation", plan["for_a"])}
    # Moved to department B: B's deadlines, at the next read.
    head_a.profile.department = department_b
    head_a.profile.save()
    assert set(_events(_feed(client, secret).content)) == {uid("recommendation", plan["for_b"])}
    # Out of the window: gone.
    type(plan["for_b"]).objects.filter(pk=plan["for_b"].pk).update(
        due_date=TODAY + datetime.timedelta(days=400))
    assert _events(_feed(client, secret).content) == {}
    # Without a role: 404, as when deactivated.
    head_a.groups.clear()
    assert _feed(client, secret).status_code == 404
    head_a.groups.add(Group.objects.get(name=roles.DEPARTMENT_HEAD))
    assert _feed(client, secret).status_code == 200
    head_a.is_active = False
    head_a.save()
    assert _feed(client, secret).status_code == 404


@pytest.mark.django_db
def test_revoked_unknown_and_replaced_links_answer_404(client, head_a, plan):
    first, secret = calendar_link_create(user=head_a)
    assert _feed(client, secret).status_code == 200
    second, new_secret = calendar_link_create(user=head_a)  # replaces the first
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert _feed(client, secret).status_code == 404
    assert _feed(client, new_secret).status_code == 200
    calendar_link_revoke(user=head_a, by=head_a)
    assert _feed(client, new_secret).status_code == 404
    for wrong in ("lc_nothing", "kt_" + new_secret[3:], new_secret + "x", "x" * 300):
        assert _feed(client, wrong).status_code == 404
    kinds = list(AuditEvent.objects.filter(actor=head_a).order_by("id").values_list(
        "kind", flat=True))
    assert kinds == [AuditEvent.Kind.CALENDAR_SECRET_MADE, AuditEvent.Kind.CALENDAR_REVOKED,
                     AuditEvent.Kind.CALENDAR_SECRET_MADE, AuditEvent.Kind.CALENDAR_REVOKED]


@pytest.mark.django_db
def test_the_page_makes_shows_once_and_revokes_the_link(client, head_a, plan):
    client.force_login(head_a)
    home = client.get(reverse("recommendations:inbox"))
    assert reverse("recommendations:calendar").encode() in home.content  # in the menu
    assert "Lịch công tác (iCalendar)" in home.content.decode()
    made = client.post(reverse("recommendations:calendar"))
    assert made.status_code == 200 and made["Cache-Control"] == "no-store"
    feed_url = made.context["feed_url"]
    assert feed_url.encode() in made.content
    link = CalendarLink.objects.get(user=head_a)
    secret = feed_url.rsplit("/", 1)[1].removesuffix(".ics")
    assert link.digest == CalendarLink.digest_of(secret) and secret not in link.key_start
    page = client.get(reverse("recommendations:calendar"))
    assert secret.encode() not in page.content and "chưa đọc lần nào" in page.content.decode()
    client.logout()
    assert _feed(client, secret).status_code == 200
    link.refresh_from_db()
    assert link.last_read_at is not None
    client.force_login(head_a)
    assert timezone.localtime(link.last_read_at).strftime("%H:%M").encode() in client.get(
        reverse("recommendations:calendar")).content
    assert client.post(reverse("recommendations:calendar_revoke")).status_code == 302
    client.logout()
    assert _feed(client, secret).status_code == 404


@pytest.mark.django_db
def test_nobody_else_revokes_a_link(head_a, head_b):
    calendar_link_create(user=head_a)
    with pytest.raises(PermissionDenied):
        calendar_link_revoke(user=head_a, by=head_b)
    assert CalendarLink.objects.active().filter(user=head_a).exists()


@pytest.mark.django_db
def test_deactivating_a_user_revokes_the_link(client, head_a, admin_user_):
    from communes.services import calendar_links_revoke_of_inactive

    _link, secret = calendar_link_create(user=head_a)
    head_a.is_active = False
    head_a.save()
    assert calendar_links_revoke_of_inactive(user=head_a, by=admin_user_) == 1
    head_a.is_active = True
    head_a.save()
    assert _feed(client, secret).status_code == 404


@pytest.mark.django_db
def test_query_count_is_flat_and_the_feed_capped(client, plan, office_user, ward_a,
                                                 ward_a_unit, count_queries, settings,
                                                 department_a):  # noqa: F811
    links = {user: calendar_link_create(user=user)[1] for user in (office_user, ward_a)}
    for secret in links.values():
        _feed(client, secret)  # its last read noted: the next within the minute writes nothing
    counts = {user: count_queries(lambda s=secret: _feed(client, s))
              for user, secret in links.items()}
    session = plan["session"]
    for n in range(30):
        extra = factories.SessionFactory(group=session.group, units=[ward_a_unit],
                                         date=TODAY + datetime.timedelta(days=n % 20))
        recommendation = factories.RecommendationFactory(session=extra, text=f"Kiến nghị {n}")
        services.recommendation_route(recommendation=recommendation, by=office_user,
                                      lead_department=department_a,
                                      due_date=add_working_days(TODAY, n + 1))
        directive = Directive.objects.create(session=extra, text=f"Nhiệm vụ {n}",
                                             due_date=add_working_days(TODAY, n + 1))
        directive.follow_ups.create(unit=ward_a_unit)
    for user, secret in links.items():
        assert count_queries(lambda s=secret: _feed(client, s)) == counts[user], user
    assert len(_events(_feed(client, links[office_user]).content)) > 90
    settings.CALENDAR_MAX_EVENTS = 5
    events = _events(_feed(client, links[office_user]).content)
    assert len(events) == 5 * 3  # recommendations, directives, sessions: 5 of each
    assert Session.objects.count() > 30


@pytest.mark.django_db
def test_an_administrator_sees_and_revokes_links_in_admin(client, head_a, admin_user_):
    link, secret = calendar_link_create(user=head_a)
    client.force_login(admin_user_)
    listed = client.get(reverse("admin:communes_calendarlink_changelist"))
    assert listed.status_code == 200 and link.key_start in listed.content.decode()
    assert secret not in listed.content.decode() and link.digest not in listed.content.decode()
    client.post(reverse("admin:communes_calendarlink_changelist"),
                {"action": "revoke", "_selected_action": [link.pk]})
    link.refresh_from_db()
    assert link.revoked_at is not None
    client.logout()
    assert _feed(client, secret).status_code == 404
