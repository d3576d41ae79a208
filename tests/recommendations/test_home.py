import functools
import html
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from communes.workdays import add_working_days
from recommendations import services
from recommendations.models import Recommendation
from tests import factories

pytestmark = pytest.mark.django_db
HOME = reverse("recommendations:home")


def test_anonymous_is_sent_to_the_login_page(client):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_is_in_vietnamese_even_for_an_english_browser(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert "Đăng nhập" in response.content.decode()


def test_office_sees_its_provinces_rounds_only(client, office_user, other_province):
    mine = factories.SessionFactory(group__round__province=office_user.profile.province)
    theirs = factories.SessionFactory(group__round__province=other_province,
                                      group__round__title="Đợt của tỉnh khác")
    client.force_login(office_user)
    page = client.get(HOME).content.decode()
    assert mine.group.round.title in page
    assert theirs.group.round.title not in page


def test_department_user_sees_only_what_is_routed_to_their_department(
    client, head_a, department_a, department_b
):
    session = factories.SessionFactory(group__round__province=department_a.province)
    factories.RecommendationFactory(session=session, text="Việc của sở A", status="routed",
                                    lead_department=department_a)
    factories.RecommendationFactory(session=session, text="Việc của sở B", status="routed",
                                    lead_department=department_b)
    client.force_login(head_a)
    page = client.get(HOME, follow=True).content.decode()
    assert "Việc của sở A" in page
    assert "Việc của sở B" not in page


def test_home_query_count_does_not_grow_with_rows(client, leader, count_queries):
    province = leader.profile.province
    client.force_login(leader)

    def build(rounds, groups, sessions, units):
        for _ in range(rounds):
            inspection_round = factories.RoundFactory(province=province)
            for _ in range(groups):
                group = factories.GroupFactory(round=inspection_round)
                for _ in range(sessions):
                    factories.SessionFactory(
                        group=group, units=[factories.UnitFactory(province=province)
                                            for _ in range(units)])

    build(1, 1, 1, 1)
    few = count_queries(lambda: client.get(HOME))
    build(5, 4, 2, 6)
    many = count_queries(lambda: client.get(HOME))
    assert few == many


def test_language_switch_to_english(client, office_user):
    client.force_login(office_user)
    client.post(reverse("set_language"), {"language": "en", "next": HOME})
    assert "Inspection rounds" in client.get(HOME).content.decode()


def test_custom_404_page_in_vietnamese(client, office_user):
    client.force_login(office_user)
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


# What waits for each role (recommendations/work.py).

def _listed(client, url) -> int:
    """How many rows the list behind a number shows (fewer than a page here)."""
    page = client.get(url)
    assert page.status_code == 200, url
    body = page.content.decode()
    table = body[body.index('<table class="list"'):]
    rows = table[table.index("<tbody>"):table.index("</tbody>")]
    return rows.count("<tr") - rows.count('colspan=')


def _queues(body) -> dict:
    """Queue name → (count, url) of the numbers of a home page."""
    found = re.findall(r'<a href="([^"]+)" data-queue="([a-z_]+)">([\d.]+)', body) + [
        (url, name, count) for url, name, count in re.findall(
            r'<a href="([^"]+)" data-queue="([a-z_]+-\d)">[^<:]+: ([\d.]+)', body)]
    return {name: (int(count.replace(".", "")), html.unescape(url))
            for url, name, count in found}


@pytest.fixture
def work(province, department_a, department_b, office_user, head_a, ward_a, ward_a_unit):
    """Some of everything that waits for the office and department A."""
    today = timezone.localdate()
    session = factories.SessionFactory(group__round__province=province,
                                       units=[ward_a_unit], date=today - timedelta(days=30))
    make = functools.partial(factories.RecommendationFactory, session=session)
    for text in ("Chưa chuyển 1", "Chưa chuyển 2"):
        make(text=text)
    returned = make(text="Bị trả lại")
    services.recommendation_route(recommendation=returned, lead_department=department_a,
                                  by=office_user)
    services.recommendation_return(recommendation=returned, by=head_a, reason="Không thuộc")
    late, soon, later = (make(text=f"Việc {when} của sở A")
                         for when in ("trễ", "sắp hạn", "còn lâu"))
    for item, due in ((late, today - timedelta(days=3)), (soon, add_working_days(today, 1)),
                      (later, add_working_days(today, 20))):
        services.recommendation_route(recommendation=item, lead_department=department_a,
                                      by=office_user)
        Recommendation.objects.filter(pk=item.pk).update(due_date=due)
    other = make(text="Của sở B")
    services.recommendation_route(recommendation=other, lead_department=department_b,
                                  by=office_user, due_date=add_working_days(today, 2))
    Recommendation.objects.filter(pk=other.pk).update(due_date=today - timedelta(days=10))
    services.recommendation_accept(recommendation=later, by=head_a)
    services.extension_request(recommendation=later, by=head_a, reason="Cần thêm thời gian",
                               proposed_due_date=add_working_days(today, 30))
    done = make(text="Đã giải quyết")
    services.recommendation_route(recommendation=done, lead_department=department_a,
                                  by=office_user)
    services.recommendation_accept(recommendation=done, by=head_a)
    services.recommendation_resolve(recommendation=done, by=head_a, answer="Đã bố trí")
    refresh()
    return {"late": late, "soon": soon, "later": later, "other": other, "done": done}


def refresh():
    from recommendations import tally

    tally.rebuild()


def test_the_office_home_counts_each_queue_as_the_list_it_opens(client, office_user, work):
    client.force_login(office_user)
    body = client.get(HOME).content.decode()
    queues = _queues(body)
    assert {name: count for name, (count, _url) in queues.items()} == {
        "to_route": 2, "returned": 1, "extensions": 1, "answers": 1, "overdue": 2}
    for name, (count, url) in queues.items():
        assert _listed(client, url) == count, (name, url)
    # The oldest first, and where to route them.
    assert body.index("Chưa chuyển 1") < body.index("Chưa chuyển 2")
    assert reverse("recommendations:routing", args=[work["late"].session.group.round_id]) in body
    # Who is furthest behind: department B's one item is ten days late, A's three.
    assert re.search(r"Sở Khoa học và Công nghệ</strong>|Sở Nội vụ</strong>", body)


def test_a_department_home_shows_its_own_work_and_its_oldest_overdue_item_first(
        client, head_a, head_b, staff_a, work):
    client.force_login(head_a)
    body = client.get(HOME).content.decode()
    queues = _queues(body)
    # The inbox's work tabs: "not yet accepted" holds what is neither overdue nor due soon.
    assert {name: count for name, (count, _url) in queues.items()} == {
        "overdue": 1, "due_soon": 1, "in_progress": 1}
    for name, (count, url) in queues.items():
        assert _listed(client, url) == count, (name, url)
    # Nothing assigned to the head: the queue is named among those with nothing waiting.
    assert "Được giao cho đồng chí" in body.split("queues-empty")[1]
    # What the head gives the staff shows on the staff's home, by tab, each share a link.
    for item in (work["late"], work["later"]):
        services.recommendation_assign(recommendation=item, assignee=staff_a, by=head_a)
    client.force_login(staff_a)
    mine = {name: value for name, value in _queues(client.get(HOME).content.decode()).items()
            if name.startswith("mine-")}
    assert sorted(count for count, _url in mine.values()) == [1, 1]
    for name, (count, url) in mine.items():
        assert "mine=on" in url and _listed(client, url) == count, (name, url)
    client.force_login(head_a)
    body = client.get(HOME).content.decode()
    late = reverse("recommendations:detail", args=[work["late"].pk])
    # One click from home opens it: it is the first item of the page.
    assert body.index(late) < body.index(reverse("recommendations:detail",
                                                 args=[work["soon"].pk]))
    assert "Của sở B" not in body
    client.force_login(head_b)
    body = client.get(HOME).content.decode()
    assert _queues(body)["overdue"][0] == 1 and "Của sở B" in body
    assert work["late"].text not in body


def test_the_leader_sees_which_body_is_furthest_behind_without_a_click(client, leader, work,
                                                                      department_a):
    # Department A: two more overdue items.
    for _ in range(2):
        item = factories.RecommendationFactory(session=work["late"].session)
        services.recommendation_route(recommendation=item, lead_department=department_a,
                                      by=factories.UserFactory(is_superuser=True))
        Recommendation.objects.filter(pk=item.pk).update(
            due_date=timezone.localdate() - timedelta(days=1))
    refresh()
    client.force_login(leader)
    body = client.get(HOME).content.decode()
    assert re.search(r"Sở Nội vụ</strong>, 3 ", body), body[body.index("glance"):][:2000]


def test_a_units_staff_are_sent_to_their_units_page(client, ward_a):
    client.force_login(ward_a)
    assert client.get(HOME)["Location"] == reverse("recommendations:unit_home")


@pytest.mark.parametrize("who", ["office_user", "head_a", "leader"])
def test_each_home_reads_as_many_queries_with_many_rows(client, request, who, work,
                                                       department_a, count_queries):
    user = request.getfixturevalue(who)
    client.force_login(user)
    few = count_queries(lambda: client.get(HOME))
    session = work["late"].session
    office = request.getfixturevalue("office_user")
    for index in range(30):
        item = factories.RecommendationFactory(session=session, text=f"Thêm {index}")
        if index % 3:
            services.recommendation_route(recommendation=item, by=office,
                                          lead_department=department_a)
    refresh()
    many = count_queries(lambda: client.get(HOME))
    assert many == few


def test_a_kept_rounds_part_is_not_read_again(client, leader, work, real_cache):
    """The rounds below the leader's figures are a cached part: a page that misses the page
    cache (another address) but finds the part reads no round."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(leader)
    client.get(HOME)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(HOME + "?from=mail").status_code == 200
    assert not [q for q in queries.captured_queries if "inspectionround" in q["sql"]]
