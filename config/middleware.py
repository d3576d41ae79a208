import time

from django.conf import settings
from django.middleware.gzip import GZipMiddleware
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers


class ChosenLanguageMiddleware:
    """Vietnamese unless the user chose another language with the switch (a cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language, and many office
    computers run an English browser; the portal is Vietnamese first. The API (/api/) does
    follow Accept-Language when no language was chosen: a program that sends it asks for it.
    Its documentation is a page of the portal, in the portal's language.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}
        self.api_pages = None

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if self.api_pages is None:
            self.api_pages = (reverse("api:docs"),)
        api = request.path_info.startswith("/api/") and \
            not request.path_info.startswith(self.api_pages)
        if language not in self.languages:
            # get_language_from_request: the cookie (not set here), Accept-Language, else
            # LANGUAGE_CODE (Vietnamese).
            language = (translation.get_language_from_request(request) if api
                        else settings.LANGUAGE_CODE)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie", "Accept-Language") if api else ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class IdleSessionMiddleware:
    """Sessions end after SESSION_COOKIE_AGE seconds without a request.

    Django's SESSION_SAVE_EVERY_REQUEST would get that by writing the session row on every page
    view: a database write (and a transaction) per read, on every app server. This renews the
    session at most once every SESSION_RENEW_SECONDS instead, so the idle limit holds to within
    that many seconds. Placed after SessionMiddleware, whose response phase does the save.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = request.session
        # Only a session the browser already holds: no row for anonymous visitors.
        if session.session_key and not session.is_empty():
            now = int(time.time())
            if now - session.get(RENEWED_KEY, 0) >= settings.SESSION_RENEW_SECONDS:
                session[RENEWED_KEY] = now
        return response


RENEWED_KEY = "_renewed_at"


def mark_session_renewed(sender, request, user, **kwargs):
    """A login saves a fresh session: count it as renewed (receiver of user_logged_in)."""
    request.session[RENEWED_KEY] = int(time.time())


class PrivateResponsesMiddleware:
    """What a logged-in user is shown or downloads is theirs alone: no proxy or browser cache
    may keep it (a shared office computer, a caching proxy). A view that sets its own
    Cache-Control keeps it. Placed after AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header(
                "Cache-Control"):
            add_never_cache_headers(response)
        return response


class PageGZipMiddleware(GZipMiddleware):
    """Django's gzip (with its padding against BREACH) for what is read as text: pages, JSON,
    CSV. A file download (an attachment, a document, an export streamed) goes as it is: its
    formats are compressed already, and its Content-Length lets a weak connection show how
    far it has come."""

    COMPRESSED_TYPES = ("text/", "application/json", "application/problem+json",
                        "application/manifest+json", "application/javascript",
                        "application/xml", "image/svg+xml")

    def process_response(self, request, response):
        if response.streaming or not response.get("Content-Type", "").startswith(
                self.COMPRESSED_TYPES):
            return response
        return super().process_response(request, response)
