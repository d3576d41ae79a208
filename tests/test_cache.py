"""Cached figures (communes/cache.py) are never served after the data under them changed."""

import time

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communes.cache import GLOBAL, NATIONAL, cached, data_changed, versions
from recommendations import services
from recommendations.models import Recommendation, Status
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("real_cache")]


def data_version():
    """The global and the national version: every write moves one of them."""
    return versions((GLOBAL, NATIONAL))


def total_on_dashboard(client):
    response = client.get(reverse("recommendations:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    # The first card holds the total.
    return int(html.split('<span class="n">', 1)[1].split("<", 1)[0].replace(".", ""))


def test_a_change_moves_the_version_on_only_once_it_commits(commit, province):
    before = data_version()
    with commit():
        factories.RecommendationFactory(session__group__round__province=province)
        assert data_version() == before  # not committed yet
    assert data_version() != before


def test_a_change_rolled_back_keeps_the_version(province):
    before = data_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        factories.RecommendationFactory(session__group__round__province=province)
        raise RuntimeError
    assert data_version() == before


def test_bulk_writes_invalidate_through_data_changed(commit):
    computed = []
    first = cached("test", ("a",), lambda: computed.append(1) or len(computed))
    assert cached("test", ("a",), lambda: computed.append(1) or len(computed)) == first
    with commit():
        data_changed()
        data_changed()
    assert cached("test", ("a",), lambda: computed.append(1) or len(computed)) == 2


def test_the_dashboard_follows_each_lifecycle_step(client, leader, office_user, head_a,
                                                   department_a, commit, settings):
    session = factories.SessionFactory(group__round__province=leader.profile.province)
    client.force_login(leader)
    assert total_on_dashboard(client) == 0

    with commit():
        recommendation = factories.RecommendationFactory(session=session)
    assert total_on_dashboard(client) == 1
    page = client.get(reverse("recommendations:dashboard")).content.decode()
    assert f'status={Status.ROUTED}">0<' in page

    with commit():
        services.recommendation_route(recommendation=recommendation,
                                      lead_department=department_a, by=office_user)
    page = client.get(reverse("recommendations:dashboard")).content.decode()
    assert f'status={Status.ROUTED}">1<' in page

    with commit():
        recommendation.delete()
    assert total_on_dashboard(client) == 0


def test_cached_dashboards_are_kept_apart_by_province_and_language(
        client, leader, other_province, commit):
    other_leader = factories.profile(factories.UserFactory(username="leader.other",
                                                           role="Lãnh đạo tỉnh"),
                                     province=other_province)
    with commit():
        for _ in range(3):
            factories.RecommendationFactory(session__group__round__province=other_province)
    client.force_login(leader)
    assert total_on_dashboard(client) == 0
    client.force_login(other_leader)
    assert total_on_dashboard(client) == 3
    assert Recommendation.objects.count() == 3
    client.cookies["django_language"] = "en"
    assert "By status" in client.get(reverse("recommendations:dashboard")).content.decode()


def test_the_home_page_shows_a_new_session_once_it_is_saved(client, office_user, province,
                                                            commit):
    with commit():
        group = factories.GroupFactory(round__province=province, number=7)
    client.force_login(office_user)
    before = client.get("/").content.decode()
    with commit():
        session = factories.SessionFactory(group=group, venue="Hội trường xã")
    after = client.get("/").content.decode()
    assert session.get_absolute_url() not in before
    assert session.get_absolute_url() in after


def routed_to(department, text, commit, office_user):
    with commit():
        recommendation = factories.RecommendationFactory(
            session__group__round__province=department.province, text=text)
        services.recommendation_route(recommendation=recommendation,
                                      lead_department=department, by=office_user)
    return recommendation


@pytest.mark.parametrize("path", ["/inbox/", "/recommendations/", "/search/?q=kien+nghi"])
def test_cached_lists_are_kept_apart_by_department(client, path, head_a, head_b, department_a,
                                                   department_b, office_user, commit):
    routed_to(department_a, "Kiến nghị của sở A", commit, office_user)
    routed_to(department_b, "Kiến nghị của sở B", commit, office_user)
    client.force_login(head_a)
    page_a = client.get(path).content.decode()
    client.force_login(head_b)
    page_b = client.get(path).content.decode()
    assert "sở A" in page_a and "sở B" not in page_a
    assert "sở B" in page_b and "sở A" not in page_b


def test_cached_lists_follow_a_lifecycle_step_and_a_new_item(client, head_a, department_a,
                                                            office_user, leader, commit):
    recommendation = routed_to(department_a, "Kiến nghị về biên chế", commit, office_user)
    client.force_login(head_a)
    assert "Kiến nghị về biên chế" in client.get("/inbox/?tab=new").content.decode()
    with commit():
        services.recommendation_accept(recommendation=recommendation, by=head_a)
    assert "Kiến nghị về biên chế" not in client.get("/inbox/?tab=new").content.decode()
    assert "Kiến nghị về biên chế" in client.get("/inbox/?tab=in_progress").content.decode()

    client.force_login(leader)
    session_page = recommendation.session.get_absolute_url()
    assert "Kiến nghị mới thêm" not in client.get(session_page).content.decode()
    with commit():
        factories.RecommendationFactory(session=recommendation.session, text="Kiến nghị mới thêm")
    page = client.get(session_page).content.decode()
    assert "Kiến nghị mới thêm" in page and '<span class="count">2</span>' in page
    listed = client.get("/recommendations/?status=accepted").content.decode()
    assert "Kiến nghị về biên chế" in listed


def test_the_inbox_opens_on_its_most_urgent_tab_with_counts_that_follow_each_write(
        client, head_a, department_a, office_user, commit):
    """The inbox's counts are kept once for all its pages; the tab it opens on (the first
    that holds work) and the counts follow a write."""
    import datetime

    routed_to(department_a, "Kiến nghị còn hạn", commit, office_user)
    client.force_login(head_a)
    page = client.get("/inbox/")
    assert page.context["tab"] == "new" and "Kiến nghị còn hạn" in page.content.decode()
    with commit():
        late = factories.RecommendationFactory(
            session__group__round__province=department_a.province, text="Kiến nghị quá hạn")
        services.recommendation_route(recommendation=late, lead_department=department_a,
                                      by=office_user, due_date=datetime.date(2020, 1, 2))
    page = client.get("/inbox/").content.decode()
    assert "Kiến nghị quá hạn" in page and "Kiến nghị còn hạn" not in page
    counts = client.get("/inbox/?tab=all").context["tabs"]
    assert {name: count for name, _label, count in counts} == {
        "overdue": 1, "due_soon": 0, "new": 1, "in_progress": 0, "done": 0, "all": 2}


def test_a_new_order_of_the_bodies_shows_in_the_cached_filters_at_once(
        client, office_user, department_a, department_b, commit):
    from communes.services import departments_reorder

    client.force_login(office_user)

    def offered():
        page = client.get("/recommendations/").content.decode()
        return page.index(department_a.name) < page.index(department_b.name)

    assert not offered()  # alphabetical: Khoa học before Nội vụ
    with commit():
        departments_reorder(province=department_a.province, order=[department_a, department_b],
                            by=office_user)
    assert offered()


def test_a_recommendations_cached_facts_and_timeline_show_each_new_step(
        client, head_a, department_a, office_user, commit):
    recommendation = routed_to(department_a, "Kiến nghị về biên chế", commit, office_user)
    client.force_login(head_a)
    url = reverse("recommendations:detail", args=[recommendation.pk])
    page = client.get(url).content.decode()
    steps = page.count('class="timeline-step"')
    assert "status-routed" in page
    with commit():
        services.recommendation_accept(recommendation=recommendation, by=head_a)
    page = client.get(url).content.decode()
    assert page.count('class="timeline-step"') == steps + 1
    assert "status-accepted" in page and "status-routed" not in page


def test_a_login_leaves_the_cache_alone_but_a_new_colleague_does_not(client, head_a, commit):
    before = data_version()
    with commit():
        client.force_login(head_a)
    assert data_version() == before
    with commit():
        factories.UserFactory(username="new.colleague")
    assert data_version() != before


def test_a_user_with_two_roles_shares_no_cached_search_with_a_department_user(
        client, head_a, department_a, commit):
    from django.contrib.auth.models import Group

    from communes import roles
    from inspections.models import Difficulty

    two_roles = factories.profile(
        factories.UserFactory(username="leader.and.staff", role=roles.LEADER),
        province=department_a.province, department=department_a)
    two_roles.groups.add(Group.objects.get(name=roles.DEPARTMENT_STAFF))
    with commit():
        Difficulty.objects.create(
            session=factories.SessionFactory(group__round__province=department_a.province),
            category=factories.CategoryFactory(), text="Khó khăn về trụ sở làm việc")
    client.force_login(two_roles)
    assert "Khó khăn về trụ sở" in client.get("/search/?q=tru+so").content.decode()
    client.force_login(head_a)
    assert "Khó khăn về trụ sở" not in client.get("/search/?q=tru+so").content.decode()


def test_a_department_sees_what_it_co_operates_on_once_routed(client, head_b, department_a,
                                                             department_b, office_user, commit):
    client.force_login(head_b)
    assert "Kiến nghị chung hai sở" not in client.get("/inbox/?tab=all").content.decode()
    with commit():
        recommendation = factories.RecommendationFactory(
            session__group__round__province=department_a.province, text="Kiến nghị chung hai sở")
        services.recommendation_route(recommendation=recommendation, by=office_user,
                                      lead_department=department_a,
                                      cooperating_departments=[department_b])
    assert "Kiến nghị chung hai sở" in client.get("/inbox/?tab=all").content.decode()
    assert client.get(reverse("recommendations:detail",
                              args=[recommendation.pk])).status_code == 200


def test_page_links_in_a_cached_list_carry_only_the_keyed_filters(client, leader, province,
                                                                  commit):
    with commit():
        session = factories.SessionFactory(group__round__province=province)
        for n in range(30):
            factories.RecommendationFactory(session=session, text=f"Kiến nghị {n}")
    client.force_login(leader)

    def pagination(path):
        page = client.get(path).content.decode()
        return page[page.index('<nav class="pagination"'):]

    first = pagination("/recommendations/?status=new&stray=first-visitor")
    assert "stray" not in first and "status=new&amp;page=2" in first
    # The next visitor gets the cached part: nothing of the first visitor's address either.
    assert "stray" not in pagination("/recommendations/?status=new")


def test_a_write_in_one_province_leaves_anothers_cached_pages_valid(
        client, leader, other_province, province, commit):
    from communes.cache import version_names
    from communes.scope import scope

    mine = versions(version_names(scope(leader)))
    with commit():
        factories.RecommendationFactory(session__group__round__province=other_province)
    assert versions(version_names(scope(leader))) == mine
    national = versions((GLOBAL, NATIONAL))
    with commit():
        factories.RecommendationFactory(session__group__round__province=province)
    assert versions(version_names(scope(leader))) != mine
    assert versions((GLOBAL, NATIONAL)) != national


def test_a_stale_part_is_served_while_another_request_computes_it(commit, monkeypatch):
    from django.core.cache import cache

    from communes import cache as portal_cache
    from communes.cache import fresh_or_recomputed

    monkeypatch.setattr(portal_cache, "AWAIT_SECONDS", 0.05)
    computed = []

    def compute():
        computed.append(1)
        return len(computed)

    key = "portal:test:part"
    assert fresh_or_recomputed(key, ("v1",), compute, stale_ok=True) == 1
    assert fresh_or_recomputed(key, ("v1",), compute, stale_ok=True) == 1
    cache.add(f"{key}:recomputing", 1, 60)  # another request is computing it
    assert fresh_or_recomputed(key, ("v2",), compute, stale_ok=True) == 1  # the stale value
    # Never stale: it waits for the other request, which never stores it, then computes it.
    assert fresh_or_recomputed(key, ("v2",), compute, stale_ok=False) == 2
    cache.delete(key)
    assert fresh_or_recomputed(key, ("v2",), compute, stale_ok=True) == 3  # nothing to serve
    assert cache.get(f"{key}:recomputing") == 1  # not released by a request that never took it
    cache.delete(f"{key}:recomputing")
    assert fresh_or_recomputed(key, ("v3",), compute, stale_ok=True) == 4  # took the lock
    assert cache.get(f"{key}:recomputing") is None  # and gave it back
    # However long ago the stored value was computed, a burst of requests recomputes it once.
    cache.set(key, (("v3",), time.time() - 3600, 4))
    cache.add(f"{key}:recomputing", 1, 60)
    assert [fresh_or_recomputed(key, ("v4",), compute, stale_ok=True) for _ in range(3)] \
        == [4, 4, 4]
    assert len(computed) == 4


def test_a_request_waits_for_the_answer_another_is_computing(monkeypatch):
    from django.core.cache import cache

    from communes.cache import fresh_or_recomputed

    key, lock = "portal:test:answer", "portal:test:answer:recomputing"
    cache.set(key, (("v1",), time.time(), "old"))
    cache.add(lock, 1, 60)
    looks = []

    def the_other_request_stores_it(seconds):
        looks.append(seconds)
        if len(looks) == 3:
            cache.set(key, (("v2",), time.time(), "new"))
            cache.delete(lock)

    monkeypatch.setattr(time, "sleep", the_other_request_stores_it)
    assert fresh_or_recomputed(key, ("v2",), lambda: pytest.fail("computed twice"),
                               stale_ok=False) == "new"
    assert len(looks) == 3
    # One that lets go without storing the version asked for: the waiting request computes.
    cache.add(lock, 1, 60)
    looks.clear()
    monkeypatch.setattr(time, "sleep", lambda seconds: looks.append(seconds)
                        or cache.delete(lock))
    assert fresh_or_recomputed(key, ("v3",), lambda: "mine", stale_ok=False) == "mine"
    assert looks and cache.get(lock) is None


def test_the_national_figures_are_counted_at_most_once_an_interval(
        client, national_viewer, leader, province, commit, settings, monkeypatch,
        django_assert_max_num_queries):
    settings.DASHBOARD_NATIONAL_SECONDS = 60
    now = [1_000_000.0]
    monkeypatch.setattr(time, "time", lambda *_: now[0])
    client.force_login(national_viewer)

    def national_totals():
        return (total_on_dashboard(client),
                client.get(reverse("api:dashboard")).json()["totals"]["total"])

    assert national_totals() == (0, 0)
    now[0] += 70
    with commit():
        factories.RecommendationFactory(session__group__round__province=province)
    # A write after a quiet interval counts at once, on the page and in the API.
    assert national_totals() == (1, 1)
    now[0] += 10
    with commit():
        factories.RecommendationFactory(session__group__round__province=province)
    assert national_totals() == (1, 1)  # counted less than the interval ago
    other = Client()  # the province's own figures count every write at once
    other.force_login(leader)
    assert total_on_dashboard(other) == 2
    now[0] += 50  # the interval has passed: no further write is needed for it to count
    assert national_totals() == (2, 2)
    # Nothing written since: the next intervals serve the page kept, without counting.
    now[0] += 600
    with CaptureQueriesContext(connection) as queries:
        assert total_on_dashboard(client) == 2
    # (The login's session is renewed after that long, the tally never read.)
    assert not [query for query in queries.captured_queries if "tally" in query["sql"]]
    with django_assert_max_num_queries(0):
        assert total_on_dashboard(client) == 2


def test_a_filter_value_that_filters_nothing_does_not_change_the_cached_list(
        client, office_user, province, department_a, commit):
    with commit():
        factories.RecommendationFactory(session__group__round__province=province,
                                        lead_department=department_a, text="Đã chuyển Sở")
        factories.RecommendationFactory(session__group__round__province=province,
                                        text="Chưa chuyển")
    client.force_login(office_user)
    client.get(reverse("recommendations:list") + "?unrouted=0")
    page = client.get(reverse("recommendations:list")).content.decode()
    assert "Đã chuyển Sở" in page and "Chưa chuyển" in page


def test_what_one_request_typed_in_a_filter_is_not_shown_to_the_next(client, office_user,
                                                                     commit):
    client.force_login(office_user)
    for name in ("recommendations:list", "recommendations:dashboard"):
        typed = client.get(reverse(name) + "?date_from=ngay-bat-ky").content.decode()
        assert "ngay-bat-ky" in typed  # kept in the form, with its message
        assert "ngay-bat-ky" not in client.get(reverse(name)).content.decode()


def test_a_kept_page_that_turns_404_is_not_served_while_another_request_recomputes(
        client, head_a, department_a, office_user, commit, monkeypatch):
    """The department returns a recommendation: its page now answers 404 to that department,
    and the page it was kept as must not be served to a request that finds another one
    recomputing it (stale_ok serves the kept page to those)."""
    from communes import cache as portal_cache

    with commit():
        recommendation = factories.RecommendationFactory(
            session__group__round__province=department_a.province,
            text="Kiến nghị về biên chế công chức")
        services.recommendation_route(recommendation=recommendation,
                                      lead_department=department_a, by=office_user)
    client.force_login(head_a)
    url = reverse("recommendations:detail", args=[recommendation.pk])
    assert client.get(url).status_code == 200
    with commit():
        services.recommendation_return(recommendation=recommendation, by=head_a,
                                       reason="Không thuộc thẩm quyền của Sở")
    assert client.get(url).status_code == 404
    from django.core.cache import caches

    backend = caches["default"]  # the backend itself: the cache proxy would outlive it
    real_add = backend.add
    monkeypatch.setattr(backend, "add", lambda key, *args, **kwargs: False
                        if key.endswith(":recomputing") else real_add(key, *args, **kwargs))
    monkeypatch.setattr(portal_cache, "AWAIT_SECONDS", 0.05)
    response = client.get(url)
    assert response.status_code == 404
    assert "biên chế công chức" not in response.content.decode()
