"""/api/open311/v2/ driven by a GeoReport v2 client from PyPI (`georeport`), in JSON and in
XML: services, requests, one request, the status filter and date windows on
requested_datetime (the day of the session that raised the recommendation); the XML checked
against the specification's element names (https://wiki.open311.org/GeoReport_v2)."""

from xml.etree import ElementTree

import pytest
from django.urls import reverse
from georeport import GeoReport

from recommendations import services

# GeoReport v2's elements, in the specification's order.
SERVICE = ["service_code", "service_name", "description", "metadata", "type", "keywords",
           "group"]
REQUEST = ["service_request_id", "status", "status_notes", "service_name", "service_code",
           "description", "agency_responsible", "service_notice", "requested_datetime",
           "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat",
           "long", "media_url"]
AUGUST = {"start_date": "2025-08-01T00:00:00+07:00", "end_date": "2025-08-31T23:59:59+07:00"}
ROOT = "http://testserver/api/open311/v2"


class _Answer:
    """What the client reads of a `requests` response, from Django's test client's."""

    def __init__(self, response):
        self.response, self.content, self.status_code = (
            response, response.content, response.status_code)

    def raise_for_status(self):
        assert self.status_code == 200, (self.status_code, self.content)

    def json(self):
        return self.response.json()


@pytest.fixture
def geo(client, monkeypatch, token_of, office_user):
    """The client's HTTP GETs, answered in-process with the office's token (the library has
    no way to send one: GeoReport v2 keys are for POST)."""
    authorization = token_of(office_user)

    def get(url, params=None, **kwargs):
        assert url.startswith(ROOT + "/")
        return _Answer(client.get(url.removeprefix("http://testserver"), params or {},
                                  HTTP_AUTHORIZATION=authorization))

    monkeypatch.setattr("georeport.georeport.requests.get", get)

    def make(output_format):
        return GeoReport(ROOT, jurisdiction=office_user.profile.province.code,
                         output_format=output_format)

    return make


def _as_list(value):
    """xmltodict gives one element as a dict, several as a list."""
    return value if isinstance(value, list) else [value]


@pytest.mark.django_db
@pytest.mark.parametrize("output_format", ["json", "xml"])
def test_a_georeport_client_reads_services_requests_and_filters(geo, world, head_a,
                                                                 output_format):
    api = geo(output_format)
    services_ = _as_list(api.get_service_list())
    assert world["category"].code in {service["service_code"] for service in services_}
    assert all(list(service) == SERVICE for service in services_)

    for_a, for_b = world["recommendation"], world["recommendation_b"]
    listed = _as_list(api.get_service_requests(**AUGUST))
    assert {r["service_request_id"] for r in listed} == {str(for_a.pk), str(for_b.pk)}
    assert all(list(r) == REQUEST for r in listed)
    # Raised at the session of 4 August 2025 (the row was typed in today).
    assert {r["requested_datetime"] for r in listed} == {"2025-08-04T00:00:00+07:00"}
    assert {r["status"] for r in listed} == {"open"}

    services.recommendation_accept(recommendation=for_a, by=head_a)
    services.recommendation_resolve(recommendation=for_a, by=head_a, answer="Đã bổ sung")
    closed = _as_list(api.get_service_requests(status="closed", **AUGUST))
    assert [r["service_request_id"] for r in closed] == [str(for_a.pk)]
    opened = _as_list(api.get_service_requests(status="open", **AUGUST))
    assert [r["service_request_id"] for r in opened] == [str(for_b.pk)]
    # The window holds the session's day from its first moment, not a second later.
    on_the_day = _as_list(api.get_service_requests(
        status="open", start_date="2025-08-04T00:00:00+07:00",
        end_date="2025-08-04T00:00:00+07:00"))
    assert [r["service_request_id"] for r in on_the_day] == [str(for_b.pk)]
    by_ids = _as_list(api.get_service_requests(service_request_id=str(for_b.pk)))
    assert [r["service_request_id"] for r in by_ids] == [str(for_b.pk)]

    one = api.get_service_request(str(for_a.pk))
    assert one["service_request_id"] == str(for_a.pk) and one["status"] == "closed"
    assert one["agency_responsible"] == world["department"].name
    assert one["description"] == for_a.text


