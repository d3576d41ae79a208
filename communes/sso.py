"""Single sign-on with OpenID Connect (the province's identity provider, which may broker
VNeID), through mozilla-django-oidc. Off unless OIDC_RP_CLIENT_ID is set: then, and only
then, config/settings/base.py installs the backend below and config/urls.py these URLs.

- The provider only says who the person is. The account is an existing one, found by one
  claim (OIDC_USERNAME_CLAIM) compared with one field of the user (OIDC_USER_FIELD): never
  created, so nobody gets a role by signing in. No account, an inactive one or two that match:
  the sign-in is refused with a message on the login page and an SSO_REFUSED audit event.
- Endpoints come from the provider's discovery document (OIDC_OP_ISSUER +
  /.well-known/openid-configuration), read at the first sign-in and kept an hour, not at
  start-up: the portal starts, and password sign-in (administrators, Django admin) works, while
  the provider is down. Each endpoint may be set explicitly instead (OIDC_OP_*_ENDPOINT).
- The ID token is checked beyond what the library checks: signature (RS256 by the provider's
  JWKS) and nonce by mozilla-django-oidc (its expiry by PyJWT when it has one), and here that
  it has an expiry, its issuer and its audience.
- Sign-out ends both: the portal's session, then the provider's (its end_session_endpoint,
  with the ID token kept in the session as id_token_hint).
- A session signed in here carries session["signed_in_with"] = "oidc": the second-factor
  check treats it as verified when settings.OIDC_COUNTS_AS_SECOND_FACTOR says so, but for
  administrators (communes/second_factor.is_verified).
"""

import logging
import threading
import time
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import path
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
    OIDCLogoutView,
)
from requests.exceptions import RequestException

from .audit import LOGIN_METHODS, AuditEvent, audit_record
from .backends import ProfileModelBackend

logger = logging.getLogger(__name__)

BACKEND = "communes.sso.ProvinceOIDCBackend"
# The session key the second-factor middleware reads (contract with its helper).
SIGNED_IN_WITH = "signed_in_with"
METHOD = "oidc"


def enabled() -> bool:
    return bool(getattr(settings, "OIDC_RP_CLIENT_ID", ""))


