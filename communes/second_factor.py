"""The second factor: after their password, a user whose role requires it gives a code from an
authenticator app (TOTP) or one of their ten recovery codes, each good once.

Built on django-otp rather than django-allauth's MFA: the portal signs in through Django's own
LoginView (with django-axes before it), and django-otp adds devices beside that account system
where allauth would replace it. django-otp's TOTPDevice holds the app's secret, its
StaticDevice the recovery codes; its OTPMiddleware says whether this session gave one
(`request.user.is_verified()`), and forgets it when the device is deleted (an administrator's
reset). The API's tokens are another credential, for machines, and are not asked for one.
No WebAuthn or passkeys: django-otp has none of its own (they would take another package and
a script on the enrolment page under the portal's Content-Security-Policy), and issue 27 asked
for them only where the library gave them at no extra cost.

Who must: settings.SECOND_FACTOR_ROLES. Until a session is verified, SecondFactorMiddleware
lets such a user reach only the enrolment or code page, signing out, and the language switch;
the API sees no session user (a token still works). A wrong code counts toward django-axes'
lockout of that username and address, as a wrong password does, and is in the audit log.
"""

from base64 import b32encode
from binascii import unhexlify
from urllib.parse import urlencode

import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.core import checks
from django.db import transaction
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from . import roles
from .audit import AuditEvent, audit_record

# SECOND_FACTOR_ROLES' keys: the groups' names hold commas, which an environment list splits.
ROLE_KEYS = {
    "office": roles.OFFICE_STAFF,
    "department_head": roles.DEPARTMENT_HEAD,
    "department_staff": roles.DEPARTMENT_STAFF,
    "leader": roles.LEADER,
    "national": roles.NATIONAL_VIEWER,
    "unit": roles.UNIT_STAFF,
}
ADMINISTRATORS = "admin"
RECOVERY_CODES = 10
# The secret shown at enrolment, kept in the session (not the database) until a code made
# from it confirms it: a GET writes no device, and an abandoned enrolment leaves none.
PENDING_KEY = "second_factor_pending_key"
# What the single sign-on sets on a session it signed in (the OIDC helper's contract).
SIGNED_IN_WITH = "signed_in_with"


def check_roles(app_configs=None, **kwargs):
    """A system check: a key of SECOND_FACTOR_ROLES that names no role is an error, so a typo
    stops the server instead of silently asking nobody for a code."""
    unknown = sorted(set(settings.SECOND_FACTOR_ROLES) - set(ROLE_KEYS) - {ADMINISTRATORS})
    if not unknown:
        return []
    return [checks.Error(
        f"SECOND_FACTOR_ROLES names no role: {', '.join(unknown)}",
        hint=f"Use {', '.join([*ROLE_KEYS, ADMINISTRATORS])}.", id="communes.E001")]


def required_for(user) -> bool:
    """Whether `user`'s role asks for a second factor (settings.SECOND_FACTOR_ROLES). No query
    when nobody is asked; else the user's groups, which the page reads anyway (cached)."""
    wanted = settings.SECOND_FACTOR_ROLES
    if not wanted or user is None or not user.is_authenticated:
        return False
    if ADMINISTRATORS in wanted and (user.is_superuser or user.is_staff):
        return True
    names = {ROLE_KEYS[key] for key in wanted if key in ROLE_KEYS}
    return bool(names & roles.role_names(user))


def is_verified(request) -> bool:
    """Whether this session gave a second factor: a code here, or a sign-in through the
    province's identity provider when that counts (OIDC_COUNTS_AS_SECOND_FACTOR), except for
    an administrator: the provider decides who its users are (a renamed account there could
    match one here), so the portal's own code guards the accounts that can change everything."""
    user = request.user
    if settings.OIDC_COUNTS_AS_SECOND_FACTOR and \
            request.session.get(SIGNED_IN_WITH) == "oidc" and \
            not (user.is_superuser or user.is_staff):
        return True
    verified = getattr(user, "is_verified", None)
    return bool(verified and verified())


# Reads ------------------------------------------------------------------------------------


