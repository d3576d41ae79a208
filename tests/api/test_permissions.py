"""Every API address, for every kind of user: another department's and another province's
token get nothing of theirs (404 on an object, absent from the list), and a control sees its
own. The addresses are walked from the resolver, so a new endpoint without a row here fails.

The API's addresses are tested here rather than in tests/test_permission_matrix.py: they
answer JSON to tokens, not pages to sessions, and each is checked in its list and its detail.
"""

import pytest
from django.urls import get_resolver, reverse

from tests import factories
from tests.test_permission_matrix import walk

ROLES = ["office", "head_a", "head_b", "other_office", "leader", "national"]
# Who sees an object of province P: its office and leader, national viewers; a department
# only what is routed to it (department A's recommendation) and its province's reference data.
PROVINCE = {"office", "leader", "national"}
DEPARTMENT_A = PROVINCE | {"head_a"}
PROVINCE_REFERENCE = DEPARTMENT_A | {"head_b"}

# API url name (without "api:") → (object in `world`, who sees it). A "-list" name is checked
# for the object's presence, a "-detail" one for 200 or 404.
ROWS = {
    "round": ("round", PROVINCE),
    "group": ("group", PROVINCE),
    "session": ("session", PROVINCE),
    "difficulty": ("difficulty", PROVINCE),
    "directive": ("directive", PROVINCE),
    "recommendation": ("recommendation", DEPARTMENT_A),
    "unit": ("unit", PROVINCE_REFERENCE),
    "department": ("department", PROVINCE_REFERENCE),
    # Categories serve every province alike: everyone who sees anything sees them.
    "category": ("category", set(ROLES)),
}
OPEN311 = {"open311_requests", "open311_request", "open311_requests_xml", "open311_request_xml"}
# The sessions of the tests' objects are of August 2025: a window on their requested_datetime.
AUGUST_2025 = "?start_date=2025-08-01T00:00:00%2B07:00&end_date=2025-08-31T00:00:00%2B07:00"
PUBLIC = {"schema"}  # the schema holds no data, and tools read it without a login
# tested below (task_tracking also in tests/recommendations/test_tracking.py)
OTHERS = {"dashboard", "open311_services", "open311_services_xml", "docs", "root",
          "task_tracking"}


@pytest.fixture
def users(office_user, head_a, head_b, other_office_user, leader, national_viewer):
    return {"office": office_user, "head_a": head_a, "head_b": head_b,
            "other_office": other_office_user, "leader": leader, "national": national_viewer}


def test_every_api_url_is_covered():
    names = {name.removeprefix("api:") for name in walk(get_resolver().url_patterns)
             if name.startswith("api:")}
    rows = {f"{base}-{kind}" for base in ROWS for kind in ("list", "detail")}
    assert names == rows | OPEN311 | PUBLIC | OTHERS


def _ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.django_db
@pytest.mark.parametrize("base", sorted(ROWS))
def test_lists_and_objects_hold_only_what_the_user_may_see(api_get, users, world, base):
    key, seen_by = ROWS[base]
    obj = world[key]
    list_url = reverse(f"api:{base}-list")
    detail_url = reverse(f"api:{base}-detail", args=[obj.pk])
    for role in ROLES:
        sees = role in seen_by
        assert (obj.pk in _ids(api_get(users[role], list_url))) is sees, role
        assert api_get(users[role], detail_url).status_code == (200 if sees else 404), role


@pytest.mark.django_db
@pytest.mark.parametrize("base", sorted(set(ROWS) - {"category"}))
def test_province_p_sees_nothing_of_province_q(api_get, office_user, head_a, world, base):
    """The other way round: Q's objects are absent for P's office and department."""
    other = world["other"][ROWS[base][0]]
    for user in (office_user, head_a):
        assert other.pk not in _ids(api_get(user, reverse(f"api:{base}-list")))
        assert api_get(user, reverse(f"api:{base}-detail", args=[other.pk])).status_code == 404


