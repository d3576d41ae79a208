"""The addresses of the pages a higher app serves for inspections' records.

A session's page shows its recommendations beside its directives, so recommendations (one
layer up) serves it, and the recording page, the pages of a unit's staff and the office's
follow-up with it; yet inspections links to them: a Session's get_absolute_url, the redirect
after a session is created, the links in its mails (notifications.py). Inspections may not
name a higher app's URLs (tests/test_layers.py): recommendations fills PAGES in its
AppConfig.ready() (recommendations/apps.py), as communes/sso.py fills
communes.audit.LOGIN_METHODS.
"""

from collections.abc import Callable

# What each page shows, to a function of the record's id (for the pages of one record) that
# returns its path:
#   "session"         a session's page
#   "session_record"  the page that records what a session produced
#   "unit_session"    a session as the staff of one of its units see it
#   "unit_home"       the home page of a unit's staff
#   "unit_directive"  a directive given to a unit (by its follow-up's id), as the unit sees it
#   "unit_reports"    the office's list of the units' reports waiting for a decision
PAGES: dict[str, Callable[..., str]] = {}


def url(page: str, *args) -> str:
    """The path of `page` (one of PAGES' keys) for the record ids `args`."""
    return PAGES[page](*args)
