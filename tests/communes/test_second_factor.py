"""The second factor (communes/second_factor.py): a role that requires it reaches no page
without it; enrolment at the next sign-in; a wrong code refused, recorded and counted toward
django-axes' lockout; recovery codes good once each; an administrator's reset recorded; API
tokens unaffected; a single sign-on session verified when the setting says so."""

from base64 import b32decode

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from communes import second_factor as sf
from communes.audit import AuditEvent
from communes.services import api_token_create
from tests.test_permission_matrix import MATRIX
from tests.test_permission_matrix import objects as objects  # noqa: PLC0414 (a fixture)

pytestmark = pytest.mark.django_db

Kind = AuditEvent.Kind
PASSWORD = "matkhau-thu-2025"
HOME = reverse("recommendations:home")
ENROL = reverse("second_factor_enrol")
VERIFY = reverse("second_factor_verify")


@pytest.fixture(autouse=True)
def required(settings):
    settings.SECOND_FACTOR_ROLES = ["office", "leader", "national", "admin"]
    settings.OIDC_COUNTS_AS_SECOND_FACTOR = True
    return settings


def sign_in(client, username, next_=None):
    url = reverse("login") + (f"?next={next_}" if next_ else "")
    response = client.post(url, {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return response


def events(kind):
    return list(AuditEvent.objects.filter(kind=kind).order_by("id"))


def key_of(response) -> bytes:
    return b32decode(response.context["secret"].replace(" ", ""))


def enrol(client, next_=""):
    """Through the enrolment page: its secret, a code made from it; the recovery codes."""
    page = client.get(ENROL)
    key = key_of(page)
    response = client.post(ENROL, {"code": f"{totp(key):06d}", "next": next_})
    assert response.status_code == 200
    return key, response.context["codes"]


def enrolled(user):
    """A user with an app and recovery codes, straight in the database."""
    app = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    recovery = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    for token in ("aaaabbbb", "ccccdddd"):
        StaticToken.objects.create(device=recovery, token=token)
    return app


def app_code(device, steps=0):
    return f"{totp(device.bin_key, drift=steps):06d}"


# Who is asked ---------------------------------------------------------------------------------


def test_required_by_role_setting(office_user, leader, national_viewer, admin_user_, head_a,
                                  staff_a, ward_a, settings):
    assert [sf.required_for(u) for u in (office_user, leader, national_viewer, admin_user_)] \
        == [True] * 4
    assert [sf.required_for(u) for u in (head_a, staff_a, ward_a)] == [False] * 3
    settings.SECOND_FACTOR_ROLES = ["unit"]
    assert sf.required_for(ward_a) and not sf.required_for(office_user)
    settings.SECOND_FACTOR_ROLES = []
    assert not sf.required_for(admin_user_)


@pytest.mark.parametrize("role", ["office", "leader", "national", "admin"])
def test_a_role_that_requires_it_reaches_no_page_without_it(client, users_by_role, objects,
                                                             role):
    """Every page of the permission matrix, GET and POST, Django admin and an export: each
    sends the user to enrol; after enrolling (the code page from then on) they open."""
    user = users_by_role[role]
    sign_in(client, user.username)
    addresses = [(reverse(name, kwargs=builder(objects)), method)
                 for name, (builder, _expected, *method) in MATRIX.items()
                 if name not in sf.OPEN_PAGES]
    addresses += [(reverse("admin:index"), []), (reverse("admin:auth_user_changelist"), []),
                  (reverse("recommendations:list") + "?format=xlsx", []),
                  (reverse("password_change"), ["post"])]
    for url, method in addresses:
        response = client.post(url) if method == ["post"] else client.get(url)
        assert response.status_code == 302, (url, response.status_code)
        assert response["Location"].startswith(ENROL), url
        if not method:
            assert response["Location"] == f"{ENROL}?next={_quoted(url)}", url
    enrolled(user)
    response = client.get(HOME)
    assert response["Location"] == f"{VERIFY}?next={_quoted(HOME)}"


def _quoted(url):
    from urllib.parse import quote_plus
    return quote_plus(url)


@pytest.fixture
def users_by_role(office_user, leader, national_viewer, admin_user_):
    return {"office": office_user, "leader": leader, "national": national_viewer,
            "admin": admin_user_}


def test_the_open_pages_stay_open_and_show_no_menu(client, office_user):
    sign_in(client, "office")
    page = client.get(ENROL)
    assert page.status_code == 200
    assert b'class="main-nav"' not in page.content
    assert client.post(reverse("set_language"), {"language": "en", "next": ENROL}
                       ).status_code == 302
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(HOME)["Location"].startswith(reverse("login"))


def test_roles_not_asked_sign_in_as_before(client, head_a, ward_a):
    sign_in(client, "head.a")
    assert client.get(reverse("recommendations:inbox")).status_code == 200
    assert client.get(ENROL).status_code == 403
    page = client.get(reverse("second_factor"))
    assert page.status_code == 200 and page.context["required"] is False


def test_api_tokens_are_unchanged_and_an_unverified_session_is_no_one_there(client,
                                                                             office_user):
    _token, secret = api_token_create(user=office_user, name="Kho")
    api = reverse("api:recommendation-list")
    assert client.get(api, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    sign_in(client, "office")
    assert client.get(api).status_code == 401
    assert client.get(api, HTTP_AUTHORIZATION="Basic b2ZmaWNlOng=").status_code == 401
    assert client.get(api, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    assert client.get(reverse("api:docs"))["Location"].startswith(ENROL)


# Enrolment and the code -----------------------------------------------------------------------


def test_enrolment_at_the_next_sign_in_then_a_code_each_time(client, office_user, province):
    wanted = reverse("recommendations:list")
    sign_in(client, "office", next_=wanted)
    response = client.get(wanted)
    assert response["Location"] == f"{ENROL}?next={_quoted(wanted)}"
    page = client.get(response["Location"])
    assert page.context["qr"].startswith("data:image/svg+xml")
    assert page.context["next"] == wanted
    assert page.context["secret"] in page.content.decode()
    # A wrong confirmation is refused, kept nowhere, and counts for nothing.
    wrong = client.post(ENROL, {"code": "000000", "next": wanted})
    assert wrong.status_code == 400 and b'value="000000"' not in wrong.content
    assert not TOTPDevice.objects.exists() and not AccessAttempt.objects.exists()
    key, codes = enrol(client, next_=wanted)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(len(code) == 9 and code[4] == "-" for code in codes)
    [made] = events(Kind.SECOND_FACTOR_ENROLLED)
    assert (made.actor_id, made.province_id) == (office_user.pk, province.pk)
    assert client.get(wanted).status_code == 200
    assert sf.PENDING_KEY not in client.session
    client.post(reverse("logout"))

    sign_in(client, "office", next_=wanted)
    assert client.get(wanted)["Location"] == f"{VERIFY}?next={_quoted(wanted)}"
    # The code used to enrol is spent; the next step's is good.
    response = client.post(VERIFY, {"code": f"{totp(key, drift=1):06d}", "next": wanted})
    assert response["Location"] == wanted
    assert client.get(wanted).status_code == 200


def test_a_wrong_code_is_refused_recorded_and_counts_toward_lockout(client, office_user,
                                                                    settings):
    # django-otp's own pause after a wrong code would answer "wait" to codes typed this fast.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    enrolled(office_user)
    sign_in(client, "office")
    for attempt in range(1, settings.AXES_FAILURE_LIMIT):
        response = client.post(VERIFY, {"code": "123456"})
        assert response.status_code == 400
        [error] = response.context["form"].errors["code"]
        assert error in response.content.decode()
        assert b'value="123456"' not in response.content
        attempt_row = AccessAttempt.objects.get(username="office")
        assert attempt_row.failures_since_start == attempt
        # What axes keeps of the POST for admin never holds the code (a recovery code
        # typed on the app's page would stay usable there).
        assert "123456" not in attempt_row.post_data
    assert len(events(Kind.SECOND_FACTOR_FAILED)) == settings.AXES_FAILURE_LIMIT - 1
    response = client.post(VERIFY, {"code": "654321"})
    assert response.status_code == 429
    assert "registration/locked_out.html" in [t.name for t in response.templates]
    assert [e.actor_id for e in events(Kind.LOCKED_OUT)] == [office_user.pk]
    # Signed out, and the password alone no longer signs in from this address.
    assert client.get(HOME)["Location"].startswith(reverse("login"))
    refused = client.post(reverse("login"), {"username": "office", "password": PASSWORD})
    assert refused.status_code == 429


def test_a_locked_pair_is_shown_the_lockout_page_on_the_code_page(client, office_user,
                                                                  settings):
    app = enrolled(office_user)
    sign_in(client, "office")
    AccessAttempt.objects.create(username="office", ip_address="127.0.0.1", user_agent="",
                                 failures_since_start=settings.AXES_FAILURE_LIMIT,
                                 get_data="", post_data="", http_accept="", path_info="")
    response = client.post(VERIFY, {"code": app_code(app)})
    assert response.status_code == 429
    assert client.get(HOME)["Location"].startswith(reverse("login"))


def test_recovery_codes_work_once_each(client, office_user, province):
    enrolled(office_user)
    sign_in(client, "office")
    response = client.post(VERIFY, {"code": "AAAA-BBBB", "next": HOME})
    assert response["Location"] == HOME
    [used] = events(Kind.RECOVERY_CODE_USED)
    assert (used.actor_id, used.details["codes_left"]) == (office_user.pk, 1)
    assert client.get(HOME).status_code == 200
    client.post(reverse("logout"))
    sign_in(client, "office")
    again = client.post(VERIFY, {"code": "aaaa-bbbb"})
    assert again.status_code == 400
    assert [e.details["recovery_code"] for e in events(Kind.SECOND_FACTOR_FAILED)] == [True]
    assert client.get(HOME).status_code == 302


def test_new_recovery_codes_need_a_current_code(client, office_user):
    app = enrolled(office_user)
    sign_in(client, "office")
    client.post(VERIFY, {"code": app_code(app)})
    page = reverse("second_factor")
    assert client.get(page).context["codes_left"] == 2
    refused = client.post(page, {"code": "aaaabbbb"})
    assert refused.status_code == 400
    # Within django-otp's pause after a wrong code, even the right one waits (not counted).
    waiting = client.post(page, {"code": app_code(app, steps=1)})
    assert waiting.status_code == 400
    assert AccessAttempt.objects.get(username="office").failures_since_start == 1
    TOTPDevice.objects.get(pk=app.pk).throttle_reset()
    made = client.post(page, {"code": app_code(app, steps=1)})
    codes = made.context["codes"]
    assert len(codes) == 10 and StaticToken.objects.count() == 10
    assert not StaticToken.objects.filter(token="ccccdddd").exists()
    assert events(Kind.SECOND_FACTOR_ENROLLED)[-1].details["regenerated"] is True


# The administrator's reset, single sign-on ------------------------------------------------------


def test_an_administrators_reset_is_recorded_and_the_user_enrols_again(
        client, admin_user_, office_user, province, settings):
    settings.SECOND_FACTOR_ROLES = ["office"]
    app = enrolled(office_user)
    user_client = client.__class__()
    sign_in(user_client, "office")
    user_client.post(VERIFY, {"code": app_code(app)})
    assert user_client.get(HOME).status_code == 200

    client.force_login(admin_user_)
    listing = client.get(reverse("admin:auth_user_changelist"))
    assert listing.status_code == 200
    response = client.post(reverse("admin:auth_user_changelist"), {
        "action": "second_factor_reset", "_selected_action": [office_user.pk]})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=office_user).exists()
    assert not StaticDevice.objects.filter(user=office_user).exists()
    [reset] = events(Kind.SECOND_FACTOR_RESET)
    assert (reset.actor_id, reset.object_id, reset.province_id, reset.details["devices"]) == (
        admin_user_.pk, str(office_user.pk), province.pk, 2)
    # The user's session verified with the deleted app is verified no more: they enrol again.
    assert user_client.get(HOME)["Location"].startswith(ENROL)


def test_a_single_sign_on_session_counts_when_the_setting_says_so(client, office_user,
                                                                  settings):
    client.force_login(office_user)
    session = client.session
    session[sf.SIGNED_IN_WITH] = "oidc"
    session.save()
    assert client.get(HOME).status_code == 200
    settings.OIDC_COUNTS_AS_SECOND_FACTOR = False
    assert client.get(HOME)["Location"].startswith(ENROL)


def test_a_single_sign_on_session_is_not_an_administrators_second_factor(client, admin_user_):
    client.force_login(admin_user_)
    session = client.session
    session[sf.SIGNED_IN_WITH] = "oidc"
    session.save()
    assert client.get(HOME)["Location"].startswith(ENROL)


def test_a_role_key_that_names_no_role_stops_the_server(settings):
    settings.SECOND_FACTOR_ROLES = ["office", "leadr"]
    [error] = sf.check_roles()
    assert error.id == "communes.E001" and "leadr" in error.msg
    settings.SECOND_FACTOR_ROLES = ["office", "admin"]
    assert sf.check_roles() == []
