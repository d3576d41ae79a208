"""A scheduled job started on every node at once does its work once (communes/jobs.py): on
SQLite in the SQLite pass, on PostgreSQL (advisory locks) in the PostgreSQL pass.

The other node is a thread: Django gives each thread its own database connection, so on
PostgreSQL it is another session, as another server's cron would be."""

import threading

import pytest
from django.core import mail
from django.db import connection, connections

from communes.jobs import job_alone


def on_another_node(work):
    """Run `work()` in a thread with its own connection; its result."""
    result = {}

    def run():
        try:
            result["value"] = work()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    return result["value"]


def held_elsewhere(name):
    def attempt():
        with job_alone(name) as mine:
            return mine
    return on_another_node(attempt)


@pytest.mark.django_db(transaction=True)
def test_a_job_held_by_one_node_is_skipped_by_the_others_until_it_ends():
    with job_alone("digest") as mine:
        assert mine
        assert held_elsewhere("digest") is False
        # Another job's lock is another lock.
        assert held_elsewhere("webhook_retry") is True
    assert held_elsewhere("digest") is True


@pytest.mark.django_db(transaction=True)
def test_the_lock_is_released_when_the_job_fails():
    with pytest.raises(RuntimeError), job_alone("digest") as mine:
        assert mine
        raise RuntimeError("the job failed half-way")
    assert held_elsewhere("digest") is True


@pytest.mark.skipif(connection.vendor != "postgresql", reason="advisory locks: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_node_that_dies_leaves_the_lock_to_the_others():
    with job_alone("digest") as mine:
        assert mine
        connection.close()  # the process died: its session, and the lock, end with it
        assert held_elsewhere("digest") is True


def test_the_digest_started_on_two_nodes_at_once_sends_each_mail_once(
        overdue_in_a, head_a, django_capture_on_commit_callbacks):
    from recommendations.notifications import digest_send

    day = overdue_in_a
    with django_capture_on_commit_callbacks(execute=True):
        with job_alone("digest"):  # this node is sending right now: the other skips
            assert on_another_node(lambda: digest_send(today=day)) is None
        assert digest_send(today=day) == 1
        # A run after it (cron late on a node) finds the day's digest sent.
        assert digest_send(today=day) == 0
    assert len([m for m in mail.outbox if head_a.email in m.to]) == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="advisory locks: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_job_that_fails_on_the_database_inside_a_transaction_releases_its_lock():
    """A job called inside an atomic block (a task, a test, a caller's transaction) whose query
    fails leaves the transaction aborted: the unlock cannot run in it, and the session, kept
    by CONN_MAX_AGE or a long-lived worker, would hold the lock for good."""
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError), transaction.atomic(), job_alone("digest") as mine:
        assert mine
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1/0")
    assert held_elsewhere("digest") is True


def test_a_node_that_waits_sends_what_a_node_that_died_half_way_left(
        overdue_in_a, head_a, django_capture_on_commit_callbacks):
    """The other node takes the digest's lock and dies before sending anything: this node,
    started by its own cron at the same minute, waits for the lock and sends the digest."""
    from recommendations.notifications import digest_send

    taken, died = threading.Event(), threading.Event()

    def other_node():
        with job_alone("digest") as mine:
            assert mine
            taken.set()
            died.wait(timeout=10)  # half-way: nothing sent yet
        connections.close_all()

    thread = threading.Thread(target=other_node)
    thread.start()
    try:
        assert taken.wait(timeout=10)
        threading.Timer(1.0, died.set).start()
        with django_capture_on_commit_callbacks(execute=True):
            assert digest_send(today=overdue_in_a, wait=10) == 1
    finally:
        died.set()
        thread.join(timeout=10)
    assert len([m for m in mail.outbox if head_a.email in m.to]) == 1


def test_a_node_that_waits_no_longer_than_it_may_skips_the_run(overdue_in_a):
    from recommendations.notifications import digest_send

    with job_alone("digest"):
        assert on_another_node(lambda: digest_send(today=overdue_in_a, wait=1)) is None
