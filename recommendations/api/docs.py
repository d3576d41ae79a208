"""The API's documentation, shown at the top of /api/v1/docs/ and in the schema, in the
reader's language."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

# One message per paragraph, for the translators.
PARAGRAPHS = [
    _("The portal's read-only API, for the province's other systems (document management, "
      "reporting, a data warehouse, a mobile app)."),
    _("**Authentication.** Make a personal token on the portal's page «API tokens» (the link "
      "is in the header) and send it as `Authorization: Bearer <token>`. The token reads as "
      "you: it sees exactly what you see on the pages (a department only what is routed to "
      "it; another province's data answer 404). In the browser, your login session works "
      "too."),
    _("**Lists** are in pages of `page_size` rows (50 by default, at most 500), in the order "
      "of their ids; follow the links `next` and `previous`. The filters are those of the "
      "portal's pages."),
    _("**Incremental sync.** Note the time you start a sync, then read each list with "
      "`updated_since=<the time the previous sync started>`: you get every row that changed "
      "since, with what it holds (a session's reports and figures, a recommendation's events "
      "and responses). Recommendations merged into another are listed with "
      "`include_merged=true`."),
    _("**Caching.** Every answer has an `ETag`; send it back in `If-None-Match` and the "
      "answer is `304 Not Modified` while nothing has changed."),
    _("**Limits.** Each token may make a limited number of requests a minute; beyond it the "
      "answer is `429` with `Retry-After`."),
    _("**Errors** are problem details (RFC 9457, `application/problem+json`) with `title`, "
      "`detail` and, for invalid parameters, `errors` per parameter."),
    _("**Language.** Vietnamese unless the request asks for English (`Accept-Language: en`, "
      "or the portal's language switch in the browser)."),
    _("**Open311.** `/api/open311/v2/` is a GeoReport v2 view of the recommendations for "
      "tools that speak it: services are the categories, requests the recommendations "
      "(status `open` or `closed`), the agency the lead department."),
]
DESCRIPTION = format_lazy("\n\n".join(["{}"] * len(PARAGRAPHS)), *PARAGRAPHS)

TAGS = [
    {"name": "rounds", "description": _("Inspection rounds (đợt kiểm tra).")},
    {"name": "groups", "description": _("Working groups (tổ công tác), their units and "
                                        "members.")},
    {"name": "sessions", "description": _("Sessions (buổi làm việc): units, reports, "
                                          "figures, field visits.")},
    {"name": "recommendations", "description": _(
        "Recommendations (kiến nghị): routing, status, due date, events, responses.")},
    {"name": "difficulties", "description": _("Difficulties (khó khăn, vướng mắc).")},
    {"name": "directives", "description": _("Directives (kết luận) and their follow-up.")},
    {"name": "reference", "description": _("Units, departments and categories.")},
    {"name": "dashboard", "description": _("The dashboard's figures.")},
    {"name": "open311", "description": _(
        "Open311 GeoReport v2: services are the categories, service requests the "
        "recommendations (open or closed), the agency responsible the lead department. "
        "Read-only (no POST), JSON only; the same token and the same visibility as the rest "
        "of the API; errors as problem details rather than GeoReport's error list.")},
]
