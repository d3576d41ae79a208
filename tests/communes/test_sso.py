"""Single sign-on's relying party (communes/sso.py) without a provider: off by default, the
account matching, the refusals and their audit events, the ID token's checks, sign-out.
End to end against a real provider: tests/browser/test_sso.py."""

import time
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.test import RequestFactory

from communes import audit, roles, sso
from communes.audit import AuditEvent
from tests import factories
from tests.sso_provider.running import CLIENT_ID, sso_configured, sso_settings

ISSUER = "http://127.0.0.1:9/o"  # nothing listens there: discovery fails at once
END_SESSION = "https://id.example.vn/logout"


@pytest.fixture
def sso_on():
    with sso_configured(**sso_settings(ISSUER, OIDC_OP_END_SESSION_ENDPOINT=END_SESSION)):
        yield


@pytest.fixture
def by_email():
    with sso_configured(**sso_settings(ISSUER, OIDC_USERNAME_CLAIM="email",
                                       OIDC_USER_FIELD="email")):
        yield


@pytest.fixture
def backend(rf):
    backend = sso.ProvinceOIDCBackend()
    backend.request = rf.get("/oidc/callback/")
    return backend


@pytest.fixture
def office(province):
    return factories.profile(factories.UserFactory(
        username="office", email="Office@Example.vn", role=roles.OFFICE_STAFF),
        province=province)


def refusals():
    return list(AuditEvent.objects.filter(kind=AuditEvent.Kind.SSO_REFUSED))


# Off unless configured --------------------------------------------------------------------


def test_off_by_default_no_urls_no_button_no_backend(client, db, settings):
    assert not settings.OIDC_RP_CLIENT_ID
    assert sso.BACKEND not in settings.AUTHENTICATION_BACKENDS
    assert client.get("/oidc/authenticate/").status_code == 404
    assert client.get("/oidc/callback/?code=x&state=y").status_code == 404
    page = client.get("/accounts/login/")
    assert b"/oidc/" not in page.content


def test_configured_login_page_offers_the_button_beside_the_password_form(client, db, sso_on):
    page = client.get("/accounts/login/?next=/rounds/")
    html = page.content.decode()
    assert 'href="/oidc/authenticate/?next=/rounds/"' in html
    assert 'name="password"' in html


def test_password_sign_in_and_django_admin_keep_working(client, admin_user_, sso_on):
    answer = client.post("/accounts/login/", {"username": "root",
                                              "password": "matkhau-thu-2025"})
    assert answer.status_code == 302
    assert client.get("/admin/").status_code == 200
    login = AuditEvent.objects.get(kind=AuditEvent.Kind.LOGIN)
    assert login.details == {}  # a password sign-in names no method


# Matching: one existing, active user; nobody created --------------------------------------


def test_matches_by_username_claim_by_default(backend, office, sso_on):
    assert backend.filter_users_by_claims({"preferred_username": "office"}) == [office]
    assert not refusals()


def test_matches_by_email_without_case_when_so_configured(backend, office, by_email):
    claims = {"email": "office@example.VN", "email_verified": True,
              "preferred_username": "nguyen.van.a"}
    assert backend.verify_claims(claims)
    assert backend.filter_users_by_claims(claims) == [office]


def test_unknown_user_refused_never_created_and_audited(backend, office, sso_on):
    users = get_user_model().objects.count()
    with pytest.raises(sso.SignInRefused) as refused:
        backend.filter_users_by_claims({"preferred_username": "Office"})  # case counts
    assert "“Office”" in refused.value.message
    with pytest.raises(sso.SignInRefused):
        backend.create_user({"preferred_username": "someone"})
    assert get_user_model().objects.count() == users
    [first, second] = sorted(refusals(), key=lambda event: event.pk)
    assert first.actor is None and first.actor_name == "Office"
    assert first.details == {"reason": "unknown", "claim": "preferred_username",
                             "value": "Office"}
    assert second.details["value"] == "someone"


def test_get_or_create_user_finds_and_never_creates(backend, office, sso_on, monkeypatch):
    monkeypatch.setattr(backend, "get_userinfo",
                        lambda *args: {"sub": "1", "preferred_username": "office"})
    assert backend.get_or_create_user("access", "id", {"sub": "1"}) == office
    monkeypatch.setattr(backend, "get_userinfo",
                        lambda *args: {"sub": "2", "preferred_username": "stranger"})
    users = get_user_model().objects.count()
    with pytest.raises(sso.SignInRefused):
        backend.get_or_create_user("access", "id", {"sub": "2"})
    assert get_user_model().objects.count() == users


def test_inactive_user_refused_and_audited_under_the_account(backend, office, sso_on):
    office.is_active = False
    office.save()
    with pytest.raises(sso.SignInRefused) as refused:
        backend.filter_users_by_claims({"preferred_username": "office"})
    assert "“office”" in refused.value.message
    [event] = refusals()
    assert event.actor == office
    assert event.province_id == office.profile.province_id  # the office sees it
    assert event.details["reason"] == "inactive"


