"""Personal API tokens: made on the user's own page and shown once, stored as a digest, their
last use shown, revoked at once; each with its own allowance of requests."""

import pytest
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone

from communes.models import ApiToken


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
