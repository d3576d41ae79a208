"""Whole pages kept in the cache (communes/pages.py): each reader gets their own name, id and
CSRF token, no page crosses scopes, messages are never kept, a write renews the page."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from communes import roles
from communes.pages import placeholders
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("real_cache")]


@pytest.fixture
def colleague(province):
    """A second office staff member of province P, with a name of her own."""
    user = factories.UserFactory(username="office.two", first_name="Hoàng Thị", last_name="Mai",
                                 role=roles.OFFICE_STAFF)
    return factories.profile(user, province=province)


def logged_in(user, **kwargs):
    client = Client(**kwargs)
    client.force_login(user)
    return client


def csrf_token_of(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_a_kept_page_is_served_with_the_readers_own_name_id_and_token(
        office_user, colleague, province, count_queries, commit):
    with commit():
        factories.SessionFactory(group__round__province=province)
    first = logged_in(office_user).get("/").content.decode()
    client = logged_in(colleague, enforce_csrf_checks=True)
    client.get(reverse("password_change"))  # the user is read once, then kept (backends.py)
    response = None

    def read():
        nonlocal response
        response = client.get("/")

    # Served from the cache: not one query (the session and the user are in the cache too).
    assert count_queries(read) == 0
    page = response.content.decode()
    assert "Hoàng Thị Mai" in page and f'data-user-id="{colleague.pk}"' in page
    assert office_user.username not in page.split("<main", 1)[0]
    assert not any(mark in page for mark in placeholders().values())
    assert page.replace("Hoàng Thị Mai", "").count("csrfmiddlewaretoken") == 2
    assert first.split("<main", 1)[1] == page.split("<main", 1)[1]  # the same page body
    # Its forms carry a token this session accepts: the logout form works.
    logout = client.post(reverse("logout"), {"csrfmiddlewaretoken": csrf_token_of(page)})
    assert logout.status_code == 302


def test_text_that_looks_like_a_placeholder_is_shown_as_typed(office_user, province, commit):
    typed = "portal-csrf-0123456789abcdef01234567"
    with commit():
        recommendation = factories.RecommendationFactory(
            session__group__round__province=province, text=typed)
    url = reverse("recommendations:detail", args=[recommendation.pk])
    page = logged_in(office_user).get(url).content.decode()
    assert typed in page


def test_pages_of_one_province_are_not_served_in_another(office_user, other_office_user,
                                                         province, other_province, commit):
    with commit():
        factories.RecommendationFactory(session__group__round__province=province,
                                        text="Kiến nghị của tỉnh P")
    assert "tỉnh P" in logged_in(office_user).get("/recommendations/").content.decode()
    assert "tỉnh P" not in logged_in(other_office_user).get("/recommendations/").content.decode()


def test_a_write_renews_the_kept_page(office_user, colleague, province, commit):
    with commit():
        recommendation = factories.RecommendationFactory(
            session__group__round__province=province, text="Kiến nghị về biên chế")
    url = recommendation.session.get_absolute_url()
    assert "Kiến nghị mới thêm" not in logged_in(office_user).get(url).content.decode()
    with commit():
        factories.RecommendationFactory(session=recommendation.session, text="Kiến nghị mới thêm")
    assert "Kiến nghị mới thêm" in logged_in(colleague).get(url).content.decode()


def test_a_message_is_shown_once_and_never_kept(head_a, staff_a, routed_to_a, commit):
    recommendation = routed_to_a
    url = reverse("recommendations:detail", args=[recommendation.pk])
    client = logged_in(head_a)
    client.get(url)  # the page is kept
    with commit():
        response = client.post(reverse("recommendations:act", args=[recommendation.pk, "accept"]),
                               {}, follow=True)
    done = "Đã thực hiện"
    assert done in response.content.decode()  # shown once, on the page it leads back to
    assert done not in client.get(url).content.decode()
    assert done not in logged_in(staff_a).get(url).content.decode()


def test_a_page_the_role_may_not_open_is_refused_before_the_cache_is_read(
        office_user, head_a, province, commit):
    logged_in(office_user).get(reverse("recommendations:dashboard"))  # kept for the office
    assert logged_in(head_a).get(reverse("recommendations:dashboard")).status_code == 403


def test_an_object_outside_the_scope_is_404_even_when_kept_for_another(head_a, head_b,
                                                                       routed_to_a):
    url = reverse("recommendations:detail", args=[routed_to_a.pk])
    assert logged_in(head_a).get(url).status_code == 200
    assert logged_in(head_b).get(url).status_code == 404


def test_a_page_kept_under_another_secret_key_is_not_served(office_user, province, settings,
                                                            commit):
    client = logged_in(office_user)
    client.get("/")  # kept with this key's placeholders
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]  # a rotation keeps sessions valid
    settings.SECRET_KEY = "another-secret-key-for-this-test-0123456789-abcdefghijklmnop"
    page = client.get("/").content.decode()
    assert "portal-csrf-" not in page and "portal-name-" not in page
    assert office_user.username in page


def test_a_kept_page_is_dropped_when_what_replaces_it_may_not_be_kept(commit):
    from django.core.cache import cache

    from communes.cache import fresh_or_recomputed

    def keep(value):
        return value == "page"

    fresh_or_recomputed("portal:test", ("v1",), lambda: "page", stale_ok=True, keep=keep)
    assert fresh_or_recomputed("portal:test", ("v2",), lambda: "not found", stale_ok=True,
                               keep=keep) == "not found"
    # Requests that find the lock taken would otherwise be served the old page.
    assert cache.get("portal:test") is None
