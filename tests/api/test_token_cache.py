"""The API's authentication keeps the token it reads in the cache (a query and a join fewer
per request), and still refuses a revoked token at once."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from communes.models import ApiToken
from communes.services import api_token_create, api_token_revoke

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("real_cache")]


def read(client, secret):
    return client.get(reverse("api:recommendation-list"), HTTP_AUTHORIZATION=f"Bearer {secret}")


@pytest.fixture
def made(head_a, commit):
    with commit():
        return api_token_create(user=head_a, name="Kho dữ liệu")


def test_a_kept_token_needs_no_query(client, made, count_queries):
    assert read(client, made[1]).status_code == 200
    assert count_queries(lambda: read(client, made[1])) == 0  # token and answer kept


@pytest.mark.parametrize("how", ["service", "admin"])
def test_a_revoked_token_is_refused_at_once_though_it_was_kept(client, head_a, made, commit,
                                                               how):
    token, secret = made
    assert read(client, secret).status_code == 200
    with commit():
        if how == "service":
            api_token_revoke(token=token, by=head_a)
        else:  # an administrator's save in Django admin
            token.revoked_at = timezone.now()
            token.save()
    assert read(client, secret).status_code == 401


def test_a_deleted_token_is_refused_at_once(client, made, commit):
    token, secret = made
    assert read(client, secret).status_code == 200
    with commit():
        ApiToken.objects.get(pk=token.pk).delete()
    assert read(client, secret).status_code == 401


def test_a_deactivated_user_is_refused_at_once(client, head_a, made, commit):
    assert read(client, made[1]).status_code == 200
    with commit():
        head_a.is_active = False
        head_a.save()
    assert read(client, made[1]).status_code == 401


def test_a_guessed_token_leaves_nothing_in_the_cache(client, made):
    assert read(client, made[1]).status_code == 200
    keys_before = set(cache._cache.keys())
    assert read(client, ApiToken.PREFIX + "0" * 40).status_code == 401
    assert set(cache._cache.keys()) == keys_before


def test_a_token_revoked_without_a_signal_is_refused_at_its_next_use_check(client, made,
                                                                          monkeypatch):
    token, secret = made
    assert read(client, secret).status_code == 200  # kept
    # update() sends no signal: the kept token's version does not move.
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    monkeypatch.setattr("communes.services.TOKEN_USE_PRECISION", datetime.timedelta(0))
    assert read(client, secret).status_code == 401
    assert read(client, secret).status_code == 401  # and no longer kept