def app_device(user):
    """The user's confirmed authenticator app, or None."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def recovery_device(user):
    return StaticDevice.objects.devices_for_user(user, confirmed=True).first()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def normalized(code: str) -> str:
    """A code as typed, without the spaces and dashes it was shown with, in lower case."""
    return "".join(code.split()).replace("-", "").lower()


def is_app_code(code: str) -> bool:
    """Six digits: the app's code; anything else is tried as a recovery code (8 letters and
    digits, shown as two groups of four)."""
    return len(code) == 6 and code.isdigit()


def pending_key(request) -> str:
    """The secret being enrolled, made on the first visit and kept for the session."""
    key = request.session.get(PENDING_KEY)
    if not key:
        key = request.session[PENDING_KEY] = random_hex(20)
    return key


def secret_text(key: str) -> str:
    """The secret in base32 as an app's manual entry asks for it, in groups of four."""
    text = b32encode(unhexlify(key)).decode()
    return " ".join(text[i:i + 4] for i in range(0, len(text), 4))


def config_url(user, key: str) -> str:
    """The otpauth:// address the QR code holds (django-otp's own format)."""
    return TOTPDevice(user=user, key=key).config_url


def qr_data_uri(url: str) -> str:
    """The QR code as an SVG data: URI for an <img>: no script, no inline style, so the
    portal's Content-Security-Policy (img-src 'self' data:) holds."""
    return segno.make(url, error="m").svg_data_uri(scale=5, border=2)


def recovery_code_shown(token: str) -> str:
    return f"{token[:4]}-{token[4:]}"


def verify_pending(key: str, code: str) -> int | None:
    """The time step at which `code` matches the secret being enrolled (one step of clock
    difference either way, as django-otp allows), or None."""
    if not is_app_code(code):
        return None
    totp = TOTP(unhexlify(key))
    if totp.verify(int(code), tolerance=1):
        return totp.t()
    return None


# Writes (services) ------------------------------------------------------------------------


def _new_recovery_codes(device) -> list[str]:
    device.token_set.all().delete()
    tokens = [StaticToken.random_token() for _i in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=t) for t in tokens])
    return [recovery_code_shown(t) for t in tokens]


@transaction.atomic
def enrol(request, *, key: str, matched_t: int) -> list[str]:
    """Keep the authenticator app whose code was just confirmed and make the recovery codes,
    which are shown this once (the answer's page) and kept as django-otp keeps them. The
    session counts as verified from now on."""
    user = request.user
    for device in devices_for_user(user, confirmed=None):
        device.delete()
    # The code just typed may not be used again (django-otp refuses steps up to last_t).
    app = TOTPDevice.objects.create(user=user, name="app", key=key, confirmed=True,
                                    last_t=matched_t)
    recovery = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = _new_recovery_codes(recovery)
    audit_record(AuditEvent.Kind.SECOND_FACTOR_ENROLLED, actor=user, request=request,
                 recovery_codes=len(codes))
    request.session.pop(PENDING_KEY, None)
    _verified(request, app)
    return codes


@transaction.atomic
def recovery_codes_regenerate(request) -> list[str]:
    """New recovery codes for the signed-in user (the old ones stop working), recorded as a
    second factor set up anew (the audit log has no kind of its own for it)."""
    user = request.user
    device = recovery_device(user) or StaticDevice.objects.create(
        user=user, name="recovery", confirmed=True)
    codes = _new_recovery_codes(device)
    audit_record(AuditEvent.Kind.SECOND_FACTOR_ENROLLED, actor=user, request=request,
                 recovery_codes=len(codes), regenerated=True)
    return codes


@transaction.atomic
def reset(*, user, by, request=None) -> int:
    """An administrator's reset: every device of `user` deleted, so they enrol again at their
    next page (a session verified with a deleted device is verified no more). Recorded with
    the administrator as actor; how many devices, or 0 when there were none."""
    deleted = 0
    for device in devices_for_user(user, confirmed=None):
        device.delete()
        deleted += 1
    audit_record(AuditEvent.Kind.SECOND_FACTOR_RESET, actor=by, request=request, obj=user,
                 province=getattr(getattr(user, "profile", None), "province_id", None),
                 user=user.get_username(), devices=deleted)
    return deleted


