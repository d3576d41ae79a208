"""Every URL pattern, for every role, answers what communes/whomay.py says it should.

The URLs are walked from the resolver, the API's included; each view's rule is read back from
the view itself (whomay.rule_of), each object from its URL's arguments, and
`whomay.expect(user, view, obj)` says 401, 403, 404, the login page or "let in" (a page, or
the redirect or form error it answers an empty request). Objects belong to province P, routed
to department A and raised by ward A: department B, ward B and the office of province Q are the
users they are out of scope for; the national viewer sees every province.

tests/test_permission_matrix.py holds each page's exact status; this test holds that the rules
in one place are the rules the pages keep, for every role, the national viewer included.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from communes import whomay
from inspections.models import Difficulty
from tests.test_permission_matrix import MATRIX, PROVINCE_EDITORS, objects  # noqa: F401

ROLES = ["anonymous", "office", "head_a", "staff_a", "head_b", "leader", "national", "admin",
         "ward_a", "ward_b", "office_q"]
LET_IN = 200

# The object a URL's arguments name (keys of the permission matrix's `objects`).
SUBJECTS = {
    **dict.fromkeys([
        "inspections:round_detail", "inspections:round_edit", "inspections:group_create",
        "inspections:figures_import", "recommendations:routing",
        "recommendations:round_report", "recommendations:round_report_issue"], "round"),
    **dict.fromkeys([
        "inspections:group_detail", "inspections:group_edit", "inspections:session_create"],
        "group"),
    **dict.fromkeys([
        "recommendations:session_detail", "inspections:session_history",
        "inspections:session_edit", "recommendations:session_record",
        "recommendations:session_notice", "inspections:session_reopen",
        "recommendations:session_attachment_add", "recommendations:session_notice_issue",
        "recommendations:unit_session"], "session"),
    **dict.fromkeys(["inspections:directive_detail", "inspections:directive_cite"],
                    "directive"),
    **dict.fromkeys(["recommendations:follow_up_update", "recommendations:unit_directive"],
                    "follow_up"),
    **dict.fromkeys(["recommendations:detail", "recommendations:act",
                     "recommendations:unit_recommendation"], "recommendation"),
    **dict.fromkeys(["inspections:register_detail", "inspections:register_file",
                     "inspections:register_withdraw", "inspections:register_upload"],
                    "issued_document"),
    **dict.fromkeys(["webhooks:detail", "webhooks:new_secret", "webhooks:pause",
                     "webhooks:resume", "webhooks:delete"], "webhook"),
    "webhooks:redeliver": "webhook_delivery",
    "recommendations:attachment": "attachment",
    "recommendations:unit_profile": "unit",
    "recommendations:unit_report_decide": "unit_report",
    "recommendations:api_token_revoke": "api_token",
    "inspections:settings_calendar_day": "calendar_day",
    "inspections:settings_routing_edit": "category",
    "inspections:settings_person_edit": "person",
    "inspections:settings_issuer_edit": "issuing_body",
    # The API's objects, and Open311's requests (recommendations).
    **{f"api:{base}-detail": base for base in (
        "round", "group", "session", "recommendation", "difficulty", "directive", "unit",
        "department", "category")},
    "api:open311_request": "recommendation", "api:open311_request_xml": "recommendation",
}

# Django's own pages declare nothing of ours: its sign-in pages are open, changing one's
# password needs a login. Django admin is left to its own check (config/urls.py: superusers
# only), and is not walked.
DJANGO = {"login": whomay.PUBLIC, "logout": whomay.PUBLIC, "password_reset": whomay.PUBLIC,
          "password_reset_done": whomay.PUBLIC, "password_reset_confirm": whomay.PUBLIC,
          "password_reset_complete": whomay.PUBLIC, "set_language": whomay.PUBLIC,
          "password_change": whomay.LOGIN, "password_change_done": whomay.LOGIN}
DJANGO_KWARGS = {"password_reset_confirm": {"uidb64": "MQ", "token": "set-password"}}
POSTED = {"logout", "set_language"}

# Where a page still refuses in its body what its rule lets in (whomay.expect cannot see it):
# url name → {role: status}. Each is a rule the page keeps beside the one it declares.
BODY_RULES = {
    # An administrator without a province records and sets up through Django admin.
    **{name: {"admin": 403} for name, (_b, expected, *_m) in MATRIX.items()
       if expected is PROVINCE_EDITORS},
    # Issuing a document is for the office of its province (recommendations/views/
    # documents.py, is_office_of); readers read the draft.
    **dict.fromkeys(["recommendations:session_notice_issue",
                     "recommendations:round_report_issue"], {"leader": 403, "national": 403}),
    # With no role asked for a second factor (the test settings), enrolment is refused.
    "second_factor_enrol": dict.fromkeys(set(ROLES) - {"anonymous"}, 403),
    # The feed's secret is its login; an unknown one is nobody's (tests/recommendations/
    # test_calendar.py reads a known one).
    "recommendations:calendar_feed": dict.fromkeys(ROLES, 404),
    # Signing out sends everyone to the login page (LOGOUT_REDIRECT_URL).
    "logout": dict.fromkeys(ROLES, whomay.LOGIN_PAGE),
}


def walk(patterns, prefix=""):
    """(url name, view) of every named pattern but Django admin's."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from walk(pattern.url_patterns, namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield prefix + pattern.name, pattern.callback


