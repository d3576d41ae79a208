import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db
HOME = reverse("inspections:home")


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
