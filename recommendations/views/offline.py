"""What lets a commune's or ward's pages work on a weak connection: the web app manifest that
makes them installable, the service worker that keeps them for reading offline, and the page
it shows for a page it has not kept (static/js/offline.js does the rest, on the page).

The service worker keeps only what a unit page marks as its own (`kept_offline`), in a cache
named for the user, so nothing of another user or unit is ever kept on the device; signing
out drops it (static/js/portal.js)."""

import hashlib
import json
from functools import wraps

from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from communes.decorators import read_only

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


def kept_offline(view):
    """A unit page the clerk's device keeps for reading offline: its answer (a page shown,
    not a form sent back) names the user's cache."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if request.method == "GET" and response.status_code == 200:
            response[OFFLINE_KEY_HEADER] = f"user-{request.user.pk}"
        return response

    return wrapped


@read_only
@cache_control(no_cache=True)
def manifest(request):
    """The web app manifest of the unit's pages: installed, they open on the unit's home.
    Public, like any manifest: the browser fetches it without the session cookie."""
    home = reverse("recommendations:unit_home")
    content = {
        "name": _("Working-group inspections – communes and wards"),
        "short_name": _("Working groups"),
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


@read_only
@cache_control(no_cache=True)
def service_worker(request):
    """The service worker, at the top of the unit's pages so that it controls them. Its
    version is its own text, which names the assets (hashed in production): a deploy that
    changes an asset installs a new worker, which drops the old assets."""
    script = render_to_string("recommendations/offline/sw.js", {
        "assets": [static(path) for path in UNIT_ASSETS],
        "store_url": static("js/unit-sends.js"),
        "offline_url": reverse("recommendations:unit_offline"),
        "scope": reverse("recommendations:unit_home"),
        "key_header": OFFLINE_KEY_HEADER,
    })
    version = hashlib.sha256(script.encode()).hexdigest()[:12]
    return HttpResponse(script.replace("__VERSION__", version),
                        content_type="text/javascript; charset=utf-8")


@require_GET
def offline_page(request):
    """What the service worker shows for a page it has not kept, when there is no
    connection. The same for everyone: it names no user."""
    return render(request, "recommendations/offline/page.html")