URLS = dict(walk(get_resolver().url_patterns))


def test_every_view_declares_who_may_open_it():
    """A new page says who may open it (a decorator of communes/decorators.py, whomay.public,
    or an API permission class), or this fails."""
    silent = sorted(name for name, view in URLS.items()
                    if name not in DJANGO and whomay.rule_of(view) is None)
    assert silent == []


def test_every_object_url_names_its_object():
    """A URL that takes an id says which object it is, so the test asks for its rows."""
    other_arguments = {"recommendations:calendar_feed", "inspections:settings_issuer_create"}
    unnamed = sorted(name for name in URLS if name not in DJANGO and name not in SUBJECTS
                     and name not in other_arguments and _takes_arguments(name))
    assert unnamed == []


def _takes_arguments(name):
    try:
        reverse(name)
    except NoReverseMatch:
        return True
    return False


@pytest.fixture
def users(office_user, head_a, staff_a, head_b, leader, national_viewer, admin_user_, ward_a,
          ward_b, other_office_user):
    return {"anonymous": AnonymousUser(), "office": office_user, "head_a": head_a,
            "staff_a": staff_a, "head_b": head_b, "leader": leader,
            "national": national_viewer, "admin": admin_user_, "ward_a": ward_a,
            "ward_b": ward_b, "office_q": other_office_user}


@pytest.fixture
def world(objects, department_a):  # noqa: F811  the matrix's objects, and the API's others
    session, recommendation = objects["session"], objects["recommendation"]
    difficulty = Difficulty.objects.create(session=session, category=recommendation.category,
                                           text="Thiếu cán bộ")
    difficulty.units.set([objects["unit"]])
    return {**objects, "difficulty": difficulty, "department": department_a}


def _request(client, name, world):
    """The URL with its object's arguments, and the method the matrix sends it with."""
    view = URLS[name]
    if name in MATRIX:
        builder, _expected, *method = MATRIX[name]
        kwargs, post = builder(world), method == ["post"]
    else:
        subject = SUBJECTS.get(name)
        kwargs = {"pk": world[subject].pk} if subject else DJANGO_KWARGS.get(name, {})
        post = name in POSTED
    url = reverse(name, kwargs=kwargs)
    subject = world[SUBJECTS[name]] if name in SUBJECTS else None
    response = client.post(url) if post else client.get(url)
    return view, subject, kwargs, response


def _expected(name, view, user, role, subject, kwargs):
    if name in BODY_RULES and role in BODY_RULES[name]:
        return BODY_RULES[name][role]
    if name in DJANGO:
        return whomay.expect(user, whomay.declare(lambda request: None, DJANGO[name]))
    return whomay.expect(user, view, subject, kwargs)


def _answered(response):
    status = response.status_code
    if status == 302 and response["Location"].startswith(reverse("login")):
        return whomay.LOGIN_PAGE
    return status if status in (401, 403, 404) else LET_IN


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(URLS))
def test_every_url_answers_what_who_may_says(client, users, world, name):
    wrong = {}
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(users[role])
        view, subject, kwargs, response = _request(client, name, world)
        expected = _expected(name, view, users[role], role, subject, kwargs)
        if _answered(response) != expected:
            wrong[role] = (expected, response.status_code)
    assert wrong == {}, "role: (expected, answered)"


@pytest.mark.django_db
def test_may_is_one_question(users, world):
    """Pages, rows and steps through one call (after netbox's restrict(user, action))."""
    recommendation = world["recommendation"]
    recommendation.refresh_from_db()  # routed to A since it was made
    assert whomay.may(users["national"], whomay.READER, recommendation)
    assert not whomay.may(users["office_q"], whomay.READER, recommendation)  # not its row
    assert whomay.may(users["head_a"], "note", recommendation)
    assert not whomay.may(users["head_b"], "note", recommendation)  # routed to A
    assert not whomay.may(users["office"], "note", recommendation)  # the office's is not to
    assert whomay.may(users["office"], "publish", recommendation)
    assert not whomay.may(users["ward_a"], whomay.API)
    assert whomay.may(users["head_a"], whomay.API)
    assert not whomay.may(users["head_a"], whomay.API_DASHBOARD)


def test_a_misspelt_page_rule_is_refused_when_the_view_is_declared():
    from django.core.exceptions import ImproperlyConfigured

    from communes.decorators import role_required

    with pytest.raises(ImproperlyConfigured, match="ofice"):
        role_required("ofice")
