import sys

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.views import defaults

from communes.decorators import read_only
from recommendations.api.problems import problem_response

API_PREFIX = "/api/"


@read_only
def benchmark_floor(request):
    """The benchmark's floor: a small template from one indexed query, under the same
    settings and middleware as every page (only routed when BENCH_FLOOR is set)."""
    from communes.models import Province

    return render(request, "bench_floor.html", {"province": Province.objects.filter(
        code=request.GET.get("code", "20")).first()})


def bad_request(request, exception=None):
    """400 in the portal's layout and language (Django's own renders the template without the
    request, so without the layout's navigation and language)."""
    return render(request, "400.html", status=400)


def csrf_failure(request, reason=""):
    """The CSRF failure page in the portal's language and layout, not Django's English one."""
    return render(request, "403_csrf.html", status=403)


def page_not_found(request, exception):
    if request.path.startswith(API_PREFIX):
        return problem_response(request, 404)
    return defaults.page_not_found(request, exception)


# Seconds a client is told to wait before trying again while the database is unreachable: about
# how long promoting the standby takes (docs/operations.md, "Failover").
RETRY_AFTER_SECONDS = 10


# PostgreSQL's SQLSTATEs of a server out of reach: a connection exception (class 08), a server
# shutting down, crashed or not yet accepting connections (57P01-57P03), a write sent to a
# server in recovery (25006, read_only_sql_transaction).
UNAVAILABLE_SQLSTATES = ("08", "57P01", "57P02", "57P03", "25006")


def database_unavailable(error) -> bool:
    """Whether a request failed because no writable database answered: the primary is lost
    (connection refused or broken) and the standby not yet promoted (libpq's
    target_session_attrs=read-write refuses it), or a write reached a server that is read-only.

    Decided on psycopg's error under Django's (its SQLSTATE; none at all when libpq could not
    connect or the connection broke), not on the class alone: Django's OperationalError also
    carries a statement timeout, a deadlock or a full disk, and on SQLite "no such table",
    which are faults to fix, not a failover to wait out."""
    if not isinstance(error, DatabaseError):
        return False
    cause = error.__cause__
    if not hasattr(cause, "sqlstate"):  # not psycopg (SQLite: one file, nothing to fail over)
        return False
    if cause.sqlstate is None:  # libpq's own: could not connect, or the connection broke
        return isinstance(error, (OperationalError, InterfaceError))
    return cause.sqlstate.startswith(UNAVAILABLE_SQLSTATES)


def server_error(request):
    """500, except while the database is unreachable (a failover): then 503 with a page saying
    that nothing was saved and when to try again, rather than "something went wrong". The
    handler runs inside Django's `except` for the failed request, so the error is at hand."""
    if database_unavailable(sys.exc_info()[1]):
        if request.path.startswith(API_PREFIX):
            response = problem_response(request, 503)
        else:
            # Rendered without the request: its context processors would read the database.
            response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    if request.path.startswith(API_PREFIX):
        return problem_response(request, 500)
    return defaults.server_error(request)
