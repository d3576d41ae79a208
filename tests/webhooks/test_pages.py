"""The webhook pages: who opens them (the rest is in tests/test_permission_matrix.py), the
secret shown once, the form's refusals, the log's filters and query count, redelivery."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from communes.audit import AuditEvent
from communes.models import Department
from recommendations.webhooks import services
from recommendations.webhooks.models import Delivery, Subscription
from tests import factories


@pytest.fixture
def subscription(office_user):
    return services.subscription_create(
        by=office_user, province=office_user.profile.province, name="LGSP",
        url="http://127.0.0.1:9/hook", events=["recommendation.routed"])[0]


def _deliveries(subscription, count, **fields):
    Delivery.objects.bulk_create(
        Delivery(subscription=subscription, event=fields.get("event", "recommendation.routed"),
                 object_type="recommendation", object_id=number, payload={},
                 last_status_code=fields.get("status"),
                 delivered_at=fields.get("delivered_at"), attempts=1)
        for number in range(count))


def test_the_office_makes_a_subscription_and_sees_its_secret_once(client, office_user,
                                                                  department_a):
    client.force_login(office_user)
    response = client.post(reverse("webhooks:list"), {
        "name": "Nền tảng LGSP", "url": "https://lgsp.langson.gov.vn/hooks/kiennghi",
        "department": department_a.pk,
        "events": ["recommendation.routed", "recommendation.resolved"]})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    subscription = Subscription.objects.get()
    assert subscription.secret in response.content.decode()
    assert (subscription.province, subscription.department, subscription.owner) == (
        office_user.profile.province, department_a, office_user)
    assert subscription.events == ["recommendation.routed", "recommendation.resolved"]
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.WEBHOOK_SECRET_MADE).count() == 1
    for url in (reverse("webhooks:list"), reverse("webhooks:detail", args=[subscription.pk])):
        assert subscription.secret not in client.get(url).content.decode()
    # A new secret replaces it, shown once too.
    response = client.post(reverse("webhooks:new_secret", args=[subscription.pk]))
    subscription.refresh_from_db()
    assert subscription.secret in response.content.decode()


@pytest.mark.parametrize("url", ["ftp://lgsp.vn/hook", "javascript:alert(1)", "lgsp", ""])
def test_an_address_that_is_not_http_is_refused_and_the_form_kept(client, office_user, url):
    client.force_login(office_user)
    response = client.post(reverse("webhooks:list"), {
        "name": "Nền tảng LGSP", "url": url, "events": ["recommendation.routed"]})
    assert response.status_code == 400
    assert 'value="Nền tảng LGSP"' in response.content.decode()
    assert not Subscription.objects.exists()


def test_no_event_chosen_is_refused(client, office_user):
    client.force_login(office_user)
    response = client.post(reverse("webhooks:list"), {"name": "LGSP",
                                                      "url": "https://lgsp.vn/hook"})
    assert response.status_code == 400 and not Subscription.objects.exists()


def test_a_private_address_is_refused_when_the_setting_says_so(client, office_user, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    client.force_login(office_user)
    for url in ("http://127.0.0.1:8000/hook", "http://10.0.0.5/hook", "http://[::1]/hook",
                "http://localhost/hook"):
        response = client.post(reverse("webhooks:list"), {
            "name": "LGSP", "url": url, "events": ["recommendation.routed"]})
        assert response.status_code == 400, url
    assert not Subscription.objects.exists()


def test_another_provinces_body_is_refused(client, admin_user_, province, other_province):
    foreign = factories.DepartmentFactory(province=other_province)
    client.force_login(admin_user_)
    response = client.post(reverse("webhooks:list"), {
        "province": province.pk, "name": "LGSP", "url": "https://lgsp.vn/hook",
        "department": foreign.pk, "events": ["recommendation.routed"]})
    assert response.status_code == 400 and not Subscription.objects.exists()


def test_office_staff_see_only_their_provinces_subscriptions(client, subscription,
                                                             other_office_user, admin_user_):
    # By its link: the page's own words (in Vietnamese) name the LGSP too.
    link = reverse("webhooks:detail", args=[subscription.pk])
    client.force_login(other_office_user)
    assert link not in client.get(reverse("webhooks:list")).content.decode()
    assert client.get(reverse("webhooks:detail", args=[subscription.pk])).status_code == 404
    delivery = Delivery.objects.create(subscription=subscription, event="recommendation.routed",
                                       object_type="recommendation", object_id=1, payload={})
    assert client.post(reverse("webhooks:redeliver", args=[delivery.pk])).status_code == 404
    client.force_login(admin_user_)
    assert link in client.get(reverse("webhooks:list")).content.decode()


def test_the_log_filters_and_its_queries_do_not_grow(client, office_user, subscription,
                                                     count_queries):
    from django.utils import timezone

    client.force_login(office_user)
    url = reverse("webhooks:detail", args=[subscription.pk])
    _deliveries(subscription, 3, status=200, delivered_at=timezone.now())
    few = count_queries(lambda: client.get(url))
    _deliveries(subscription, 40, status=500, event="recommendation.resolved")
    assert count_queries(lambda: client.get(url)) == few
    assert count_queries(lambda: client.get(url, {"page": 2})) == few
    page = client.get(url, {"outcome": "delivered"}).content.decode()
    assert page.count('data-outcome="delivered"') == 3 and 'data-outcome="failed"' not in page
    page = client.get(url, {"event": "recommendation.resolved"}).content.decode()
    assert page.count('data-outcome="failed"') == 25  # a page of them
    # A value the filter does not know shows everything, not an error.
    assert client.get(url, {"outcome": "?", "page": "x"}).status_code == 200


def test_redelivery_queues_the_same_delivery_again(client, office_user, subscription,
                                                   django_capture_on_commit_callbacks):
    client.force_login(office_user)
    Delivery.objects.create(subscription=subscription, event="recommendation.routed",
                            object_type="recommendation", object_id=1, payload={},
                            attempts=3, last_status_code=500)
    delivery = Delivery.objects.get()
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(reverse("webhooks:redeliver", args=[delivery.pk]))
    assert response.status_code == 302 and len(queued) == 1
    delivery.refresh_from_db()
    assert delivery.outcome == Delivery.PENDING


def test_pause_resume_and_delete(client, office_user, subscription):
    client.force_login(office_user)
    client.post(reverse("webhooks:pause", args=[subscription.pk]))
    subscription.refresh_from_db()
    assert not subscription.active and subscription.pause_reason == "manual"
    client.post(reverse("webhooks:resume", args=[subscription.pk]))
    subscription.refresh_from_db()
    assert subscription.active
    # Deleting asks first.
    response = client.post(reverse("webhooks:delete", args=[subscription.pk]))
    assert response.status_code == 200 and Subscription.objects.exists()
    response = client.post(reverse("webhooks:delete", args=[subscription.pk]),
                           {"confirm": "yes"})
    assert response.status_code == 302 and not Subscription.objects.exists()


def test_an_edit_keeps_the_secret(client, office_user, subscription):
    secret = subscription.secret
    client.force_login(office_user)
    response = client.post(reverse("webhooks:detail", args=[subscription.pk]), {
        "name": "LGSP mới", "url": "https://lgsp.vn/v2", "events": ["session.finalised"]})
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert (subscription.name, subscription.url, subscription.events, subscription.secret) == (
        "LGSP mới", "https://lgsp.vn/v2", ["session.finalised"], secret)

    # Where the province's data goes, and what, is a change the audit log keeps; so are a
    # pause, a resumption and a deletion.
    client.post(reverse("webhooks:pause", args=[subscription.pk]))
    client.post(reverse("webhooks:resume", args=[subscription.pk]))
    client.post(reverse("webhooks:delete", args=[subscription.pk]), {"confirm": "yes"})
    changes = AuditEvent.objects.filter(kind=AuditEvent.Kind.SETTINGS_CHANGED).order_by("at", "pk")
    assert [(e.details["change"], e.object_id, e.actor_id) for e in changes] == [
        (change, str(subscription.pk), office_user.pk)
        for change in ("edited", "paused", "resumed", "deleted")]
    assert changes[0].details["changed"] == {
        "url": ["http://127.0.0.1:9/hook", "https://lgsp.vn/v2"],
        "events": [["recommendation.routed"], ["session.finalised"]]}


def test_office_staff_without_a_province_have_nothing_to_subscribe_to(client, db):
    from communes import roles

    lost = factories.profile(factories.UserFactory(username="office.nowhere",
                                                   role=roles.OFFICE_STAFF))
    client.force_login(lost)
    assert client.get(reverse("webhooks:list")).status_code == 403
    assert client.post(reverse("webhooks:list"), {
        "name": "LGSP", "url": "https://lgsp.vn/h",
        "events": ["recommendation.routed"]}).status_code == 403


def test_an_administrator_moves_a_subscription_to_another_province(client, admin_user_,
                                                                   subscription,
                                                                   other_province):
    client.force_login(admin_user_)
    response = client.post(reverse("webhooks:detail", args=[subscription.pk]), {
        "province": other_province.pk, "name": "LGSP", "url": "https://lgsp.vn/h",
        "events": ["recommendation.routed"]})
    assert response.status_code == 302
    subscription.refresh_from_db()
    # Who moved it owns it now: the office of the first province may not read the other.
    assert (subscription.province, subscription.owner) == (other_province, admin_user_)


def test_the_service_refuses_a_province_or_body_not_the_offices(office_user, other_province,
                                                                 department_a):
    """The pages offer nothing else; the service is the last guard all the same."""
    with pytest.raises(PermissionDenied):
        services.subscription_create(by=office_user, province=other_province, name="X",
                                     url="https://x.vn/h", events=["recommendation.routed"])
    elsewhere = Department.objects.create(province=other_province, name="Sở Tư pháp khác")
    with pytest.raises(PermissionDenied):
        services.subscription_create(by=office_user, province=office_user.profile.province,
                                     name="X", url="https://x.vn/h",
                                     events=["recommendation.routed"], department=elsewhere)
    assert services.subscription_create(
        by=office_user, province=office_user.profile.province, name="X", url="https://x.vn/h",
        events=["recommendation.routed"], department=department_a)[0].pk


def test_a_province_that_is_no_id_is_refused_not_a_server_error(client, admin_user_):
    client.force_login(admin_user_)
    response = client.post(reverse("webhooks:list"), {
        "province": "abc", "name": "LGSP", "url": "https://lgsp.example.vn/hooks",
        "events": ["recommendation.routed"]})
    assert response.status_code == 400  # the form again, with its errors
    assert response.context["form"].errors["province"]
    assert 'value="LGSP"' in response.content.decode()  # what was typed is kept
