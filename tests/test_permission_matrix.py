"""Every URL of the portal's own apps, for every role, answers what it should.

The URL list is walked from the resolver, so a new URL without a row here fails the test:
whoever adds a page must say who may open it. Objects belong to province P; the
recommendation is routed to department A, so department B's head must get 404 for it.
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from communes import services as communes_services
from communes.documents import Letterhead
from communes.models import CalendarDay, IssuingBody
from inspections import services as inspection_services
from inspections.models import Directive
from recommendations import services
from recommendations.webhooks import services as webhook_services
from recommendations.webhooks.models import Delivery
from tests import factories

ROLES = ["anonymous", "office", "head_a", "staff_a", "head_b", "leader", "admin", "ward_a",
         "ward_b"]
LOGIN = "login"

# Expected status per role; "login" means a redirect to the login page. A ward's staff work
# on their unit's own pages only.
EVERYONE = {"anonymous": LOGIN, "office": 200, "head_a": 200, "staff_a": 200, "head_b": 200,
            "leader": 200, "admin": 200, "ward_a": 403, "ward_b": 403}
READERS = {**EVERYONE, "head_a": 403, "staff_a": 403, "head_b": 403}
EDITORS = {**READERS, "leader": 403}
# Creating a round needs a province: an admin without one works in Django admin.
PROVINCE_EDITORS = {**EDITORS, "admin": 403}
# Seen by whoever may see department A's recommendation; department B gets 404.
RECOMMENDATION_READERS = {**EVERYONE, "head_b": 404}
DEPARTMENTS = {**EVERYONE, "office": 403, "leader": 403, "admin": 403}
POSTED = {**EDITORS, "office": 302, "admin": 302}
NOBODY = dict.fromkeys(ROLES, 403) | {"anonymous": LOGIN}
# What makes the unit's pages an offline app (the manifest, the service worker, the page it
# shows offline) holds nothing of anyone's: the browser fetches the manifest without cookies.
PUBLIC = dict.fromkeys(ROLES, 200)
# Ward A raised the recommendation, attends the session and was given the directive.
UNITS = {**NOBODY, "ward_a": 200, "ward_b": 200}
WARD_A = {**UNITS, "ward_b": 404}


# The objects a row's URL is built from (the `objects` fixture below, and the demo's in
# tests/browser/test_accessibility.py, which opens every page of this matrix): "round",
# "group", "session", "unit", "recommendation", "attachment", "directive", "follow_up",
# "calendar_day", "category", "person" (a user of the province).
def _round(o):
    return {"pk": o["round"].pk}


def _group(o):
    return {"pk": o["group"].pk}


def _session(o):
    return {"pk": o["session"].pk}


def _recommendation(o):
    return {"pk": o["recommendation"].pk}


def _issued(o):
    return {"pk": o["issued_document"].pk}


# url name → (kwargs builder, {role: status}[, "post"])
MATRIX = {
    # Everyone's work; a unit's staff are sent to their unit's page.
    "recommendations:home": (lambda o: {}, {**EVERYONE, "ward_a": 302, "ward_b": 302}),
    "inspections:round_list": (lambda o: {}, READERS),
    "inspections:round_create": (lambda o: {}, PROVINCE_EDITORS),
    "inspections:round_detail": (_round, READERS),
    "inspections:round_edit": (_round, EDITORS),
    "inspections:group_create": (lambda o: {"round_pk": o["round"].pk}, EDITORS),
    "inspections:group_detail": (_group, READERS),
    "inspections:group_edit": (_group, EDITORS),
    "inspections:session_create": (lambda o: {"group_pk": o["group"].pk}, EDITORS),
    "recommendations:session_detail": (_session, READERS),
    "inspections:session_history": (_session, READERS),
    "inspections:session_edit": (_session, EDITORS),
    "recommendations:session_record": (_session, READERS),
    # The conclusion notice is the office's to issue; leaders read the draft of it as they
    # read the round's report (it changes nothing).
    "recommendations:session_notice": (_session, READERS),
    # The draft session cannot be reopened, so office staff are sent back to it.
    "inspections:session_reopen": (_session, POSTED, "post"),
    "inspections:directive_detail": (lambda o: {"pk": o["directive"].pk}, READERS),
    "recommendations:routing": (lambda o: {"round_pk": o["round"].pk}, EDITORS),
    "recommendations:inbox": (lambda o: {}, DEPARTMENTS),
    "recommendations:follow_up": (lambda o: {}, EDITORS),
    # An empty form: 400, the follow-up page with the row's errors, for office staff.
    "recommendations:follow_up_update": (lambda o: {"pk": o["follow_up"].pk},
                                         {**POSTED, "office": 400, "admin": 400}, "post"),
    "recommendations:detail": (_recommendation, RECOMMENDATION_READERS),
    # An empty progress note: 400 (form error) for those who may write one, 403 for the
    # rest, 404 for department B.
    "recommendations:act": (
        lambda o: {"pk": o["recommendation"].pk, "action": "note"},
        {**RECOMMENDATION_READERS, "office": 403, "leader": 403, "head_a": 400, "staff_a": 400,
         "admin": 400}, "post"),
    # A department's file on its response is not the ward's to read.
    "recommendations:attachment": (lambda o: {"pk": o["attachment"].pk},
                                   {**RECOMMENDATION_READERS, "ward_a": 404, "ward_b": 404}),
    "recommendations:session_attachment_add": (_session, POSTED, "post"),
    "recommendations:dashboard": (lambda o: {}, READERS),
    # The directives given to units, behind the numbers of the dashboard's split.
    "recommendations:directive_list": (lambda o: {}, READERS),
    # Department users see the list of their own items.
    "recommendations:list": (lambda o: {}, EVERYONE),
    # The task-tracking report: a department's of its own tasks, as its list.
    "recommendations:tracking_export": (lambda o: {}, EVERYONE),
    "recommendations:unit_profile": (lambda o: {"pk": o["unit"].pk}, READERS),
    "recommendations:search": (lambda o: {}, EVERYONE),
    "recommendations:round_report": (_round, READERS),
    "inspections:figures_import": (_round, EDITORS),
    "recommendations:unit_home": (lambda o: {}, UNITS),
    "recommendations:unit_session": (_session, WARD_A),
    "recommendations:unit_manifest": (lambda o: {}, PUBLIC),
    "recommendations:unit_sw": (lambda o: {}, PUBLIC),
    "recommendations:unit_offline": (lambda o: {}, PUBLIC),
    "recommendations:unit_recommendation": (_recommendation, WARD_A),
    "recommendations:unit_directive": (lambda o: {"pk": o["follow_up"].pk}, WARD_A),
    # An empty decision: 400 with the follow-up page for the office.
    "recommendations:unit_report_decide": (lambda o: {"pk": o["unit_report"].pk},
                                           {**EDITORS, "office": 400, "admin": 400}, "post"),
    # Everyone who sees something has API tokens of their own.
    "recommendations:api_tokens": (lambda o: {}, EVERYONE),
    # Another user's token answers 404, one's own is revoked and sends back to the page.
    "recommendations:api_token_revoke": (lambda o: {"pk": o["api_token"].pk},
                                         {**EVERYONE, "head_a": 302, "office": 404,
                                          "staff_a": 404, "head_b": 404, "leader": 404,
                                          "admin": 404}, "post"),
    # Everyone with a scope has a work calendar, a unit's staff too (their tasks and sessions);
    # revoking one's link sends back to the page; the feed reads no login, only its secret,
    # and an unknown one answers 404 to everyone (tests/recommendations/test_calendar.py).
    "recommendations:calendar": (lambda o: {}, {**EVERYONE, "ward_a": 200, "ward_b": 200}),
    "recommendations:calendar_revoke": (lambda o: {}, {
        **dict.fromkeys(ROLES, 302), "anonymous": LOGIN}, "post"),
    "recommendations:calendar_feed": (lambda o: {"secret": "lc_unknown"},
                                      dict.fromkeys(ROLES, 404)),
    # The second factor's pages (tests/communes/test_second_factor.py): with no role asked
    # for one (the test settings), everyone's own page says so, the code page sends on, and
    # enrolment is refused.
    "second_factor": (lambda o: {}, {**PUBLIC, "anonymous": LOGIN}),
    "second_factor_verify": (lambda o: {}, {**dict.fromkeys(ROLES, 302), "anonymous": LOGIN}),
    "second_factor_enrol": (lambda o: {}, NOBODY),
    # Giving a number is the office's: a GET without the header's fields is the form again
    # with its errors (400); confirming happens on that page (tests/recommendations/
    # test_register.py).
    "recommendations:session_notice_issue": (_session, {**EDITORS, "office": 400,
                                                        "admin": 400}),
    "recommendations:round_report_issue": (_round, {**EDITORS, "office": 400, "admin": 400}),
    # The register of outgoing documents is the office's.
    "inspections:register_list": (lambda o: {}, EDITORS),
    "inspections:register_detail": (_issued, EDITORS),
    "inspections:register_file": (lambda o: {**_issued(o), "which": "issued"}, EDITORS),
    # Empty forms: 400 with the entry's page and the errors.
    "inspections:register_withdraw": (_issued, {**EDITORS, "office": 400, "admin": 400},
                                      "post"),
    "inspections:register_upload": (_issued, {**EDITORS, "office": 400, "admin": 400},
                                    "post"),
    # No document chosen clears the citation.
    "inspections:directive_cite": (lambda o: {"pk": o["directive"].pk}, POSTED, "post"),
    # The office's settings for its own province; an admin without one uses Django admin.
    "inspections:settings": (lambda o: {}, PROVINCE_EDITORS),
    "inspections:settings_calendar": (lambda o: {}, PROVINCE_EDITORS),
    "inspections:settings_calendar_day": (lambda o: {"pk": o["calendar_day"].pk},
                                          PROVINCE_EDITORS),
    "inspections:settings_departments": (lambda o: {}, PROVINCE_EDITORS),
    "inspections:settings_routing": (lambda o: {}, PROVINCE_EDITORS),
    "inspections:settings_routing_edit": (lambda o: {"category_pk": o["category"].pk},
                                          PROVINCE_EDITORS),
    # The audit log: an administrator sees every province's, the office its own's.
    "inspections:settings_audit": (lambda o: {}, EDITORS),
    "inspections:settings_people": (lambda o: {}, PROVINCE_EDITORS),
    "inspections:settings_person_create": (lambda o: {}, PROVINCE_EDITORS),
    "inspections:settings_person_edit": (lambda o: {"pk": o["person"].pk}, PROVINCE_EDITORS),
    "inspections:settings_issuers": (lambda o: {}, PROVINCE_EDITORS),
    "inspections:settings_issuer_edit": (lambda o: {"pk": o["issuing_body"].pk},
                                         PROVINCE_EDITORS),
    "inspections:settings_issuer_create": (lambda o: {"kind": "state"}, PROVINCE_EDITORS),
    # Webhooks: the office's, for its province, and administrators'; the list makes one.
    "webhooks:list": (lambda o: {}, EDITORS),
    "webhooks:detail": (lambda o: {"pk": o["webhook"].pk}, EDITORS),
    "webhooks:new_secret": (lambda o: {"pk": o["webhook"].pk}, EDITORS, "post"),
    "webhooks:pause": (lambda o: {"pk": o["webhook"].pk}, POSTED, "post"),
    "webhooks:resume": (lambda o: {"pk": o["webhook"].pk}, POSTED, "post"),
    # Unconfirmed: the page that asks.
    "webhooks:delete": (lambda o: {"pk": o["webhook"].pk}, EDITORS, "post"),
    "webhooks:redeliver": (lambda o: {"pk": o["webhook_delivery"].pk}, POSTED, "post"),
}
# Pages of a unit's staff: another province's office may not open them at all (403).
UNIT_PAGES = {"recommendations:unit_home", "recommendations:unit_session",
              "recommendations:unit_recommendation", "recommendations:unit_directive"}
# Objects of another province answer 404 to its office staff.
OBJECT_URLS = [name for name, (builder, *_rest) in MATRIX.items()
               if name not in ("recommendations:home", "inspections:round_list",
                               "inspections:register_list",
                               "inspections:round_create", "recommendations:inbox",
                               "recommendations:follow_up", "recommendations:dashboard",
                               "recommendations:directive_list",
                               "recommendations:list", "recommendations:search",
                               "recommendations:tracking_export",
                               "recommendations:api_tokens",
                               "recommendations:api_token_revoke",
                               "recommendations:calendar", "recommendations:calendar_revoke",
                               "recommendations:calendar_feed", "webhooks:list",
                               "second_factor", "second_factor_verify",
                               "second_factor_enrol")
               and name not in UNIT_PAGES and MATRIX[name][1] is not PUBLIC
               # Settings of the user's own province; the calendar and categories are national.
               and (not name.startswith("inspections:settings")
                    or name == "inspections:settings_person_edit")]
# Django's and libraries' own pages, tested where they are configured; the API's addresses
# answer JSON to tokens and have their own exhaustive test (tests/api/test_permissions.py).
NOT_OURS = ("admin:", "set_language", "login", "logout", "password_", "api:")


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
def users(office_user, head_a, staff_a, head_b, leader, admin_user_, ward_a, ward_b):
    return {"anonymous": None, "office": office_user, "head_a": head_a, "staff_a": staff_a,
            "head_b": head_b, "leader": leader, "admin": admin_user_, "ward_a": ward_a,
            "ward_b": ward_b}


@pytest.fixture
def objects(province, department_a, head_a, office_user, ward_a_unit, ward_a):
    unit = ward_a_unit
    session = factories.SessionFactory(group__round__province=province, units=[unit])
    recommendation = factories.RecommendationFactory(session=session)
    services.recommendation_route(recommendation=recommendation, by=office_user,
                                  lead_department=department_a)
    response = services.recommendation_respond(
        recommendation=recommendation, by=head_a, text="Trả lời",
        files=[SimpleUploadedFile("Báo cáo.pdf", b"%PDF-1.4 test", "application/pdf")])
    recommendation.units.set([unit])
    directive = Directive.objects.create(session=session, text="Nhiệm vụ")
    follow_up = directive.follow_ups.create(unit=unit)
    report = services.unit_directive_report(follow_up=follow_up, by=ward_a, text="Đã làm")
    issued = inspection_services.document_issue(
        province=province, by=office_user, filename="thong-bao", session=session,
        letterhead=Letterhead(kind="party", issuer="Tỉnh ủy Lạng Sơn", symbol="TU",
                              type_code="TB", doc_type="Thông báo", summary="kết luận",
                              place="Lạng Sơn", date=datetime.date(2025, 8, 5),
                              recipients="Như trên", signer="T/L BAN THƯỜNG VỤ"),
        write=lambda letterhead: b"PK docx")
    webhook = webhook_services.subscription_create(
        by=office_user, province=province, name="LGSP", url="http://127.0.0.1:9/hook",
        events=["recommendation.routed"])[0]
    return {"round": session.group.round, "group": session.group, "session": session,
            "unit": unit, "recommendation": recommendation,
            "calendar_day": CalendarDay.objects.first(), "category": recommendation.category,
            "person": head_a, "webhook": webhook, "webhook_delivery": Delivery.objects.create(
                subscription=webhook, event="recommendation.routed",
                object_type="recommendation", object_id=recommendation.pk, payload={}),
            "issuing_body": IssuingBody.objects.get_or_create(province=province, kind="party")[0],
            "api_token": communes_services.api_token_create(user=head_a, name="Kho")[0],
            "attachment": response.attachments.get(), "directive": directive,
            "follow_up": follow_up, "unit_report": report, "issued_document": issued}


def _request(client, url_name, objects):
    builder, _expected, *method = MATRIX[url_name]
    url = reverse(url_name, kwargs=builder(objects))
    return client.post(url) if method == ["post"] else client.get(url)


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", sorted(MATRIX))
def test_status_for_every_role(client, users, objects, url_name):
    expected = MATRIX[url_name][1]
    for role in ROLES:
        client.logout()
        if users[role] is not None:
            client.force_login(users[role])
        response = _request(client, url_name, objects)
        if expected[role] == LOGIN:
            assert response.status_code == 302, role
            assert response["Location"].startswith(reverse("login")), role
        else:
            assert response.status_code == expected[role], role


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", OBJECT_URLS)
def test_another_provinces_office_gets_404(client, other_office_user, objects, url_name):
    client.force_login(other_office_user)
    assert _request(client, url_name, objects).status_code == 404
