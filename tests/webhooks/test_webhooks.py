"""Webhooks end to end against a local receiver (tests/webhooks/receiver.py): each event once,
signed; retried after a 500; a receiver that hangs slows neither the page that wrote nor the
worker beyond its timeout; and no subscriber receives anything outside its scope, checked
against what the API shows a user of the same scope."""

import datetime
import time

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from communes import roles
from communes.audit import AuditEvent
from communes.events import Event
from communes.workdays import add_working_days
from inspections.models import Directive
from recommendations import services
from recommendations.webhooks import services as webhook_services
from recommendations.webhooks.delivery import deliver
from recommendations.webhooks.models import Delivery, Subscription
from tests import factories
from tests.recording import as_posted
from tests.webhooks import receiver as receivers

ALL_EVENTS = [value for value, _label in Event.choices]


def _work_the_queue():
    """What `manage.py db_worker --batch` does, in the test's own transaction (the worker
    closes its connection, which the test's database is): each task that is ready, in the
    order queued, claimed and run, until none is left."""
    from django_tasks_db.models import DBTaskResult

    while (row := DBTaskResult.objects.ready().order_by("enqueued_at").first()) is not None:
        row.claim("test-worker")
        row.set_successful(row.task.call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"]))


@pytest.fixture
def receiver():
    made = receivers.Receiver()
    server = receivers.start(made)
    yield made
    made.released.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
def session(province, ward_a_unit):
    return factories.SessionFactory(group__round__province=province, units=[ward_a_unit])


def _subscribe(by, receiver, path="/hook", *, province=None, department=None,
               events=ALL_EVENTS):
    province = province or by.profile.province
    return webhook_services.subscription_create(
        by=by, province=province, name=f"Hệ thống {path}", url=receiver.url + path,
        events=events, department=department)


def _finalise(session, office):
    from recommendations.views.sessions import record_formsets

    session.refresh_from_db()
    formsets = record_formsets(session, as_posted(session))
    assert all(f.is_valid() for f in formsets.values())
    services.session_with_recommendations_save(
        session=session, expected_version=session.version, formsets=formsets, by=office,
        finalise=True)


def test_each_event_reaches_the_receiver_once_signed(receiver, commit, client, session,
                                                     office_user, head_a, department_a,
                                                     ward_a, ward_a_unit):
    subscription, secret = _subscribe(office_user, receiver)
    recommendation = factories.RecommendationFactory(session=session)
    recommendation.units.set([ward_a_unit])
    directive = Directive.objects.create(session=session, text="Rà soát biên chế")
    follow_up = directive.follow_ups.create(unit=ward_a_unit)
    with commit():
        services.recommendation_route(recommendation=recommendation, by=office_user,
                                      lead_department=department_a)
    # The body is the API's own serialisation of the object, as it was at the commit.
    recommendation.refresh_from_db()
    client.force_login(office_user)
    api = client.get(f"/api/v1/recommendations/{recommendation.pk}/").json()
    assert receiver.received[0].json["data"] == api
    assert receiver.received[0].json["object"] == {"type": "recommendation",
                                                   "id": recommendation.pk}
    steps = [
        lambda: services.recommendation_accept(recommendation=recommendation, by=head_a),
        lambda: services.extension_request(
            recommendation=recommendation, by=head_a, reason="Chờ kinh phí",
            proposed_due_date=add_working_days(recommendation.due_date, 5)),
        lambda: services.extension_decide(
            request=recommendation.extension_requests.get(), by=office_user, approve=True),
        lambda: services.recommendation_respond(recommendation=recommendation, by=head_a,
                                                text="Đã bổ sung biên chế"),
        lambda: services.recommendation_resolve(recommendation=recommendation, by=head_a,
                                                answer="Đã bổ sung biên chế"),
        lambda: services.recommendation_reopen(recommendation=recommendation, by=office_user,
                                               reason="Phường chưa nhận được"),
        lambda: _finalise(session, office_user),
        lambda: services.unit_directive_report(follow_up=follow_up, by=ward_a,
                                               text="Đã rà soát", done_on=timezone.localdate()),
        lambda: __import__("inspections.services").services.directive_report_decide(
            report=follow_up.reports.get(), by=office_user, accept=True),
    ]
    for step in steps:
        with commit():
            step()
    with commit():
        webhook_services.overdue_announce(today=recommendation.due_date + datetime.timedelta(
            days=60))
    with commit():  # announced once per due date passed
        assert webhook_services.overdue_announce(
            today=recommendation.due_date + datetime.timedelta(days=61)) == 0

    assert sorted(receiver.events()) == sorted(set(ALL_EVENTS) - {"recommendation.created"})
    assert all(r.signed_with(secret) for r in receiver.received)
    assert not any(r.signed_with("whsec_another") for r in receiver.received)
    assert all(r.headers["X-Webhook-Event"] == r.json["event"] for r in receiver.received)
    assert len({r.headers["X-Webhook-Delivery"] for r in receiver.received}) == len(
        receiver.received)
    assert Delivery.objects.filter(delivered_at__isnull=False).count() == len(receiver.received)
    assert Delivery.objects.get(event="directive.reported").payload["details"]["report"][
        "text"] == "Đã rà soát"
    # The secret was recorded as made, not its value.
    made = AuditEvent.objects.get(kind=AuditEvent.Kind.WEBHOOK_SECRET_MADE)
    assert secret not in str(made.details)


def test_a_recommendation_recorded_on_the_recording_page_is_announced(
        receiver, commit, session, office_user):
    from recommendations.views.sessions import record_formsets

    _subscription, secret = _subscribe(office_user, receiver,
                                       events=["recommendation.created"])
    category = factories.CategoryFactory()

    def add_one(data):
        number = int(data["recommendation-TOTAL_FORMS"])
        data["recommendation-TOTAL_FORMS"] = str(number + 1)
        data[f"recommendation-{number}-text"] = "Đề nghị bổ sung biên chế"
        data[f"recommendation-{number}-category"] = str(category.pk)
        data[f"recommendation-{number}-raised_jointly"] = "on"
        data[f"recommendation-{number}-priority"] = "normal"

    formsets = record_formsets(session, as_posted(session, add_one))
    assert all(f.is_valid() for f in formsets.values()), [
        f.errors for f in formsets.values()]
    with commit():
        services.session_with_recommendations_save(
            session=session, expected_version=session.version, formsets=formsets,
            by=office_user)
    [received] = receiver.received
    assert received.json["event"] == "recommendation.created"
    assert received.json["data"]["text"] == "Đề nghị bổ sung biên chế"
    assert received.signed_with(secret)


def test_nothing_is_sent_for_a_write_rolled_back(receiver, commit, session, office_user,
                                                 department_a):
    from django.db import transaction

    _subscribe(office_user, receiver)
    recommendation = factories.RecommendationFactory(session=session)
    with commit():
        try:
            with transaction.atomic():
                services.recommendation_route(recommendation=recommendation, by=office_user,
                                              lead_department=department_a)
                raise RuntimeError("the write failed after the step")
        except RuntimeError:
            pass
    assert receiver.received == [] and not Delivery.objects.exists()


def test_500_then_200_is_delivered_on_the_retry(receiver, commit, session, office_user,
                                                department_a, settings):
    """With the database's queue, as in production: the failed try queues its retry, which
    the worker (`manage.py db_worker`) sends."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.WEBHOOK_RETRY_SECONDS = 0
    receiver.answers = [500]
    _subscription, secret = _subscribe(office_user, receiver)
    recommendation = factories.RecommendationFactory(session=session)
    with commit():
        services.recommendation_route(recommendation=recommendation, by=office_user,
                                      lead_department=department_a)
    assert receiver.received == []  # queued, not sent in the write
    _work_the_queue()
    first, second = receiver.received
    assert first.headers["X-Webhook-Delivery"] == second.headers["X-Webhook-Delivery"]
    assert first.body == second.body and second.signed_with(secret)
    delivery = Delivery.objects.get()
    assert (delivery.attempts, delivery.last_status_code, delivery.outcome) == (
        2, 200, Delivery.DELIVERED)
    assert Subscription.objects.get().consecutive_failures == 0


def test_backoff_doubles_and_gives_up(receiver, commit, session, office_user, department_a,
                                      settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    receiver.answers = [500, 503, 502]
    _subscribe(office_user, receiver)
    recommendation = factories.RecommendationFactory(session=session)
    with commit():
        services.recommendation_route(recommendation=recommendation, by=office_user,
                                      lead_department=department_a)
    delivery = Delivery.objects.get()
    waits = []
    for _try in range(3):
        Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        before = timezone.now()
        deliver.call(delivery_id=delivery.pk)
        delivery.refresh_from_db()
        if delivery.next_attempt_at:
            waits.append(round((delivery.next_attempt_at - before).total_seconds() / 60))
    assert waits == [1, 2]  # 60 s, then 120 s
    assert (delivery.attempts, delivery.last_status_code, delivery.outcome) == (
        3, 502, Delivery.FAILED)
    # A try queued twice is sent once: this one is not due.
    deliver.call(delivery_id=delivery.pk)
    assert len(receiver.received) == 3


def test_a_hanging_receiver_slows_neither_the_page_nor_the_worker(
        receiver, client, session, office_user, head_a, department_a, settings,
        django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.WEBHOOK_TIMEOUT_SECONDS = 3
    receiver.hang = True  # for 30 s
    _subscribe(office_user, receiver)
    recommendation = factories.RecommendationFactory(session=session)
    services.recommendation_route(recommendation=recommendation, by=office_user,
                                  lead_department=department_a)
    client.force_login(head_a)
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("recommendations:act",
                                       args=[recommendation.pk, "accept"]))
    assert response.status_code == 302
    # The page only queued the delivery: it never waited for the receiver.
    assert time.monotonic() - started < 3 and receiver.received == []
    delivery = Delivery.objects.get(event="recommendation.accepted")
    started = time.monotonic()
    deliver.call(delivery_id=delivery.pk)
    # The worker gave up after its timeout (a little more on a loaded machine), not 30 s.
    assert 3 <= time.monotonic() - started < 8 and len(receiver.received) == 1
    delivery.refresh_from_db()
    assert delivery.outcome == Delivery.PENDING and "timed out" in delivery.last_error


def test_repeated_failures_pause_the_subscription_and_tell_its_owner(
        receiver, commit, session, office_user, department_a, settings):
    settings.WEBHOOK_PAUSE_AFTER_FAILURES = 2
    receiver.answers = [500] * 10
    _subscribe(office_user, receiver)
    for _number in range(3):
        recommendation = factories.RecommendationFactory(session=session)
        mail.outbox.clear() if _number == 0 else None
        with commit():
            services.recommendation_route(recommendation=recommendation, by=office_user,
                                          lead_department=department_a)
    subscription = Subscription.objects.get()
    assert not subscription.active and subscription.pause_reason == "failures"
    assert len(receiver.received) == 2  # the third event waits for the resumption
    [told] = [m for m in mail.outbox if office_user.email in m.to]
    assert "tạm dừng" in told.subject or "paused" in told.subject
    receiver.answers = []
    with commit():
        webhook_services.subscription_resume(subscription=subscription, by=office_user)
    assert len(receiver.received) == 5  # the two failed and the one kept, all delivered
    assert not Delivery.objects.exclude(delivered_at__isnull=False).exists()


def test_a_failing_listener_never_fails_the_write(commit, session, office_user, department_a,
                                                  monkeypatch, receiver):
    from recommendations.webhooks import outbox

    def broken(**kwargs):
        raise RuntimeError("the queue's table is gone")

    monkeypatch.setattr(outbox, "KINDS", None)  # deliveries_make fails at once
    _subscribe(office_user, receiver)
    recommendation = factories.RecommendationFactory(session=session)
    with commit():
        services.recommendation_route(recommendation=recommendation, by=office_user,
                                      lead_department=department_a)
    recommendation.refresh_from_db()
    assert recommendation.status == "routed" and receiver.received == []


# The scope matrix --------------------------------------------------------------------------

@pytest.fixture
def matrix(receiver, session, office_user, other_office_user, admin_user_, department_a,
           department_b, province):
    """Subscriptions of the whole province P, of its bodies A and B, of province Q, and an
    administrator's of P: each to its own path of the receiver."""
    return {
        "p": _subscribe(office_user, receiver, "/p")[0],
        "p_a": _subscribe(office_user, receiver, "/p_a", department=department_a)[0],
        "p_b": _subscribe(office_user, receiver, "/p_b", department=department_b)[0],
        "q": _subscribe(other_office_user, receiver, "/q")[0],
        "admin_p": _subscribe(admin_user_, receiver, "/admin_p", province=province)[0],
    }


# Who of the standard cast reads, through the API, what each subscription is scoped to.
API_READER = {"p": "office_user", "p_a": "head_a", "p_b": "head_b", "q": "other_office_user",
              "admin_p": "office_user"}


def test_no_subscriber_receives_an_event_outside_its_scope(
        request, matrix, receiver, commit, client, session, office_user, head_a, head_b,
        other_office_user, department_a, department_b, ward_a_unit, other_province):
    for_a = factories.RecommendationFactory(session=session)
    for_b = factories.RecommendationFactory(session=session)
    directive = Directive.objects.create(session=session, text="Rà soát biên chế")
    directive.follow_ups.create(department=department_a)
    in_q = factories.RecommendationFactory(session__group__round__province=other_province)
    q_department = factories.DepartmentFactory(province=other_province)
    with commit():
        services.recommendation_route(recommendation=for_a, by=office_user,
                                      lead_department=department_a,
                                      cooperating_departments=[])
    with commit():
        services.recommendation_route(recommendation=for_b, by=office_user,
                                      lead_department=department_b)
    with commit():
        services.recommendation_accept(recommendation=for_a, by=head_a)
    with commit():
        _finalise(session, office_user)
    with commit():
        services.recommendation_route(recommendation=in_q, by=other_office_user,
                                      lead_department=q_department)

    expected = {
        "p": {("recommendation.routed", for_a.pk), ("recommendation.routed", for_b.pk),
              ("recommendation.accepted", for_a.pk), ("session.finalised", session.pk),
              ("directive.given", directive.pk)},
        "p_a": {("recommendation.routed", for_a.pk), ("recommendation.accepted", for_a.pk)},
        "p_b": {("recommendation.routed", for_b.pk)},
        "q": {("recommendation.routed", in_q.pk)},
    }
    expected["admin_p"] = expected["p"]
    for name, subscription in matrix.items():
        got = [(r.json["event"], r.json["object"]["id"]) for r in receiver.received
               if r.path == f"/{name}"]
        assert sorted(got) == sorted(expected[name]), name  # each once, nothing else
        assert all(r.signed_with(Subscription.objects.get(pk=subscription.pk).secret)
                   for r in receiver.received if r.path == f"/{name}")
        # What it received of the recommendations is what the API shows a user of its scope.
        client.force_login(request.getfixturevalue(API_READER[name]))
        api = {row["id"] for row in client.get("/api/v1/recommendations/").json()["results"]}
        assert {pk for event, pk in got if event.startswith("recommendation.")} <= api, name


def test_the_scope_is_checked_again_when_sending(receiver, commit, session, office_user,
                                                 department_a, settings):
    """An owner who lost the office's role between the write and the try: nothing is
    sent, and the log says why."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    _subscribe(office_user, receiver)
    recommendation = factories.RecommendationFactory(session=session)
    with commit():
        services.recommendation_route(recommendation=recommendation, by=office_user,
                                      lead_department=department_a)
    office_user.groups.remove(office_user.groups.get(name=roles.OFFICE_STAFF))
    delivery = Delivery.objects.get()
    assert deliver.call(delivery_id=delivery.pk) == "out of scope"
    delivery.refresh_from_db()
    assert receiver.received == [] and delivery.outcome == Delivery.FAILED
    assert delivery.last_error


def test_an_owner_who_lost_the_role_gets_no_new_deliveries(receiver, commit, session,
                                                           office_user, department_a,
                                                           admin_user_):
    _subscribe(office_user, receiver)
    office_user.groups.clear()
    recommendation = factories.RecommendationFactory(session=session)
    with commit():
        services.recommendation_route(recommendation=recommendation, by=admin_user_,
                                      lead_department=department_a)
    assert receiver.received == [] and not Delivery.objects.exists()


def test_nothing_is_sent_inside_the_demo_loader(receiver, commit, session, office_user,
                                                department_a):
    from communes.mail import muted

    _subscribe(office_user, receiver)
    with commit(), muted():
        services.recommendation_route(
            recommendation=factories.RecommendationFactory(session=session), by=office_user,
            lead_department=department_a)
    assert receiver.received == []
