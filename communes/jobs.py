"""Scheduled jobs that run on every app server and do their work once.

Cron runs the digest, the webhooks' overdue event and retries on every node
(deploy/cluster/): a job that ran on one chosen server only would stop with that server. Two
nodes starting a job at the same minute must not both do it (two digests in a department's
mailbox, a webhook delivered twice), so each job first takes a lock named after it in the
database every node shares. A node that finds it taken either skips the run (the webhooks'
retries: the next minute's run is the same run) or waits for it (`wait`: the digest and the
overdue event) and then does what is left: the jobs' own markers (DigestSent, OverdueAnnounced)
make a run after a finished one do nothing, and a node that died half-way leaves the rest of
the day's work to the node that waited, so losing a server loses no digest. What makes each
mail or event once is the marker, taken in the same transaction as the send; the lock keeps
the nodes from doing the same reads at once. (The audit log's pruning needs no lock: a DELETE
run twice deletes each row once.)

PostgreSQL: a session-level advisory lock (pg_try_advisory_lock), held by the job's connection
and released when the job ends, or when its process dies and the connection with it, so a
crashed node never blocks the others. SQLite (one database file, so one machine): an
exclusive flock on a file beside the database, which the kernel releases the same way.
"""

import fcntl
import hashlib
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from django.db import DatabaseError, connections

# How often a node waiting for a job's lock tries again.
POLL_SECONDS = 0.5
# How long a daily job started by cron waits for another node's run of it: far longer than a
# run takes (the national digest, 476 departments, in seconds), far shorter than a day.
CRON_WAIT_SECONDS = 600

# The first key of the portal's advisory locks (the second is the job's name hashed), so
# that they cannot meet another program's locks on the same database.
LOCK_SPACE = 7_316_228


@contextmanager
def job_alone(name: str, *, using: str = "default", wait: float = 0):
    """Yields True to the one process that holds job `name`'s lock, False to every other that
    tries while it is held — at once, or after waiting up to `wait` seconds for it to end."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        held = _tried(lambda: _advisory_lock(connection, name), wait)
        try:
            yield held
        finally:
            if held:
                try:
                    with connection.cursor() as cursor:
                        cursor.execute("SELECT pg_advisory_unlock(%s, hashtext(%s))",
                                       [LOCK_SPACE, name])
                except DatabaseError:
                    # The connection is gone, or the job's failure left the caller's
                    # transaction aborted, where no statement runs: end the session, and its
                    # lock with it, or a connection kept open (CONN_MAX_AGE, a caller in an
                    # atomic block) would hold the lock until its process ends.
                    connection.close()
        return
    with open(_lock_file(connection, name), "a") as lock:
        held = _tried(lambda: _file_lock(lock), wait)
        try:
            yield held
        finally:
            if held:
                fcntl.flock(lock, fcntl.LOCK_UN)


def _tried(take, wait: float) -> bool:
    """`take()` until it takes the lock or `wait` seconds have passed; whether it took it."""
    deadline = time.monotonic() + wait
    while not (held := take()) and time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
    return held


def _advisory_lock(connection, name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, hashtext(%s))", [LOCK_SPACE, name])
        return cursor.fetchone()[0]


def _file_lock(lock) -> bool:
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _lock_file(connection, name: str) -> Path:
    database = Path(str(connection.settings_dict["NAME"]))
    if database.parent.is_dir() and database.name and ":" not in database.name:
        return database.with_name(f"{database.name}.{name}.lock")
    # An in-memory database: no other process can share it, any private file will do.
    digest = hashlib.sha256(str(database).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"inspections-{digest}.{name}.lock"
