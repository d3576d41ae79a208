"""The second factor's pages (communes/second_factor.py): enrolment, the code asked after the
password, and the user's own page (status, new recovery codes)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import second_factor as sf
from .decorators import login_page
from .forms import SecondFactorCodeForm


def _next(request) -> str:
    """Where the user was going (kept through the code page), if it is ours; else "" (the
    caller then sends them home, LOGIN_REDIRECT_URL: a page of a higher app, which communes
    does not name)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return ""


def _private(response):
    # These pages hold a secret (the app's key, recovery codes): kept by no cache.
    response["Cache-Control"] = "no-store"
    return response


def _refused(request, form, outcome):
    """The form's error for a code that did not open the door."""
    if outcome == sf.Outcome.WAIT:
        form.add_error("code", _(
            "Too many wrong codes in a row: wait a few seconds, then type the newest code."))
    else:
        form.add_error("code", _(
            "This code is not right, or was used already. Type the code your app shows now, "
            "or one of your recovery codes."))


@login_page
def second_factor_verify(request):
    """The code asked after the password (a user who has enrolled)."""
    if sf.is_verified(request) or not sf.required_for(request.user):
        return redirect(_next(request) or settings.LOGIN_REDIRECT_URL)
    if sf.app_device(request.user) is None:
        return redirect("second_factor_enrol")
    form = SecondFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = sf.check_code(request, form.cleaned_data["code"])
        if outcome == sf.Outcome.LOCKED:
            return sf.locked_out(request)
        if outcome == sf.Outcome.RECOVERY:
            left = sf.recovery_codes_left(request.user)
            messages.warning(request, ngettext(
                "You signed in with a recovery code; it will not work again. %(count)d "
                "recovery code is left.",
                "You signed in with a recovery code; it will not work again. %(count)d "
                "recovery codes are left.", left) % {"count": left})
        if outcome in (sf.Outcome.ACCEPTED, sf.Outcome.RECOVERY):
            return redirect(_next(request) or settings.LOGIN_REDIRECT_URL)
        _refused(request, form, outcome)
    return _private(render(request, "registration/second_factor_verify.html", {
        "form": form, "next": _next(request)}, status=400 if form.errors else 200))


@login_page
def second_factor_enrol(request):
    """Setting up the authenticator app: its QR code and the secret as text; a code from the
    app confirms it, and the answer shows the ten recovery codes, this once."""
    if sf.app_device(request.user) is not None:
        return redirect("second_factor" if sf.is_verified(request) else "second_factor_verify")
    if not sf.required_for(request.user):
        # Asked of the roles SECOND_FACTOR_ROLES names only: set up by anyone else, it would
        # never be asked for.
        raise PermissionDenied
    key = sf.pending_key(request)
    form = SecondFactorCodeForm(request.POST or None, app=True)
    if request.method == "POST" and form.is_valid():
        matched = sf.verify_pending(key, sf.normalized(form.cleaned_data["code"]))
        if matched is not None:
            codes = sf.enrol(request, key=key, matched_t=matched)
            return _private(render(request, "registration/second_factor_codes.html", {
                "codes": codes, "next": _next(request), "enrolled": True}))
        # Not a guess at anyone's secret (it is on this page): refused, not counted.
        form.add_error("code", _(
            "This code does not match. Check that the app shows the portal's entry, and that "
            "the time on the phone is right, then type the newest code."))
    url = sf.config_url(request.user, key)
    return _private(render(request, "registration/second_factor_enrol.html", {
        "form": form, "next": _next(request), "qr": sf.qr_data_uri(url),
        "secret": sf.secret_text(key)}, status=400 if form.errors else 200))


@login_page
def second_factor(request):
    """The user's own page: whether their role asks for a second factor, when it was set up
    and last used, how many recovery codes are left; new codes for a current code."""
    user = request.user
    device = sf.app_device(user)
    form = SecondFactorCodeForm(request.POST or None, app=True) if device else None
    if form is not None:
        # A status page first: the cursor is not put in its box.
        form.fields["code"].widget.attrs.pop("autofocus", None)
    if request.method == "POST" and device is None:
        return redirect("second_factor_enrol")
    if request.method == "POST" and form.is_valid():
        outcome = sf.check_code(request, form.cleaned_data["code"], app_only=True)
        if outcome == sf.Outcome.LOCKED:
            return sf.locked_out(request)
        if outcome == sf.Outcome.ACCEPTED:
            codes = sf.recovery_codes_regenerate(request)
            return _private(render(request, "registration/second_factor_codes.html", {
                "codes": codes, "next": "", "enrolled": False}))
        _refused(request, form, outcome)
    return _private(render(request, "registration/second_factor.html", {
        "form": form, "device": device, "required": sf.required_for(user),
        "codes_left": sf.recovery_codes_left(user) if device else 0,
    }, status=400 if form is not None and form.errors else 200))
