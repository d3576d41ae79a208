"""Personal API tokens: made on the user's own page and shown once, stored as a digest, their
last use shown, revoked at once; each with its own allowance of requests."""

import datetime
from importlib import import_module
from unittest import mock

import pytest
from django.apps import apps
from django.contrib.admin import site
from django.core.cache import caches
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from communes import roles
from communes.forms import PersonForm
from communes.models import ApiToken
from communes.services import api_token_create, api_token_revoke, person_save


@pytest.mark.django_db
def test_a_user_makes_a_token_sees_it_once_and_reads_the_api_with_it(client, head_a, world):
    client.force_login(head_a)
    page = client.get(reverse("recommendations:home"), follow=True)
    assert reverse("recommendations:api_tokens").encode() in page.content  # in the header
    made = client.post(reverse("recommendations:api_tokens"), {"name": "Kho dữ liệu"})
    assert made.status_code == 200 and made["Cache-Control"] == "no-store"
    secret = made.context["secret"]
    assert secret.startswith(ApiToken.PREFIX) and secret.encode() in made.content
    token = ApiToken.objects.get(user=head_a)
    assert secret not in (token.digest, token.key_start) and token.digest == ApiToken.digest_of(
        secret)
    assert secret.encode() not in client.get(reverse("recommendations:api_tokens")).content
    assert token.last_used_at is None

    client.logout()
    answer = client.get(reverse("api:recommendation-list"),
                        HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert answer.status_code == 200
    assert [r["id"] for r in answer.json()["results"]] == [world["recommendation"].pk]
    token.refresh_from_db()
    assert token.last_used_at is not None

    client.force_login(head_a)
    listed = client.get(reverse("recommendations:api_tokens"))
    assert "Kho dữ liệu" in listed.content.decode()
    assert "chưa dùng" not in listed.content.decode()  # its last use is shown instead
    revoked = client.post(reverse("recommendations:api_token_revoke", args=[token.pk]))
    assert revoked.status_code == 302
    client.logout()
    refused = client.get(reverse("api:recommendation-list"),
                         HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert refused.status_code == 401
    assert refused.json()["detail"] == (
        "Mã truy cập API này không hợp lệ: nhập sai hoặc đã bị thu hồi.")


@pytest.mark.django_db
def test_a_token_needs_a_name(client, office_user):
    client.force_login(office_user)
    response = client.post(reverse("recommendations:api_tokens"), {"name": ""})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_nobody_revokes_someone_elses_token(client, head_a, head_b, token_of):
    token_of(head_a)
    token = ApiToken.objects.get(user=head_a)
    client.force_login(head_b)
    assert client.post(reverse("recommendations:api_token_revoke",
                               args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.django_db
def test_last_use_is_written_at_most_once_a_minute(client, office_user, token_of,
                                                   django_assert_num_queries):
    header = token_of(office_user)
    url = reverse("api:category-list")
    client.get(url, HTTP_AUTHORIZATION=header)
    first = ApiToken.objects.get().last_used_at
    client.get(url, HTTP_AUTHORIZATION=header)
    assert ApiToken.objects.get().last_used_at == first
    ApiToken.objects.update(last_used_at=first - timezone.timedelta(minutes=2))
    client.get(url, HTTP_AUTHORIZATION=header)
    assert ApiToken.objects.get().last_used_at > first


@pytest.mark.django_db
def test_a_deactivated_users_token_stops_working(client, office_user, token_of):
    header = token_of(office_user)
    office_user.is_active = False
    office_user.save()
    assert client.get(reverse("api:category-list"),
                      HTTP_AUTHORIZATION=header).status_code == 401


@pytest.fixture
def counting_cache(settings):
    """A real cache, so that the throttle counts (tests otherwise use a dummy cache)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "api-throttle"}}
    settings.API_THROTTLE_RATE = "3/minute"
    yield
    caches["default"].clear()


@pytest.mark.django_db
def test_each_token_has_its_own_allowance(client, office_user, token_of, counting_cache):
    first, second = token_of(office_user), token_of(office_user)
    url = reverse("api:category-list")
    assert [client.get(url, HTTP_AUTHORIZATION=first).status_code for _ in range(4)] == [
        200, 200, 200, 429]
    throttled = client.get(url, HTTP_AUTHORIZATION=first)
    assert int(throttled["Retry-After"]) > 0
    assert throttled["Content-Type"] == "application/problem+json"
    assert throttled.json()["status"] == 429
    assert client.get(url, HTTP_AUTHORIZATION=second).status_code == 200


@pytest.mark.django_db
def test_a_reactivated_users_old_tokens_stay_revoked(client, office_user, province, token_of):
    """Deactivation on the office's people page revokes the user's tokens: reactivating the
    account (the probe did) no longer brings them back."""
    header = token_of(office_user)
    url = reverse("api:category-list")

    def save_active(active):
        form = PersonForm({"username": office_user.username, "email": "office@example.vn",
                           "is_active": active, "full_name": "Nguyễn Văn A",
                           "role": roles.OFFICE_STAFF}, instance=office_user, province=province)
        assert form.is_valid(), form.errors
        person_save(form=form, province=province, by=office_user)

    save_active(False)
    assert ApiToken.objects.get(user=office_user).revoked_at is not None
    save_active(True)
    assert client.get(url, HTTP_AUTHORIZATION=header).status_code == 401
    # A token made after the reactivation works.
    assert client.get(url, HTTP_AUTHORIZATION=token_of(office_user)).status_code == 200


@pytest.mark.django_db
def test_deactivating_in_django_admin_revokes_the_tokens(client, office_user, token_of,
                                                         django_user_model):
    header = token_of(office_user)
    admin = django_user_model.objects.create_superuser("quantri", "qt@example.vn", "x")
    request = RequestFactory().post("/")
    request.user = admin
    office_user.is_active = False
    model_admin = site._registry[django_user_model]
    model_admin.save_model(request, office_user, form=None, change=True)
    office_user.is_active = True
    model_admin.save_model(request, office_user, form=None, change=True)
    assert client.get(reverse("api:category-list"),
                      HTTP_AUTHORIZATION=header).status_code == 401


@pytest.mark.django_db
def test_a_token_expires_after_the_maximum_age(client, office_user, settings):
    settings.API_TOKEN_MAX_AGE_DAYS = 30
    token, secret = api_token_create(user=office_user, name="Kho dữ liệu")
    assert token.expires_at == token.created_at + datetime.timedelta(days=30)
    url, header = reverse("api:category-list"), f"Bearer {secret}"
    assert client.get(url, HTTP_AUTHORIZATION=header).status_code == 200
    revoked_token, revoked_secret = api_token_create(user=office_user, name="Cũ")
    api_token_revoke(token=revoked_token, by=office_user)
    revoked = client.get(url, HTTP_AUTHORIZATION=f"Bearer {revoked_secret}")
    # The day after it expired (the token is kept in the cache meanwhile: it must not help).
    later = token.expires_at + datetime.timedelta(seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        expired = client.get(url, HTTP_AUTHORIZATION=header)
    assert expired.status_code == 401
    assert expired.json() == {**revoked.json()}
    assert expired["WWW-Authenticate"] == revoked["WWW-Authenticate"]
    # Its owner's page says when each expires, and which has (with no button to revoke it).
    expired_token, _secret = api_token_create(user=office_user, name="Hết hạn")
    ApiToken.objects.filter(pk=expired_token.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1))
    client.force_login(office_user)
    page = client.get(reverse("recommendations:api_tokens"))
    rows = {r.pk: r for r in page.context["tokens"]}
    assert not rows[token.pk].expired and rows[expired_token.pk].expired
    assert date_format(timezone.localtime(token.expires_at), "SHORT_DATETIME_FORMAT") in \
        page.content.decode()
    assert reverse("recommendations:api_token_revoke", args=[token.pk]) in page.content.decode()
    assert reverse("recommendations:api_token_revoke", args=[expired_token.pk]) not in \
        page.content.decode()


@pytest.mark.django_db
def test_without_a_maximum_age_a_token_does_not_expire(client, office_user, settings):
    settings.API_TOKEN_MAX_AGE_DAYS = 0
    token, secret = api_token_create(user=office_user, name="Kho dữ liệu")
    assert token.expires_at is None
    with mock.patch("django.utils.timezone.now",
                    return_value=timezone.now() + datetime.timedelta(days=3650)):
        assert client.get(reverse("api:category-list"),
                          HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200


@pytest.mark.django_db
def test_the_migration_gives_old_tokens_an_expiry_and_revokes_those_of_inactive_users(
        office_user, head_a, settings):
    settings.API_TOKEN_MAX_AGE_DAYS = 180
    made = timezone.now() - datetime.timedelta(days=200)
    old, _secret = api_token_create(user=office_user, name="Cũ")
    of_a_leaver, _secret = api_token_create(user=head_a, name="Của người đã nghỉ")
    ApiToken.objects.update(created_at=made, expires_at=None)
    type(head_a).objects.filter(pk=head_a.pk).update(is_active=False)
    import_module("communes.migrations.0014_existing_api_tokens_expire").forwards(apps, None)
    old.refresh_from_db()
    of_a_leaver.refresh_from_db()
    assert old.expires_at == made + datetime.timedelta(days=180) and old.expired
    assert old.revoked_at is None
    assert of_a_leaver.revoked_at is not None
