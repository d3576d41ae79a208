"""What the API does beyond who sees what: problem details in both languages, ETags, the
list page's filters, incremental sync, cursor pages, the dashboard and the Open311 view."""

import base64
import datetime
import json
import re

import pytest
from django.core.cache import caches
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from inspections.models import Session
from recommendations import services
from recommendations.filters import RecommendationFilterSet
from recommendations.models import Recommendation
from tests import factories


@pytest.mark.django_db
def test_errors_are_problem_details_in_vietnamese_unless_english_is_asked(api_get, office_user,
                                                                           world):
    url = reverse("api:recommendation-list") + "?date_from=31-02-2025&page_size=0"
    vietnamese = api_get(office_user, url)
    assert vietnamese.status_code == 400
    assert vietnamese["Content-Type"] == "application/problem+json"
    body = vietnamese.json()
    assert body["title"] == "Yêu cầu không hợp lệ"
    assert body["status"] == 400 and body["instance"] == reverse("api:recommendation-list")
    assert set(body["errors"]) == {"date_from"} or set(body["errors"]) == {"page_size"}
    english = api_get(office_user, url, HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["title"] == "Invalid request"
    assert english["Content-Language"] == "en"
    # The portal's own pages stay Vietnamese whatever the browser says.
    assert vietnamese["Content-Language"] == "vi"


@pytest.mark.django_db
def test_unknown_addresses_and_objects_answer_a_problem(api_get, office_user, client):
    for url in ("/api/v1/nothing-here/", "/api/v1/recommendations/abc/",
                reverse("api:recommendation-detail", args=[999999])):
        response = api_get(office_user, url)
        assert response.status_code == 404, url
        assert response["Content-Type"] == "application/problem+json", url
        assert response.json()["title"] == "Không tìm thấy", url
    # Outside /api/ a missing page is still the portal's HTML page.
    client.force_login(office_user)
    assert "text/html" in client.get("/nothing-here/")["Content-Type"]


@pytest.mark.django_db
def test_the_api_only_reads(client, office_user, token_of):
    response = client.post(reverse("api:category-list"), HTTP_AUTHORIZATION=token_of(
        office_user))
    assert response.status_code == 405
    assert response["Content-Type"] == "application/problem+json"
    assert "GET" in response["Allow"]


@pytest.mark.django_db
def test_an_etag_answers_304_until_the_data_change(client, office_user, head_a, token_of,
                                                  world, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "api-etag"}}
    header = token_of(office_user)
    url = reverse("api:recommendation-list")
    first = client.get(url, HTTP_AUTHORIZATION=header)
    etag = first["ETag"]
    again = client.get(url, HTTP_AUTHORIZATION=header, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and not again.content
    # Another user sees other rows: the same ETag is not theirs.
    other = token_of(head_a)
    theirs = client.get(url, HTTP_AUTHORIZATION=other, HTTP_IF_NONE_MATCH=etag)
    assert theirs.status_code == 200
    # The answers are cached per scope: the department's holds only its own.
    assert [r["id"] for r in theirs.json()["results"]] == [world["recommendation"].pk]
    assert len(client.get(url, HTTP_AUTHORIZATION=header).json()["results"]) == 2
    caches["default"].clear()  # what a committed change does: a new data version
    assert client.get(url, HTTP_AUTHORIZATION=header,
                      HTTP_IF_NONE_MATCH=etag).status_code == 200


@pytest.mark.django_db
def test_filters_are_those_of_the_list_page(api_get, office_user, world, department_a):
    """The same query string selects the same recommendations here and on the list page."""
    queries = [{"department": str(department_a.pk)}, {"status": "routed"},
               {"round": str(world["round"].pk), "deadline": "overdue"},
               {"unit": str(world["unit"].pk)}, {"category": str(world["category"].pk)}]
    request = RequestFactory().get("/")
    request.user = office_user
    for query in queries:
        page = RecommendationFilterSet(
            query, Recommendation.objects.visible_to(office_user).filter(consolidated_into=None),
            request=request).qs
        response = api_get(office_user, reverse("api:recommendation-list"), data=query)
        assert {r["id"] for r in response.json()["results"]} == {r.pk for r in page}, query
    # A value the page does not offer is refused, with a message.
    refused = api_get(office_user, reverse("api:recommendation-list"),
                      data={"department": str(world["other"]["department"].pk)})
    assert refused.status_code == 400 and "department" in refused.json()["errors"]


@pytest.fixture
def api_get_query(client, token_of):
    def get(user, url, query):
        return client.get(url, query, HTTP_AUTHORIZATION=token_of(user))
    return get


@pytest.mark.django_db
def test_updated_since_returns_what_changed_with_what_it_holds(client, api_get_query,
                                                              office_user, head_a, world):
    since = timezone.now()
    url = reverse("api:recommendation-list")
    assert api_get_query(office_user, url, {"updated_since": since.isoformat()}).json()[
        "results"] == []
    # A response changes the recommendation without saving its row.
    services.recommendation_respond(recommendation=world["recommendation"], by=head_a,
                                    text="Bổ sung")
    rows = api_get_query(office_user, url, {"updated_since": since.isoformat()}).json()[
        "results"]
    assert [r["id"] for r in rows] == [world["recommendation"].pk]
    assert [r["text"] for r in rows[0]["responses"]] == ["Sở đang xử lý", "Bổ sung"]
    assert rows[0]["responses"][0]["attachments"][0]["name"] == "Báo cáo.pdf"
    assert "file" not in rows[0]["responses"][0]["attachments"][0]
    # A follow-up's progress changes its directive.
    assert api_get_query(office_user, reverse("api:directive-list"),
                         {"updated_since": since.isoformat()}).json()["results"] == []
    follow_up = world["directive"].follow_ups.first()
    client.force_login(office_user)
    client.post(reverse("recommendations:follow_up_update", args=[follow_up.pk]), {
        f"f{follow_up.pk}-status": "done", f"f{follow_up.pk}-note": "Đã rà soát",
        f"f{follow_up.pk}-completed_on": "01/09/2025"})
    follow_up.refresh_from_db()
    assert follow_up.status == "done"
    assert [d["id"] for d in api_get_query(office_user, reverse("api:directive-list"), {
        "updated_since": since.isoformat()}).json()["results"]] == [world["directive"].pk]
    bad = api_get_query(office_user, url, {"updated_since": "0001-01-01T00:00:00+07:00"})
    assert bad.status_code == 400 and "updated_since" in bad.json()["errors"]


@pytest.mark.django_db
def test_merged_recommendations_are_left_out_unless_asked_for(api_get_query, office_user, world):
    target, other = world["recommendation"], factories.RecommendationFactory(
        session=world["session"])
    services.recommendation_merge(target=factories.RecommendationFactory(
        session=world["session"]), others=[other], by=office_user)
    url = reverse("api:recommendation-list")
    listed = {r["id"] for r in api_get_query(office_user, url, {}).json()["results"]}
    assert other.pk not in listed and target.pk in listed
    merged = api_get_query(office_user, url, {"include_merged": "true"}).json()["results"]
    assert {r["id"]: r["consolidated_into"] for r in merged}[other.pk] is not None
    assert api_get_query(office_user, reverse("api:recommendation-detail", args=[other.pk]),
                         {}).status_code == 200


@pytest.mark.django_db
def test_cursor_pages_follow_ids_to_the_end(api_get_query, office_user, world):
    session = world["session"]
    for _ in range(4):
        factories.RecommendationFactory(session=session)
    seen, url, query = [], reverse("api:recommendation-list"), {"page_size": "2"}
    while url:
        page = api_get_query(office_user, url, query).json()
        seen += [r["id"] for r in page["results"]]
        url, query = page["next"], {}
    assert seen == sorted(Recommendation.objects.filter(
        province=session.group.round.province).values_list("id", flat=True))
    for value in ("0", "501", "abc"):
        assert api_get_query(office_user, reverse("api:recommendation-list"), {
            "page_size": value}).status_code == 400
    assert api_get_query(office_user, reverse("api:recommendation-list"), {
        "cursor": "garbage"}).status_code == 400


LISTS = ("round", "group", "session", "recommendation", "difficulty", "directive", "unit",
         "department", "category")


@pytest.mark.django_db
@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("position", ["abc", "", "1.5", "2025-01-01", "-1",
                                      "99999999999999999999"])
def test_a_cursor_whose_position_is_not_an_id_is_a_bad_parameter(api_get_query, office_user,
                                                                   world, name, position):
    """A forged cursor (the probe's `p=abc`, base64 in the address) answered 500 on every
    list: its position reached the filter `id > position`."""
    cursor = base64.b64encode(f"p={position}".encode()).decode()
    response = api_get_query(office_user, reverse(f"api:{name}-list"), {"cursor": cursor})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert set(response.json()["errors"]) == {"cursor"}


@pytest.mark.django_db
def test_the_next_link_cursor_still_reads(api_get_query, office_user, world):
    cursor = base64.b64encode(f"p={world['recommendation'].pk}".encode()).decode()
    response = api_get_query(office_user, reverse("api:recommendation-list"), {"cursor": cursor})
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [world["recommendation_b"].pk]


@pytest.mark.django_db
def test_the_dashboard_links_each_number_to_its_list(api_get_query, office_user, world):
    data = api_get_query(office_user, reverse("api:dashboard"), {}).json()
    assert data["totals"]["total"] == 2
    routed = next(row for row in data["by_status"] if row["status"] == "routed")
    assert routed["count"] == 2
    for row in data["by_department"]:
        listed = api_get_query(office_user, reverse("api:recommendation-list"),
                               row["params"]).json()["results"]
        assert len(listed) == row["count"]
    filtered = api_get_query(office_user, reverse("api:dashboard"),
                             {"date_from": "2030-01-01"}).json()
    assert filtered["totals"]["total"] == 0
    assert api_get_query(office_user, reverse("api:dashboard"),
                         {"round": "abc"}).status_code == 400


@pytest.mark.django_db
def test_open311_requests_are_open_or_closed_with_the_lead_department(api_get_query,
                                                                     office_user, head_a,
                                                                     world):
    recommendation = world["recommendation"]
    services.recommendation_accept(recommendation=recommendation, by=head_a)
    services.recommendation_resolve(recommendation=recommendation, by=head_a, answer="Xong")
    url = reverse("api:open311_requests")
    august = {"start_date": "2025-08-01T00:00:00+07:00", "end_date": "2025-08-31T00:00:00+07:00"}
    closed = api_get_query(office_user, url, {"status": "closed", **august}).json()
    assert [r["service_request_id"] for r in closed] == [str(recommendation.pk)]
    request = closed[0]
    assert request["agency_responsible"] == world["department"].name
    assert request["service_code"] == recommendation.category.code
    assert request["status_notes"] == "Đã giải quyết"
    assert world["unit"].code in request["address_id"]
    opened = api_get_query(office_user, url, {"status": "open", **august}).json()
    assert [r["service_request_id"] for r in opened] == [str(world["recommendation_b"].pk)]
    # Without dates, the last 90 days of sessions only.
    assert api_get_query(office_user, url, {}).json() == []
    Session.objects.filter(pk=world["session"].pk).update(
        date=timezone.localdate() - datetime.timedelta(days=10))
    assert {r["service_request_id"] for r in api_get_query(office_user, url, {}).json()} == {
        str(world["recommendation"].pk), str(world["recommendation_b"].pk)}
    span = api_get_query(office_user, url, {"start_date": "2025-01-01T00:00:00Z",
                                            "end_date": "2025-12-31T00:00:00Z"})
    assert span.status_code == 400
    one = api_get_query(office_user, reverse("api:open311_request", args=[recommendation.pk]),
                        {}).json()
    assert len(one) == 1 and one[0]["status"] == "closed"


@pytest.mark.django_db
def test_the_docs_page_is_served_without_inline_code(client, office_user):
    client.force_login(office_user)
    page = client.get(reverse("api:docs"))
    html = page.content.decode()
    assert "<style" not in html and "style=" not in html
    # Scripts are files, but for Swagger UI's words: a data block, which runs nothing.
    assert re.findall(r"<script(?! src=)[^>]*>", html) == [
        '<script id="swagger-ui-texts" type="application/json">']
    assert "swagger-ui-bundle.js" in html
    assert re.findall(r'(?:src|href)="(?:https?:)?//', html) == []  # the portal's own files
    script = client.get(reverse("api:docs") + "?script=")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()
    schema = client.get(reverse("api:schema")).json()
    assert schema["openapi"].startswith("3.")
    assert "Open311" in schema["info"]["description"]


def _text(english, translated):
    """A translation of Swagger UI's words as the page's data block holds it."""
    return f"{json.dumps(english)}: {json.dumps(translated)}"


@pytest.mark.django_db
def test_the_docs_page_is_a_page_of_the_portal_in_its_language(client, office_user, settings):
    """In the portal's layout and, like its pages, Vietnamese whatever the browser's language
    until the user switches; Swagger UI's own words and the schema it reads in the same."""
    client.force_login(office_user)
    html = client.get(reverse("api:docs"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="vi">' in html and 'class="site-header"' in html
    assert "Tài liệu API" in html and _text("Try it out", "Thử gọi") in html
    script = client.get(reverse("api:docs"), {"script": ""}, HTTP_ACCEPT_LANGUAGE="en")
    # As the script has it (escapejs: "\u003D" for "=").
    schema_url = json.loads(re.search(r'url: ("[^"]+")', script.content.decode()).group(1))
    assert "lang=vi" in schema_url
    schema = client.get(schema_url, HTTP_ACCEPT_LANGUAGE="en").json()
    assert schema["info"]["title"] == "API của Cổng theo dõi kiểm tra"
    operation = schema["paths"]["/api/v1/rounds/"]["get"]
    assert operation["description"] == "Các đợt kiểm tra."
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("api:docs")).content.decode()
    assert '<html lang="en">' in html and _text("Try it out", "Try it out") in html


@pytest.mark.django_db
def test_any_utc_offset_iso_8601_allows_is_taken(api_get_query, office_user, world):
    """PostgreSQL refuses offsets beyond ±15:59; the filter converts to UTC first."""
    response = api_get_query(office_user, reverse("api:department-list"),
                             {"updated_since": "2025-03-13T12:17:31-22:42"})
    assert response.status_code == 200


@pytest.mark.django_db
def test_the_api_and_token_pages_speak_to_a_comrade(client, api_get, office_user, world):
    missing = api_get(office_user, reverse("api:recommendation-detail", args=[999_999]))
    assert missing.json()["detail"] == "Không có nội dung ở đây, hoặc đồng chí không có quyền xem."
    client.force_login(office_user)
    page = client.get(reverse("recommendations:api_tokens")).content.decode()
    assert "Các mã truy cập của đồng chí" in page and "bạn" not in page.lower()
    tags = client.get(reverse("api:schema")).json()["tags"]
    assert "cơ quan xử lý là cơ quan chủ trì" in next(
        tag["description"] for tag in tags if tag["name"] == "open311")
