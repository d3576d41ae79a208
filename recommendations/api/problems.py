"""Errors as problem details (RFC 9457, application/problem+json), in the request's language:
the portal's language cookie, else the Accept-Language header, else Vietnamese
(config.middleware.ChosenLanguageMiddleware)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.response import Response

MEDIA_TYPE = "application/problem+json"

# Per status: the title (the status's name, as RFC 9457 asks of "about:blank" problems) and
# what to do about it when the exception says nothing more precise.
TITLES = {
    400: (_("Invalid request"), _("Some parameters are not valid: see errors.")),
    401: (_("Not authenticated"),
          _("Send a personal API token (Authorization: Bearer <token>) or log in.")),
    403: (_("Forbidden"), _("Your account may not read the API.")),
    404: (_("Not found"), _("There is nothing here, or nothing you may see.")),
    405: (_("Method not allowed"), _("The API only reads: use GET.")),
    406: (_("Not acceptable"), _("The API answers in JSON: accept application/json.")),
    429: (_("Too many requests"), _("This token made too many requests: wait, then try "
                                    "again.")),
    500: (_("Server error"), _("The server could not answer; the error is recorded.")),
    # The database is unreachable for a moment (a failover, config.views.server_error).
    503: (_("Service unavailable"), _("The database is switching to its standby server: try "
                                      "again in a minute (Retry-After).")),
}


def problem(status: int, *, instance: str, detail=None, errors=None) -> dict:
    title, default_detail = TITLES.get(status, TITLES[400 if status < 500 else 500])
    body = {"type": "about:blank", "title": str(title), "status": status,
            "detail": str(detail or default_detail), "instance": instance}
    if errors:
        body["errors"] = errors
    return body


def _messages(detail):
    """A ValidationError's detail as {parameter: [message, ...]}."""
    if isinstance(detail, dict):
        return {str(key): [str(m) for m in (value if isinstance(value, list) else [value])]
                for key, value in detail.items()}
    return {"non_field_errors": [str(m) for m in (detail if isinstance(detail, list)
                                                  else [detail])]}


def exception_handler(exc, context):
    """DRF's exception handler, answering problem details instead of {"detail": ...}."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None  # a real fault: Django's 500 (config.views.server_error answers JSON)
    request = context["request"]
    status = exc.status_code
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    errors = _messages(exc.detail) if isinstance(exc, exceptions.ValidationError) else None
    # The exception's own message when it was given one (an invalid cursor, a revoked token);
    # otherwise ours, for DRF's defaults have few Vietnamese translations.
    own = None if errors or str(exc.detail) == str(exc.default_detail) else exc.detail
    if isinstance(exc, exceptions.Throttled):
        own = _("This token made too many requests: try again in %(seconds)d seconds.") % {
            "seconds": int(exc.wait or 1)}
    # No set_rollback() as DRF's own handler does: the API's views run outside a transaction
    # (they only read), and it would mark the caller's transaction instead.
    body = problem(status, instance=request.path, detail=own, errors=errors)
    renderer = getattr(request, "accepted_renderer", None)
    if getattr(renderer, "format", None) == "xml":
        # Open311's XML addresses: GeoReport v2's <errors>, in XML (open311.py renders it).
        return Response(body, status=status, headers=headers)
    return Response(body, status=status, headers=headers, content_type=MEDIA_TYPE)


def problem_response(request, status: int) -> JsonResponse:
    """A problem answered outside DRF's views (config.views: no such URL, a server error)."""
    return JsonResponse(problem(status, instance=request.path), status=status,
                        content_type=MEDIA_TYPE, json_dumps_params={"ensure_ascii": False})
