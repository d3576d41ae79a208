"""The API's documentation, shown at the top of /api/v1/docs/ and in the schema, in the
reader's language."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

TITLE = _("Inspections portal API")

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
    {"name": "task-tracking", "description": _(
        "The national task-tracking split (Báo cáo 1270/BC-TCTTTg): completed on time or "
        "late, not completed within the deadline or overdue, and without a deadline.")},
    {"name": "open311", "description": _(
        "Open311 GeoReport v2: services are the categories, service requests the "
        "recommendations (open or closed; requested_datetime the day of the session that "
        "raised them), the agency responsible the lead department. Read-only (no POST); every "
        "address answers JSON (.json) or XML (.xml, with the specification's element names; "
        "not repeated in this schema); the same token and the same visibility as the rest of "
        "the API. Errors are problem details in JSON, GeoReport's <errors> list in XML.")},
    {"name": "root", "description": _("The API's addresses.")},
]

# What each operation reads (its view's docstring, for the reader).
OPERATIONS = {
    "round": _("Inspection rounds (đợt kiểm tra)."),
    "group": _("Working groups (tổ công tác) with their assigned units and members."),
    "session": _("Sessions (buổi làm việc) with their units, unit reports, figures and field "
                 "visits."),
    "difficulty": _("Difficulties (khó khăn, vướng mắc) the units named at sessions."),
    "directive": _("Directives (kết luận, nhiệm vụ) with their follow-up per addressee."),
    "recommendation": _("Recommendations (kiến nghị) with their routing, status, due date, "
                        "lifecycle events and responses. The list takes the filters of the "
                        "portal's list page."),
    "unit": _("Commune-level units (xã, phường, đặc khu) by official code."),
    "department": _("Provincial departments (sở, ban, ngành)."),
    "category": _("Categories of difficulties and recommendations."),
    "dashboard": _("The dashboard's figures over what the user may see, with the dashboard's "
                   "filters."),
    "task_tracking": _(
        "The recommendations routed to a lead department and the directives (one task per "
        "addressee) of what the user may see, with the dashboard's filters, in the "
        "task-tracking split as of `as_of` (today unless given): the counts per lead body, "
        "equal to the dashboard's, and the tasks in pages of `page_size` (`page`: 1, 2, …). "
        "A task is completed when done by that day, on time when by its deadline (an "
        "approved extension moves the deadline); not completed, within the deadline when "
        "the deadline is that day or later, overdue when it has passed."),
    "open311_services": _("The categories, as GeoReport v2 services."),
    "open311_requests": _("The recommendations as service requests, the newest session "
                          "first, at most 1000; start_date and end_date filter on "
                          "requested_datetime, the day of the session that raised them "
                          "(the last 90 days without them)."),
    "root": _("The addresses of the API's lists and other endpoints, each a full URL."),
    "open311_request": _("One recommendation, as a list of one (as GeoReport v2 has it)."),
}

# Swagger UI's own words (it has no translations of its own), as it writes them on the
# documentation page → the reader's language. static/js/api-docs.js puts them in place.
SWAGGER_UI_TEXTS = {
    "Authorize": _("Authorize"),
    "Available authorizations": _("Available authorizations"),
    "Close": _("Close"),
    "Logout": _("Log out of the token"),
    "Authorized": _("Authorized"),
    "Value:": _("Value:"),
    "Name:": _("Name:"),
    "In:": _("In:"),
    "Schemas": _("Schemas"),
    "Parameters": _("Parameters"),
    "No parameters": _("No parameters"),
    "Name": _("Name"),
    "Description": _("Description"),
    "Try it out": _("Try it out"),
    "Cancel": _("Cancel"),
    "Execute": _("Execute"),
    "Clear": _("Clear"),
    "Responses": _("Responses"),
    "Response content type": _("Response content type"),
    "Code": _("Code"),
    "Links": _("Links"),
    "No links": _("No links"),
    "Media type": _("Media type"),
    # "Controls <code>Accept</code> header.", in three pieces around the header's name.
    "Controls": _("Sets the"),
    "header.": _("header of the request."),
    "Example Value": _("Example value"),
    "Schema": _("Schema"),
    "Server response": _("Server response"),
    "Request URL": _("Request URL"),
    "Request duration": _("Request duration"),
    "Curl": _("Command (curl)"),
    "Details": _("Details"),
    "Response body": _("Response body"),
    "Response headers": _("Response headers"),
    "Download": _("Download"),
    "Undocumented": _("Undocumented"),
    "Loading...": _("Loading…"),
    "Failed to load API definition.": _("The API's schema could not be loaded."),
    "Fetch error": _("Fetch error"),
    "required": _("required"),
    "Default value": _("Default value"),
    "Available values": _("Available values"),
    "Send empty value": _("Send an empty value"),
    "Expand operation": _("Open the operation"),
    "Collapse operation": _("Close the operation"),
    "Copy to clipboard": _("Copy"),
    "Copy request snippet to clipboard": _("Copy the request"),
    "Copy code to clipboard": _("Copy the code"),
    "Copy path to clipboard": _("Copy the path"),
    "Copy cURL command to clipboard": _("Copy the curl command"),
    # Each the name of a button whose text is translated above: the same words.
    "Apply credentials": _("Authorize"),
    "Remove authorization": _("Log out of the token"),
    "authorization button locked": _("Authorized"),
    "authorization button unlocked": _("Authorize"),
    "auth-bearer-value": _("Token"),
    "Media Type": _("Media type"),
    "Parameter content type": _("Parameter content type"),
    "Request content type": _("Request content type"),
    "Expand all": _("Open all"),
    "Collapse all": _("Close all"),
}