@pytest.mark.django_db
def test_the_xml_has_the_specifications_elements(client, token_of, office_user, world):
    authorization = token_of(office_user)

    def xml(name, *args, **params):
        response = client.get(reverse(name, args=args), params,
                              HTTP_AUTHORIZATION=authorization)
        assert response["Content-Type"] == "text/xml; charset=utf-8"
        return response.status_code, ElementTree.fromstring(response.content)

    status, root = xml("api:open311_services_xml")
    assert status == 200 and root.tag == "services" and len(root)
    assert all(child.tag == "service" and [e.tag for e in child] == SERVICE for child in root)
    assert {child.findtext("metadata") for child in root} == {"false"}

    status, root = xml("api:open311_requests_xml", **AUGUST)
    assert status == 200 and root.tag == "service_requests" and len(root) == 2
    assert all(child.tag == "request" and [e.tag for e in child] == REQUEST for child in root)
    request = root[0]
    assert request.findtext("lat") == "" and request.findtext("requested_datetime") == (
        "2025-08-04T00:00:00+07:00")

    status, root = xml("api:open311_request_xml", world["recommendation"].pk)
    assert status == 200 and root.tag == "service_requests"
    assert [child.findtext("service_request_id") for child in root] == [
        str(world["recommendation"].pk)]

    # A window with nothing in it, and July's: no request.
    status, root = xml("api:open311_requests_xml", start_date="2025-07-01T00:00:00+07:00",
                       end_date="2025-08-03T23:59:59+07:00")
    assert status == 200 and root.tag == "service_requests" and len(root) == 0

    # Errors are GeoReport's list of errors, in XML.
    status, root = xml("api:open311_request_xml", world["other"]["recommendation"].pk)
    assert status == 404 and root.tag == "errors"
    assert root.find("error/code").text == "404" and root.find("error/description").text
    status, root = xml("api:open311_requests_xml", start_date="2025-01-01T00:00:00Z",
                       end_date="2025-12-31T00:00:00Z")
    assert status == 400 and root.tag == "errors"
    assert root.find("error/description").text.startswith("end_date: ")


@pytest.mark.django_db
def test_json_and_xml_answer_the_same_requests(client, token_of, office_user, world):
    authorization = token_of(office_user)
    as_json = client.get(reverse("api:open311_requests"), AUGUST,
                         HTTP_AUTHORIZATION=authorization).json()
    as_xml = ElementTree.fromstring(client.get(reverse("api:open311_requests_xml"), AUGUST,
                                               HTTP_AUTHORIZATION=authorization).content)
    assert [{key: ("" if value is None else str(value)) for key, value in row.items()}
            for row in as_json] == [{e.tag: e.text or "" for e in request} for request in as_xml]


@pytest.mark.django_db
@pytest.mark.parametrize("output_format", ["json", "xml"])
def test_statuses_and_service_codes_may_be_listed_with_commas(geo, world, head_a,
                                                              output_format):
    """GeoReport v2: status and service_code "can be declared multiple times, comma
    delimited"; service_request_id "overrides all other arguments"."""
    api = geo(output_format)
    for_a, for_b = world["recommendation"], world["recommendation_b"]
    services.recommendation_accept(recommendation=for_a, by=head_a)
    services.recommendation_resolve(recommendation=for_a, by=head_a, answer="Đã bổ sung")

    both = _as_list(api.get_service_requests(status="open,closed", **AUGUST))
    assert {r["service_request_id"] for r in both} == {str(for_a.pk), str(for_b.pk)}
    codes = f"{for_a.category.code},{for_b.category.code},KHONG-CO"
    by_codes = _as_list(api.get_service_requests(service_code=codes, **AUGUST))
    assert {r["service_request_id"] for r in by_codes} == {str(for_a.pk), str(for_b.pk)}
    one_code = _as_list(api.get_service_requests(service_code=for_a.category.code, **AUGUST))
    assert str(for_a.pk) in {r["service_request_id"] for r in one_code}
    # The ids win over a status and a window that would leave the request out.
    by_id = _as_list(api.get_service_requests(service_request_id=str(for_a.pk),
                                              status="open",
                                              start_date="2025-07-01T00:00:00+07:00",
                                              end_date="2025-07-31T00:00:00+07:00"))
    assert [r["service_request_id"] for r in by_id] == [str(for_a.pk)]


@pytest.mark.django_db
def test_a_status_neither_open_nor_closed_is_refused(client, token_of, office_user, world):
    response = client.get(reverse("api:open311_requests"), {"status": "open,pending"},
                          HTTP_AUTHORIZATION=token_of(office_user))
    assert response.status_code == 400


@pytest.mark.django_db
def test_ids_override_the_other_parameters_but_never_the_scope(client, token_of, head_a, world):
    """Asked by id, another department's or province's request is not there."""
    asked = ",".join(str(world[k].pk) for k in ("recommendation", "recommendation_b"))
    asked += f",{world['other']['recommendation'].pk}"
    response = client.get(reverse("api:open311_requests"),
                          {"service_request_id": asked, "status": "open,closed"},
                          HTTP_AUTHORIZATION=token_of(head_a))
    assert response.status_code == 200, response.content
    assert [r["service_request_id"] for r in response.json()] == [
        str(world["recommendation"].pk)]