class SignInRefused(Exception):  # noqa: N818 (a refusal, not a fault)
    """The sign-in ends on the login page with `message`; raised through Django's
    authenticate() so that neither the password lockout (django-axes) nor the LOGIN_FAILED
    audit event count it: the refusal records its own SSO_REFUSED event."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def _incomplete():
    return SignInRefused(_(
        "Signing in with the province's account did not complete. Try again, or sign in "
        "with your username and password."))


# Discovery ------------------------------------------------------------------------------

DISCOVERY_SECONDS = 3600
_discovered: dict[str, tuple[float, dict]] = {}
_discovery_lock = threading.Lock()

# Settings naming an endpoint explicitly, and the discovery document's key for each.
ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    "OIDC_OP_END_SESSION_ENDPOINT": "end_session_endpoint",
}


def discovery() -> dict:
    """The provider's discovery document, kept DISCOVERY_SECONDS per issuer (in this process).
    Raises SignInRefused when it cannot be read."""
    issuer = settings.OIDC_OP_ISSUER.rstrip("/")
    now = time.monotonic()
    with _discovery_lock:
        kept = _discovered.get(issuer)
        if kept and now - kept[0] < DISCOVERY_SECONDS:
            return kept[1]
    try:
        response = requests.get(f"{issuer}/.well-known/openid-configuration",
                                timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
        if not isinstance(document, dict):
            raise ValueError("not a JSON object")
    except (RequestException, ValueError) as exc:
        logger.warning("OpenID provider discovery failed for %s: %s", issuer, exc)
        raise _incomplete() from exc
    with _discovery_lock:
        _discovered[issuer] = (now, document)
    return document


def forget_discovery():
    """Read the discovery document again at the next sign-in (tests, a provider's change)."""
    with _discovery_lock:
        _discovered.clear()


def endpoint(setting: str) -> str:
    """The endpoint a setting names, else the discovery document's ("" if it has none)."""
    explicit = getattr(settings, setting, "")
    if explicit:
        return explicit
    return str(discovery().get(ENDPOINTS[setting]) or "")


def oidc_setting(attr, *default):
    """mozilla-django-oidc's settings, with the endpoints left empty in settings discovered."""
    if attr in ENDPOINTS:
        return endpoint(attr)
    return getattr(settings, attr, *default)


# The backend ------------------------------------------------------------------------------


class ProvinceOIDCBackend(OIDCAuthenticationBackend):
    """Signs in an existing, active user whose OIDC_USER_FIELD equals the provider's
    OIDC_USERNAME_CLAIM; refuses everyone else, creating no one."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args, **kwargs):
        # Django builds a backend for every request's user (get_user): the endpoints are read
        # when a sign-in needs them, never here, so no page waits on the provider.
        self.UserModel = get_user_model()

    # What the library reads as attributes, read when used.
    OIDC_OP_TOKEN_ENDPOINT = property(lambda self: endpoint("OIDC_OP_TOKEN_ENDPOINT"))
    OIDC_OP_USER_ENDPOINT = property(lambda self: endpoint("OIDC_OP_USER_ENDPOINT"))
    OIDC_OP_JWKS_ENDPOINT = property(lambda self: endpoint("OIDC_OP_JWKS_ENDPOINT"))
    OIDC_RP_CLIENT_ID = property(lambda self: settings.OIDC_RP_CLIENT_ID)
    OIDC_RP_CLIENT_SECRET = property(lambda self: settings.OIDC_RP_CLIENT_SECRET)
    OIDC_RP_SIGN_ALGO = property(lambda self: settings.OIDC_RP_SIGN_ALGO)
    OIDC_RP_IDP_SIGN_KEY = None

    def authenticate(self, request, **kwargs):
        if request is None or "nonce" not in kwargs:
            return None  # a password sign-in: not ours
        try:
            return super().authenticate(request, **kwargs)
        except SignInRefused:
            raise
        except (RequestException, SuspiciousOperation, jwt.PyJWTError, ValueError,
                KeyError) as exc:
            # The provider refused the code, answered nonsense, or the token did not verify.
            logger.warning("OpenID Connect sign-in failed: %r", exc)
            self._refuse("provider_error", "", error=str(exc)[:300])

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        if "nonce" in kwargs:  # the ID token (a JWT user-info answer has no nonce to check)
            # PyJWT checks an expiry only when there is one; an ID token must have it.
            if "exp" not in payload:
                raise SuspiciousOperation("ID token without an expiry")
            issuer = settings.OIDC_OP_ISSUER.rstrip("/")
            if str(payload.get("iss", "")).rstrip("/") != issuer:
                raise SuspiciousOperation("ID token from another issuer")
            audience = payload.get("aud")
            audience = audience if isinstance(audience, list) else [audience]
            if settings.OIDC_RP_CLIENT_ID not in audience:
                raise SuspiciousOperation("ID token for another client")
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        """The ID token's claims with the user-info endpoint's (the same person's: same sub)."""
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            userinfo = super().get_userinfo(access_token, id_token, payload)
            if userinfo.get("sub") != payload.get("sub"):
                self._refuse("provider_error", "", error="user-info for another subject")
            claims.update(userinfo)
        return claims

    def _claim_value(self, claims):
        claim = settings.OIDC_USERNAME_CLAIM
        value = claims.get(claim)
        return value.strip() if isinstance(value, str) else ""

    def verify_claims(self, claims):
        claim = settings.OIDC_USERNAME_CLAIM
        value = self._claim_value(claims)
        if not value:
            self._refuse("missing_claim", "", message=_(
                "The province's identity provider did not say who you are (no “%(claim)s”). "
                "Ask the portal's administrator.") % {"claim": claim})
        # Whenever an address decides who this is: the claim is the e-mail, or is matched
        # against the accounts' e-mail addresses.
        by_email = claim == "email" or settings.OIDC_USER_FIELD == "email"
        if (by_email and settings.OIDC_EMAIL_MUST_BE_VERIFIED
                and claims.get("email_verified") is not True):
            # An address the person typed in at the provider, unchecked, names anyone.
            self._refuse("email_unverified", value, message=_(
                "The province's identity provider has not verified the email address %(value)s."
                " Ask the portal's administrator.") % {"value": value})
        return True

    def filter_users_by_claims(self, claims):
        field = settings.OIDC_USER_FIELD
        lookup = f"{field}__iexact" if field == "email" else field
        value = self._claim_value(claims)
        users = list(self.UserModel._default_manager.filter(**{lookup: value})[:2])
        if not users:
            self._refuse("unknown", value, message=_(
                "The province's account “%(value)s” is not an account of this portal. Ask the "
                "portal's administrator to add it.") % {"value": value})
        if len(users) > 1:
            self._refuse("ambiguous", value, message=_(
                "The province's account “%(value)s” matches several accounts of this portal. "
                "Ask the portal's administrator.") % {"value": value})
        user = users[0]
        if not self.user_can_authenticate(user):
            self._refuse("inactive", value, user=user, message=_(
                "The portal account of “%(value)s” is deactivated.") % {"value": value})
        return users

    def create_user(self, claims):
        # Never reached with OIDC_CREATE_USER off and the refusal above; kept shut all the same.
        self._refuse("unknown", self._claim_value(claims))

    def update_user(self, user, claims):
        return user  # the provider changes nothing of the account, least of all its role

    def _refuse(self, reason, value, *, user=None, message=None, **details):
        audit_record(AuditEvent.Kind.SSO_REFUSED, actor=user, actor_name=value,
                     request=getattr(self, "request", None), reason=reason,
                     claim=settings.OIDC_USERNAME_CLAIM, value=value, **details)
        raise SignInRefused(message) if message else _incomplete()

    def get_user(self, user_id):
        # As for a password sign-in: cached with the profile, and nobody once deactivated.
        return ProfileModelBackend().get_user(user_id)

    # Permissions are the password backend's (also installed) to answer, not twice.
    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return set()

    def get_all_permissions(self, user_obj, obj=None):
        return set()

    def has_perm(self, user_obj, perm, obj=None):
        return False

    def has_module_perms(self, user_obj, app_label):
        return False


# The audit log's LOGIN event says "oidc" for a sign-in through this backend.
LOGIN_METHODS[BACKEND] = METHOD


# The views --------------------------------------------------------------------------------


def _back_to_login(request, message):
    messages.error(request, message)
    return HttpResponseRedirect(resolve_url(settings.LOGIN_URL))


class SignInView(OIDCAuthenticationRequestView):
    """The login page's button: off to the provider."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, **kwargs):
        super(OIDCAuthenticationRequestView, self).__init__(**kwargs)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID

    def get(self, request):
        try:
            self.OIDC_OP_AUTH_ENDPOINT = endpoint("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except SignInRefused as refusal:
            return _back_to_login(request, refusal.message)
        return super().get(request)


class CallbackView(OIDCAuthenticationCallbackView):
    """The provider's answer: signed in, or back on the login page saying why not."""

    get_settings = staticmethod(oidc_setting)

    def get(self, request):
        try:
            return super().get(request)
        except SignInRefused as refusal:
            return _back_to_login(request, refusal.message)
        except SuspiciousOperation:
            # A state this browser never sent (the page reloaded, a link replayed).
            return _back_to_login(request, _incomplete().message)

    def login_failure(self):
        # The provider answered an error (the person cancelled), or the session lost its state.
        return _back_to_login(self.request, _incomplete().message)

    def login_success(self):
        response = super().login_success()
        self.request.session[SIGNED_IN_WITH] = METHOD
        return response


class SignOutView(OIDCLogoutView):
    """The portal's logout (POST, at Django's URL and name) once single sign-on is on: ends
    the portal's session, then sends a single-sign-on session on to end the provider's."""

    get_settings = staticmethod(oidc_setting)


def provider_logout_url(request) -> str:
    """Where logging out goes (OIDC_OP_LOGOUT_URL_METHOD, read before the session ends): the
    provider's end_session_endpoint for a session signed in there, else the login page."""
    after = resolve_url(settings.LOGOUT_REDIRECT_URL)
    id_token = request.session.get("oidc_id_token")
    if request.session.get(SIGNED_IN_WITH) != METHOD or not id_token:
        return after
    try:
        end_session = endpoint("OIDC_OP_END_SESSION_ENDPOINT")
    except SignInRefused:
        return after  # the provider is down: the portal's session ends all the same
    if not end_session:
        return after
    query = urlencode({"id_token_hint": id_token, "client_id": settings.OIDC_RP_CLIENT_ID,
                       "post_logout_redirect_uri": request.build_absolute_uri(after)})
    return f"{end_session}{'&' if '?' in end_session else '?'}{query}"


urlpatterns = [
    path("oidc/authenticate/", SignInView.as_view(), name="oidc_authentication_init"),
    # Outside a request-long transaction: the callback waits on the provider (token, keys,
    # user-info: up to OIDC_TIMEOUT each), which must not hold a database transaction open.
    path("oidc/callback/", transaction.non_atomic_requests(CallbackView.as_view()),
         name="oidc_authentication_callback"),
    # Before django.contrib.auth.urls, so the logout form's URL (and name) is this view.
    path("accounts/logout/", SignOutView.as_view(), name="logout"),
]
