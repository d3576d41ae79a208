"""What drf-spectacular cannot see by itself: every operation may answer a problem (RFC 9457)."""

from django.utils.translation import gettext_lazy as _

from .problems import MEDIA_TYPE, TITLES

PROBLEM = {
    "type": "object",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": {
            "type": "array", "items": {"type": "string"}}},
    },
    "required": ["type", "title", "status", "detail", "instance"],
}
# Every operation: the request may be invalid (an invalid cursor too), unauthenticated,
# forbidden, about nothing the user may see, in a method or media type the API does not
# answer, or over the token's allowance.
STATUSES = (400, 401, 403, 404, 405, 406, 429)


def add_problem_responses(result, generator, request, public):
    """Postprocessing hook (SPECTACULAR_SETTINGS): the Problem schema and its responses."""
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = {
        **PROBLEM, "description": str(_("A problem detail (RFC 9457), in the request's "
                                        "language."))}
    reference = {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path in result.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            for status in STATUSES:
                responses.setdefault(str(status), {
                    "description": str(TITLES[status][0]), "content": reference})
    return result
