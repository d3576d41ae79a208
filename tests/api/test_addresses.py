"""The API's addresses: /api/v1/ is a root that links the others; every unknown address under
/api/ answers a problem (JSON) whatever DEBUG says; a department's token refused the dashboard
is told what it may not read, not that it may not read the API."""

import pytest
from django.urls import reverse

PROBLEM = "application/problem+json"


@pytest.mark.django_db
def test_the_root_links_every_list_and_endpoint(api_get, office_user, client):
    response = api_get(office_user, "/api/v1/")
    assert response.status_code == 200
    links = response.json()
    assert links["recommendations"] == "http://testserver" + reverse("api:recommendation-list")
    assert links["open311_services"].endswith("/api/open311/v2/services.json")
    assert {"rounds", "groups", "sessions", "difficulties", "directives", "units",
            "departments", "categories", "dashboard", "schema", "docs"} <= set(links)
    for key, url in links.items():  # each answers (the documentation is a page, for a login)
        if key != "docs":
            assert api_get(office_user, url.removeprefix("http://testserver")
                           ).status_code == 200, key
    refused = client.get("/api/v1/")
    assert refused.status_code == 401 and refused["Content-Type"] == PROBLEM


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [True, False])
def test_unknown_addresses_answer_a_problem_in_every_setting(api_get, office_user, client,
                                                             settings, debug):
    settings.DEBUG = debug
    for path in ("/api/v1/nothing/", "/api/v2/", "/api/", "/api/v1/rounds/abc/",
                 "/api/open311/v2/services.csv", "/api/v1/recommendations/1/x"):
        for response in (api_get(office_user, path), client.get(path)):
            assert response.status_code == 404, path
            assert response["Content-Type"] == PROBLEM, path
            assert response.json()["title"] == "Không tìm thấy", path
    # An address without its final slash is sent to it, as Django does elsewhere.
    moved = client.get("/api/v1/rounds?updated_since=2025-08-01")
    assert moved.status_code == 301
    assert moved["Location"] == "/api/v1/rounds/?updated_since=2025-08-01"


@pytest.mark.django_db
def test_a_department_is_told_it_may_not_read_the_dashboard(api_get, head_a, ward_a, world):
    assert api_get(head_a, reverse("api:recommendation-list")).status_code == 200
    refused = api_get(head_a, reverse("api:dashboard"))
    assert refused.status_code == 403 and refused["Content-Type"] == PROBLEM
    detail = refused.json()["detail"]
    assert detail.startswith("Tài khoản của đồng chí được đọc API nhưng không được đọc số liệu "
                             "tổng hợp (dashboard)")
    assert "/api/v1/recommendations/" in detail
    # English on request.
    assert api_get(head_a, reverse("api:dashboard"), HTTP_ACCEPT_LANGUAGE="en").json()[
        "detail"].startswith("Your account reads the API, but not its dashboard")
