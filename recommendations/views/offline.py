"""What lets a commune's or ward's pages work on a weak connection: the web app manifest that
makes them installable, the service worker that keeps them for reading offline, and the page
it shows for a page it has not kept (static/js/offline.js does the rest, on the page).

The service worker keeps only what a unit page marks as its own (`kept_offline`), in a cache
named for the user, so nothing of another user or unit is ever kept on the device; signing
out drops it (static/js/portal.js)."""

import hashlib
import json
import uuid
from functools import wraps

from django.conf import settings
from django.contrib.messages import get_messages
from django.contrib.staticfiles import finders
from django.http import HttpResponse, HttpResponseNotModified
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from communes.decorators import read_only
from communes.whomay import public

# The header by which a unit page tells the service worker it may be kept, and for whom.
OFFLINE_KEY_HEADER = "X-Offline-Key"

# What the unit's pages load, kept on the device when the service worker installs. Another
# asset on those pages still works offline once it was loaded online (kept when fetched).
UNIT_ASSETS = [
    "css/portal.css", "js/portal.js", "js/offline.js", "js/unit-sends.js", "js/grid.js",
    "favicon.svg",
    "icons/app-192.png",
    "vendor/datepicker/datepicker.min.css", "vendor/datepicker/datepicker.min.js",
    "vendor/datepicker/vi.js",
]


# A send's outcome, for the page that loads after a form went the usual way (a redirect, or
# the form back with its errors): static/js/offline.js keeps a copy of each send until this
# says what became of it, so a send lost on the way (a dropped connection, a session that
# ended) is sent again from the copy.
SEND_OUTCOME_COOKIE = "unit_send"
OUTCOMES = {302: "received", 400: "refused", 409: "late"}
# Whose pages the device may show offline: a cookie of the browser's session, so that a
# browser closed and opened again by someone else shows no one's kept pages (sw.js).
OWNER_COOKIE = "unit_owner"
# Set by the service worker on what it fetches to keep: the page is not shown to anyone now,
# so it leaves the user's messages for the page they open next.
KEEPING_HEADER = "X-Offline-Keep"


def offline_key(user):
    """The name of the cache of a user's unit pages on the device: a user moved to another
    unit starts another."""
    return f"user-{user.pk}-unit-{user.profile.unit_id}"


def _cookie(response, name, value):
    response.set_cookie(name, value, path=reverse("recommendations:unit_home"),
                        secure=settings.SESSION_COOKIE_SECURE, samesite="Lax")


def kept_offline(view):
    """A unit page the clerk's device keeps for reading offline: its answer (a page shown,
    not a form sent back) names the user's cache; a form sent with a device's id says what
    became of it."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if request.method == "GET" and response.status_code == 200:
            key = offline_key(request.user)
            response[OFFLINE_KEY_HEADER] = key
            _cookie(response, OWNER_COOKIE, key)
            if request.headers.get(KEEPING_HEADER):
                get_messages(request).used = False
        client_id = request.POST.get("client_id", "") if request.method == "POST" else ""
        if response.status_code in OUTCOMES and _is_uuid(client_id):
            _cookie(response, SEND_OUTCOME_COOKIE,
                    f"{client_id}:{OUTCOMES[response.status_code]}")
        return response

    return wrapped


def _is_uuid(value):
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@public  # the browser fetches it without cookies; it holds nothing of anyone's
@read_only
@cache_control(no_cache=True)
def manifest(request):
    """The web app manifest of the unit's pages: installed, they open on the unit's home.
    Public, like any manifest: the browser fetches it without the session cookie."""
    home = reverse("recommendations:unit_home")
    content = {
        "name": pgettext("web app", "Working-group inspections – communes and wards"),
        "short_name": pgettext("web app", "Working groups"),
        "description": _("Your unit's answers, tasks and reports before a working session, "
                         "also without a connection."),
        "lang": get_language(), "dir": "ltr",
        "id": home, "start_url": home, "scope": home, "display": "standalone",
        "background_color": "#ffffff", "theme_color": "#a3121c",
        "icons": [
            {"src": static("favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
            {"src": static("icons/app-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("icons/app-512.png"), "sizes": "512x512", "type": "image/png"},
        ],
    }
    return HttpResponse(json.dumps(content, ensure_ascii=False),
                        content_type="application/manifest+json")


def _assets_digest(urls):
    """What the assets are now: their addresses (hashed in production) and, where the files
    are at hand (development, tests), their content, so that a changed file installs a new
    worker even under an unchanged name."""
    digest = hashlib.sha256()
    for path, url in zip(UNIT_ASSETS, urls, strict=True):
        digest.update(url.encode())
        found = finders.find(path)
        if found:
            with open(found, "rb") as file:
                digest.update(file.read())
    return digest.hexdigest()


@public
@read_only
@cache_control(no_cache=True)
def service_worker(request):
    """The service worker, at the top of the unit's pages so that it controls them. Its
    version is its own text and its assets': a deploy that changes an asset installs a new
    worker, which drops the old assets. The browser asks for it on every unit page it opens:
    the ETag answers 304 when nothing changed."""
    assets = [static(path) for path in UNIT_ASSETS]
    script = render_to_string("recommendations/offline/sw.js", {
        "assets": assets, "store_url": static("js/unit-sends.js"),
        "offline_url": reverse("recommendations:unit_offline"),
        "scope": reverse("recommendations:unit_home"),
        "key_header": OFFLINE_KEY_HEADER, "keeping_header": KEEPING_HEADER,
        "owner_cookie": OWNER_COOKIE,
    })
    version = hashlib.sha256((script + _assets_digest(assets)).encode()).hexdigest()[:16]
    if version in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(script.replace("__VERSION__", version),
                                content_type="text/javascript; charset=utf-8")
    response["ETag"] = f'"{version}"'
    return response


@public
@require_GET
def offline_page(request):
    """What the service worker shows for a page it has not kept, when there is no
    connection. The same for everyone: it names no user."""
    return render(request, "recommendations/offline/page.html")