def test_two_accounts_with_one_address_refused(backend, office, by_email):
    factories.UserFactory(username="office2", email="office@example.vn")
    with pytest.raises(sso.SignInRefused):
        backend.filter_users_by_claims({"email": "office@example.vn"})
    assert refusals()[0].details["reason"] == "ambiguous"


def test_unverified_email_or_missing_claim_refused(backend, office, by_email):
    with pytest.raises(sso.SignInRefused):
        backend.verify_claims({"email": "office@example.vn", "email_verified": False})
    with pytest.raises(sso.SignInRefused):
        backend.verify_claims({"preferred_username": "office"})
    assert sorted(e.details["reason"] for e in refusals()) == ["email_unverified",
                                                               "missing_claim"]


# The ID token: issuer and audience checked besides signature, expiry and nonce -----------


@pytest.fixture
def signing_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def id_token(key, **claims):
    now = int(time.time())
    payload = {"iss": ISSUER, "aud": CLIENT_ID, "sub": "1", "nonce": "n", "iat": now,
               "exp": now + 300, **claims}
    return jwt.encode(payload, key, algorithm="RS256", headers={"kid": "k"})


@pytest.mark.parametrize("claims", [{"iss": "http://elsewhere/o"}, {"aud": "another-client"},
                                    {"nonce": "replayed"}])
def test_id_token_from_elsewhere_refused(backend, signing_key, claims, sso_on, monkeypatch):
    monkeypatch.setattr(backend, "retrieve_matching_jwk", lambda token: signing_key.public_key())
    assert backend.verify_token(id_token(signing_key), nonce="n")["sub"] == "1"
    with pytest.raises(SuspiciousOperation):
        backend.verify_token(id_token(signing_key, **claims), nonce="n")


# The views: no error page whatever comes back --------------------------------------------


def test_provider_unreachable_sends_back_to_login_with_a_message(client, db, sso_on):
    answer = client.get("/oidc/authenticate/", follow=True)
    assert answer.redirect_chain[-1][0] == "/accounts/login/"
    assert "did not complete" in answer.content.decode() or "Chưa đăng nhập" in (
        answer.content.decode())


def test_callback_with_a_state_never_sent_sends_back_to_login(client, db, sso_on):
    session = client.session
    session["oidc_states"] = {"mine": {"nonce": "n", "code_verifier": None}}
    session.save()
    answer = client.get("/oidc/callback/?code=c&state=forged")
    assert answer.status_code == 302 and answer["Location"] == "/accounts/login/"
    answer = client.get("/oidc/callback/?error=access_denied&state=mine")
    assert answer.status_code == 302 and answer["Location"] == "/accounts/login/"


# Sign-in recorded once, and sign-out ending the provider's session -------------------------


def test_oidc_sign_in_is_one_login_event_saying_so(client, office, sso_on):
    client.force_login(office, backend=sso.BACKEND)
    [login] = AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGIN)
    assert login.actor == office and login.details == {"method": "oidc"}


def test_sign_out_of_an_sso_session_goes_on_to_the_provider(client, office, sso_on):
    client.force_login(office, backend=sso.BACKEND)
    session = client.session
    session.update({"signed_in_with": "oidc", "oidc_id_token": "the.id.token"})
    session.save()
    answer = client.post("/accounts/logout/")
    assert answer.status_code == 302
    where = urlsplit(answer["Location"])
    assert f"{where.scheme}://{where.netloc}{where.path}" == END_SESSION
    assert parse_qs(where.query) == {
        "id_token_hint": ["the.id.token"], "client_id": [CLIENT_ID],
        "post_logout_redirect_uri": ["http://testserver/accounts/login/"]}
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302


def test_sign_out_of_a_password_session_stays_on_the_portal(client, office, sso_on):
    client.force_login(office)
    answer = client.post("/accounts/logout/")
    assert answer["Location"] == "/accounts/login/"
    assert client.get("/accounts/logout/").status_code == 405


def test_logout_form_may_redirect_to_the_provider(client, office, sso_on):
    client.force_login(office)
    policy = client.get("/accounts/login/")["Content-Security-Policy"]
    assert "form-action 'self' http://127.0.0.1:9" in policy


def test_login_method_reads_the_session_backend():
    request = RequestFactory().get("/")
    request.session = {"_auth_user_backend": sso.BACKEND}
    assert audit.login_method(request) == "oidc"
    request.session = {"_auth_user_backend": "communes.backends.ProfileModelBackend"}
    assert audit.login_method(request) is None


def test_matching_accounts_by_email_needs_a_verified_address_whatever_the_claim(backend,
                                                                              office):
    """Matched against the accounts' e-mail, the claim's value must be an address the provider
    verified, even when the claim is not called "email"."""
    with sso_configured(**sso_settings(ISSUER, OIDC_USER_FIELD="email")):
        with pytest.raises(sso.SignInRefused):
            backend.verify_claims({"preferred_username": "office@example.vn",
                                   "email_verified": False})
        assert backend.verify_claims({"preferred_username": "office@example.vn",
                                      "email_verified": True})
