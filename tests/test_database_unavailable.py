"""While no writable database answers (a failover: the primary lost, the standby not yet
promoted), a request that needs it gets 503 and a page saying nothing was saved and to send it
again in a minute, not the server-error page (config.views.server_error). The cluster test
(tests/cluster/test_4_failover.py) proves it against a real failover."""

import sqlite3

import psycopg
import pytest
from django.db import IntegrityError, InternalError, OperationalError, ProgrammingError
from django.test import RequestFactory

from config.views import RETRY_AFTER_SECONDS, server_error


def as_django_raises(django_class, driver_error):
    """The error as Django's DatabaseErrorWrapper raises it: Django's class, the driver's error
    as its cause."""
    error = django_class(*driver_error.args)
    error.__cause__ = driver_error
    return error


def answer_to(error, path="/recommendations/1/note/"):
    request = RequestFactory().post(path)
    try:
        raise error
    except Exception:
        return server_error(request)


@pytest.mark.parametrize("error", [
    as_django_raises(OperationalError, psycopg.OperationalError(
        "connection failed: connection to server at \"127.0.0.1\", port 55432 failed: "
        "Connection refused")),
    as_django_raises(OperationalError, psycopg.OperationalError(
        "connection failed: server is in hot standby mode")),
    as_django_raises(OperationalError, psycopg.errors.AdminShutdown(
        "terminating connection due to administrator command")),
    as_django_raises(InternalError, psycopg.errors.ReadOnlySqlTransaction(
        "cannot execute INSERT in a read-only transaction")),
])
def test_a_database_out_of_reach_answers_503_with_a_page_of_its_own(error):
    response = answer_to(error)
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "switching to its standby" in response.content.decode() or \
        "dự phòng" in response.content.decode()


def test_the_api_answers_a_problem_with_503():
    response = answer_to(as_django_raises(OperationalError, psycopg.OperationalError(
        "connection refused")), path="/api/v1/recommendations/")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"


def test_any_other_fault_is_still_a_500():
    assert answer_to(IntegrityError("duplicate key")).status_code == 500
    assert answer_to(ValueError("a bug")).status_code == 500


@pytest.mark.parametrize("error", [
    # OperationalErrors that are no failover: a fault to fix (and a 500 to be seen as one).
    as_django_raises(OperationalError, psycopg.errors.QueryCanceled(
        "canceling statement due to statement timeout")),
    as_django_raises(OperationalError, psycopg.errors.DeadlockDetected("deadlock detected")),
    as_django_raises(OperationalError, psycopg.errors.DiskFull("could not extend file")),
    as_django_raises(OperationalError, sqlite3.OperationalError(
        "no such table: recommendations_response")),
    as_django_raises(ProgrammingError, psycopg.errors.UndefinedColumn("column does not exist")),
    OperationalError("raised by hand, no driver error under it"),
])
def test_a_database_fault_that_is_no_failover_is_still_a_500(error):
    assert answer_to(error).status_code == 500