@pytest.mark.django_db
def test_open311_requests_hold_only_what_the_user_may_see(api_get, users, world):
    recommendation = world["recommendation"]
    for role in ROLES:
        sees = role in DEPARTMENT_A
        listed = api_get(users[role], reverse("api:open311_requests") + AUGUST_2025)
        assert listed.status_code == 200
        ids = {row["service_request_id"] for row in listed.json()}
        assert (str(recommendation.pk) in ids) is sees, role
        one = api_get(users[role], reverse("api:open311_request", args=[recommendation.pk]))
        assert one.status_code == (200 if sees else 404), role


@pytest.mark.django_db
def test_open311_services_are_the_categories(api_get, users, world):
    for role in ROLES:
        codes = {s["service_code"] for s in api_get(
            users[role], reverse("api:open311_services")).json()}
        assert world["category"].code in codes, role


@pytest.mark.django_db
def test_dashboard_counts_only_what_the_user_may_see(api_get, users, world):
    expected = {"office": 2, "leader": 2, "other_office": 1, "national": 3}
    for role, total in expected.items():
        data = api_get(users[role], reverse("api:dashboard")).json()
        assert data["totals"]["total"] == total, role
        names = {row["name"] for row in data["by_department"]}
        if role == "other_office":
            assert world["department"].name not in names, role
        if role == "office":
            assert world["department"].name in names, role
    # As on the page: a department has no dashboard (its counts are a province's).
    for role in ("head_a", "head_b"):
        assert api_get(users[role], reverse("api:dashboard")).status_code == 403, role


@pytest.mark.django_db
def test_task_tracking_holds_only_what_the_user_may_see(api_get, users, world):
    """The recommendations a user may see as tasks, as the recommendation list holds them:
    a department only what is routed to it, another province nothing of P's."""
    recommendation = world["recommendation"]
    for role in ROLES:
        response = api_get(users[role], reverse("api:task_tracking") + "?page_size=500")
        assert response.status_code == 200, role
        ids = {row["id"] for row in response.json()["results"]
               if row["kind"] == "recommendation"}
        assert (recommendation.pk in ids) is (role in DEPARTMENT_A), role


@pytest.mark.django_db
def test_without_a_token_or_a_role_nothing_is_answered(client, world):
    user = factories.UserFactory(username="norole")
    for name in [f"{base}-list" for base in ROWS] + ["dashboard", "open311_requests",
                                                      "open311_services", "task_tracking"]:
        url = reverse(f"api:{name}")
        client.logout()
        response = client.get(url)
        assert response.status_code == 401, name
        assert response["WWW-Authenticate"].startswith("Bearer"), name
        assert response["Content-Type"] == "application/problem+json", name
        client.force_login(user)
        assert client.get(url).status_code == 403, name


@pytest.mark.django_db
def test_the_schema_is_public(client):
    assert client.get(reverse("api:schema")).status_code == 200


@pytest.mark.django_db
def test_the_documentation_is_a_page_for_those_who_use_the_api(client, users, admin_user_,
                                                              ward_a):
    """Logged out: the login page. A unit's staff (who do not use the API) and a user
    without a role: 403. Everyone else who may make a token: the page."""
    url = reverse("api:docs")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    for user in (ward_a, factories.UserFactory(username="norole")):
        client.force_login(user)
        assert client.get(url).status_code == 403, user.username
        assert client.get(url, {"script": ""}).status_code == 403, user.username
    for role, user in [*users.items(), ("admin", admin_user_)]:
        client.force_login(user)
        assert client.get(url).status_code == 200, role
        assert client.get(url, {"script": ""}).status_code == 200, role


@pytest.mark.django_db
@pytest.mark.parametrize(("accept", "starts"), [
    ("application/json", b"{"), ("application/vnd.oai.openapi+json", b"{"),
    ("application/yaml", b"openapi:"), ("application/vnd.oai.openapi", b"openapi:"),
])
def test_the_schema_answers_json_or_yaml_as_asked(client, accept, starts):
    response = client.get(reverse("api:schema"), HTTP_ACCEPT=accept)
    assert response.status_code == 200 and response.content.lstrip().startswith(starts)
