"""Every URL of the portal's own apps, for every role, answers what it should.

The URL list is walked from the resolver, so a new URL without a row here fails the test:
whoever adds a page must say who may open it.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests import factories

ROLES = ["anonymous", "office", "head_a", "staff_a", "head_b", "leader", "admin"]
LOGIN = "login"

# url name → (kwargs builder, {role: expected status}); "login" means a redirect to log in.
EVERYONE = {"anonymous": LOGIN, "office": 200, "head_a": 200, "staff_a": 200, "head_b": 200,
            "leader": 200, "admin": 200}
READERS = {**EVERYONE, "head_a": 403, "staff_a": 403, "head_b": 403}
EDITORS = {**READERS, "leader": 403}
# Creating a round needs a province: an admin without one works in Django admin.
PROVINCE_EDITORS = {**EDITORS, "admin": 403}


def _round(objects):
    return {"pk": objects["session"].group.round_id}


def _group(objects):
    return {"pk": objects["session"].group_id}


def _session(objects):
    return {"pk": objects["session"].pk}


MATRIX = {
    "inspections:home": (lambda objects: {}, EVERYONE),
    "inspections:round_list": (lambda objects: {}, READERS),
    "inspections:round_create": (lambda objects: {}, PROVINCE_EDITORS),
    "inspections:round_detail": (_round, READERS),
    "inspections:round_edit": (_round, EDITORS),
    "inspections:group_create": (lambda o: {"round_pk": o["session"].group.round_id}, EDITORS),
    "inspections:group_detail": (_group, READERS),
    "inspections:group_edit": (_group, EDITORS),
    "inspections:session_create": (lambda o: {"group_pk": o["session"].group_id}, EDITORS),
    "inspections:session_detail": (_session, READERS),
    "inspections:session_edit": (_session, EDITORS),
    "inspections:session_record": (_session, READERS),
    # POST only; the draft session cannot be reopened, so office staff are sent back to it.
    "inspections:session_reopen": (_session, {**EDITORS, "office": 302, "admin": 302}, "post"),
    "recommendations:routing": (lambda o: {"round_pk": o["session"].group.round_id}, EDITORS),
}
# Objects of another province answer 404 to its office staff.
OBJECT_URLS = [
    "inspections:round_detail", "inspections:round_edit", "inspections:group_create",
    "inspections:group_detail", "inspections:group_edit", "inspections:session_create",
    "inspections:session_detail", "inspections:session_edit", "inspections:session_record",
    "inspections:session_reopen", "recommendations:routing",
]
# Django's and libraries' own pages, tested where they are configured.
NOT_OURS = ("admin:", "set_language", "login", "logout", "password_")


def walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from walk(pattern.url_patterns, namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield prefix + pattern.name


def test_every_url_has_a_row_in_the_matrix():
    names = {name for name in walk(get_resolver().url_patterns)
             if not name.startswith(NOT_OURS)}
    assert names == set(MATRIX)


@pytest.fixture
def users(office_user, head_a, staff_a, head_b, leader, admin_user_):
    return {"anonymous": None, "office": office_user, "head_a": head_a, "staff_a": staff_a,
            "head_b": head_b, "leader": leader, "admin": admin_user_}


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", sorted(MATRIX))
def test_status_for_every_role(client, users, province, url_name):
    objects = {"session": factories.SessionFactory(group__round__province=province)}
    kwargs_builder, expected, *method = MATRIX[url_name]
    url = reverse(url_name, kwargs=kwargs_builder(objects))
    for role in ROLES:
        client.logout()
        if users[role] is not None:
            client.force_login(users[role])
        response = client.post(url) if method == ["post"] else client.get(url)
        if expected[role] == LOGIN:
            assert response.status_code == 302, role
            assert response["Location"].startswith(reverse("login")), role
        else:
            assert response.status_code == expected[role], role


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", OBJECT_URLS)
def test_another_provinces_office_gets_404(client, other_office_user, province, url_name):
    objects = {"session": factories.SessionFactory(group__round__province=province)}
    client.force_login(other_office_user)
    url = reverse(url_name, kwargs=MATRIX[url_name][0](objects))
    response = client.post(url) if MATRIX[url_name][2:] == ("post",) else client.get(url)
    assert response.status_code == 404
