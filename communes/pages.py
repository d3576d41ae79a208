"""Whole pages served from the cache while the data under them are unchanged.

A page of the portal is the same for everyone with the same scope and roles (what they may
see and which links the header shows them), in the same language, on the same day, but for
three things: the CSRF token of its forms, the user's name in the header and their id. Those
are rendered as placeholders, and the page is stored under a key of what it varies on with
the versions of the data it reads (communes/cache.py); each request then fills in its own
token, name and id. So a page the province's office reads a hundred times between two writes
costs the hundred requests a cache read and three replacements, not a hundred renderings of
its layout, filters and forms. A write to the province moves its version: the next request
renders the page anew while the others are served the page it replaces (the stampede guard
of `fresh_or_recomputed`).

A page whose content depends on who the user is (the steps they may take on a
recommendation, their own assignments) names it with `vary`, and is then kept per user.
Not kept: anything but a 200 HTML answer, a page that carries messages (they are shown
once), one that sets a cookie, one with a part another request is recomputing (it would
outlive it); a POST is never served from here.
"""

import functools
from dataclasses import dataclass

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.session import SessionStorage
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.response import SimpleTemplateResponse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.html import escape

from . import roles
from .cache import counting_older_parts, fresh_or_recomputed, key_for, scope_versions
from .scope import scope

# The attribute of a request whose page is rendered to be kept.
RENDERING_FOR_CACHE = "_portal_page_for_cache"


@functools.cache
def _placeholders(secret_key: str) -> dict[str, str]:
    """The placeholders of a deployment: derived from SECRET_KEY, so that no text a user
    types can be one (it would be replaced by the reader's own token)."""
    def mark(name):
        digest = salted_hmac("communes.pages", name, secret=secret_key).hexdigest()
        return f"portal-{name}-{digest[:24]}"

    return {name: mark(name) for name in ("csrf", "name", "id")}


def placeholders() -> dict[str, str]:
    return _placeholders(settings.SECRET_KEY)


def template_context(request):
    """The user's name and id for the header, and the CSRF token of the forms: placeholders
    while a page is rendered to be kept (context processor, after Django's CSRF one)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if getattr(request, RENDERING_FOR_CACHE, False):
        marks = placeholders()
        return {"viewer_name": marks["name"], "viewer_id": marks["id"],
                "csrf_token": marks["csrf"]}
    return {"viewer_name": user.get_full_name() or user.username, "viewer_id": user.pk}


@dataclass(frozen=True)
class KeptPage:
    """A page as kept: its headers and its body with the placeholders."""

    headers: tuple
    body: bytes


def _filled(body: bytes, request) -> bytes:
    user = request.user
    marks = placeholders()
    for name, value in (("csrf", get_token(request)),
                        ("name", escape(user.get_full_name() or user.username)),
                        ("id", str(user.pk))):
        body = body.replace(marks[name].encode(), str(value).encode())
    return body


def _has_messages(request) -> bool:
    """Messages waiting to be shown (django.contrib.messages' cookie or session storage)."""
    return (CookieStorage.cookie_name in request.COOKIES
            or SessionStorage.session_key in request.session)


def _is_html(response) -> bool:
    return not response.streaming and response.get("Content-Type", "").startswith("text/html")


def _render(request, view, args, kwargs):
    """The view's answer, rendered with placeholders: a KeptPage if it may be kept, else the
    answer itself with the placeholders filled in."""
    setattr(request, RENDERING_FOR_CACHE, True)
    try:
        with counting_older_parts() as older_parts:
            response = view(request, *args, **kwargs)
            if isinstance(response, SimpleTemplateResponse):
                response.render()  # here, while the placeholders are in the context
    finally:
        setattr(request, RENDERING_FOR_CACHE, False)
    storage = getattr(request, "_messages", None)
    if (response.status_code == 200 and _is_html(response) and not response.cookies
            and not older_parts and not getattr(storage, "added_new", False)):
        return KeptPage(headers=tuple(response.items()), body=response.content)
    if _is_html(response):
        response.content = _filled(response.content, request)
    return response


def _response(page: KeptPage, request):
    response = HttpResponse(_filled(page.body, request))
    for name, value in page.headers:
        response[name] = value
    return response


def cached_page(vary=None, versions_of=None):
    """Keep the view's page (GET, for a logged-in user) while the data the user's scope sees
    are unchanged. `vary(request)` names what else it depends on (the user, for a page that
    shows what they themselves may do); `versions_of(scope)` the versions of the data it
    reads, if not every version of what the scope sees (`figures_versions`). Put it under
    the decorators that check the user's role: they run first, on every request."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if request.method != "GET" or not user.is_authenticated or _has_messages(request):
                return view(request, *args, **kwargs)
            user_scope = scope(user)
            key = key_for("page", (
                request.get_full_path(), translation.get_language(), user_scope.key,
                tuple(sorted(roles.role_names(user))), user.is_staff, user.is_superuser,
                timezone.localdate(), vary(request) if vary else None,
                # A page kept under another SECRET_KEY (a rotation, a rolling deploy) holds
                # other placeholders, which this process would not fill in.
                placeholders()["csrf"]))
            result = fresh_or_recomputed(
                key, (versions_of or scope_versions)(user_scope),
                lambda: _render(request, view, args, kwargs), stale_ok=True,
                keep=lambda value: isinstance(value, KeptPage))
            return _response(result, request) if isinstance(result, KeptPage) else result

        return wrapped

    return decorator