def _verified(request, device):
    """This session gave its second factor: a new session key (what an attacker fixed
    before is worth nothing now), and django-otp's mark."""
    request.session.cycle_key()
    otp_login(request, device)


class Outcome:
    ACCEPTED = "accepted"
    RECOVERY = "recovery"
    WRONG = "wrong"
    WAIT = "wait"
    LOCKED = "locked"


def check_code(request, code: str, *, app_only=False) -> str:
    """Check a code the signed-in user typed against their own devices: the app's, or a
    recovery code (deleted as it is used). A wrong one counts toward django-axes' lockout of
    this username and address and is recorded; a device that django-otp is making wait after
    wrong codes is not tried (and nothing counts). Returns an Outcome."""
    user = request.user
    credentials = {settings.AXES_USERNAME_FORM_FIELD: user.get_username()}
    if AxesProxyHandler.is_locked(request, credentials):
        return Outcome.LOCKED
    code = normalized(code)
    device = app_device(user) if is_app_code(code) or app_only else recovery_device(user)
    if device is not None and not device.verify_is_allowed()[0]:
        return Outcome.WAIT
    with transaction.atomic():
        # Locked against another request checking a code of the same device at once (a
        # recovery code used twice, a TOTP step replayed).
        locked = type(device).objects.select_for_update().filter(pk=device.pk).first() \
            if device is not None else None
        if locked is not None and code and locked.verify_token(code):
            if isinstance(locked, StaticDevice):
                audit_record(AuditEvent.Kind.RECOVERY_CODE_USED, actor=user, request=request,
                             codes_left=locked.token_set.count())
            if not request.user.is_verified():
                _verified(request, locked)
            return Outcome.RECOVERY if isinstance(locked, StaticDevice) else Outcome.ACCEPTED
        audit_record(AuditEvent.Kind.SECOND_FACTOR_FAILED, actor=user, request=request,
                     recovery_code=not is_app_code(code) and not app_only)
    # As a wrong password does: django-axes counts it for this username and address, and
    # when the limit is reached locks them (its signal records the lockout).
    AxesProxyHandler.user_login_failed(sender=check_code, credentials=credentials,
                                       request=request)
    if getattr(request, "axes_locked_out", False):
        return Outcome.LOCKED
    return Outcome.WRONG


def locked_out(request):
    """The user is signed out and shown django-axes' lockout page."""
    credentials = {settings.AXES_USERNAME_FORM_FIELD: request.user.get_username()}
    logout(request)
    request.axes_locked_out = False  # answered here, not again by AxesMiddleware
    return get_lockout_response(request, None, credentials)


# The gate ---------------------------------------------------------------------------------

# The pages an unverified user may reach (by URL name): the second factor's own, signing in
# (as someone else) and out, and the language switch.
OPEN_PAGES = {"second_factor_enrol", "second_factor_verify", "login", "logout",
              "set_language"}


class SecondFactorMiddleware:
    """A signed-in user whose role requires a second factor and whose session has not given
    one reaches nothing but OPEN_PAGES: any other page (admin, exports, a unit's pages, a
    POST) sends them to enrol (no device yet) or to type a code, with `next` kept for a GET.
    Under /api/ their session is no one's: a token authenticates as before, a session not.
    After OTPMiddleware (is_verified) and MessageMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.api_prefix = None

    def __call__(self, request):
        user = request.user
        if not required_for(user) or is_verified(request):
            return self.get_response(request)
        if self.api_prefix is None:
            self.api_prefix = (reverse(settings.API_DOCS_URL),)
        path = request.path_info
        if path.startswith("/api/") and not path.startswith(self.api_prefix):
            # DRF's session authentication reads the Django request's user: none, so a
            # token works and a half-signed-in browser does not.
            request.user = AnonymousUser()
            return self.get_response(request)
        try:
            name = resolve(path).view_name
        except Resolver404:
            name = None
        if name in OPEN_PAGES:
            request.second_factor_pending = True
            return self.get_response(request)
        target = "second_factor_verify" if app_device(user) else "second_factor_enrol"
        url = reverse(target)
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        return redirect(url)
