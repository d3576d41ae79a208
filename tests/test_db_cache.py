"""The database cache counts its table for culling on one set in COUNT_EVERY, not on each
(config/db_cache.py), and otherwise behaves as Django's."""

import importlib
import time

import pytest
from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.db_cache import RarelyCountingDatabaseCache

pytestmark = pytest.mark.django_db

TABLE = "test_rarely_counting_cache"


def cache_with(**options):
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table("default", TABLE, dry_run=False)
    return RarelyCountingDatabaseCache(TABLE, {"OPTIONS": options})


def counts(queries):
    return sum("COUNT(*)" in query["sql"] for query in queries)


def rows():
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {TABLE}")
        return cursor.fetchone()[0]


def test_the_settings_choose_it_for_the_database_cache(monkeypatch):
    from config.settings import base

    monkeypatch.setenv("CACHE_URL", "dbcache://portal_cache")
    try:
        chosen = importlib.reload(base).CACHES["default"]
    finally:
        monkeypatch.undo()
        importlib.reload(base)
    assert chosen["BACKEND"] == "config.db_cache.RarelyCountingDatabaseCache"
    assert chosen["OPTIONS"]["MAX_ENTRIES"] == 100_000


def test_it_counts_the_table_on_one_set_in_count_every():
    cache = cache_with(COUNT_EVERY=5)
    with CaptureQueriesContext(connection) as queries:
        for number in range(10):
            cache.set(f"part-{number}", number)
    assert counts(queries) == 2
    assert cache.get_many([f"part-{number}" for number in range(10)]) == {
        f"part-{number}": number for number in range(10)}


def test_sets_adds_and_touches_as_djangos_cache_does():
    cache = cache_with(COUNT_EVERY=1000)
    cache.set("page", "first")
    cache.set("page", "second")
    assert cache.get("page") == "second"
    assert cache.add("page", "third") is False  # still there
    assert cache.get("page") == "second"
    assert cache.add("new", {"figures": [1, 2]}) is True
    assert cache.get("new") == {"figures": [1, 2]}
    assert cache.touch("page", None) is True
    assert cache.touch("nothing") is False
    assert cache.get("nothing") is None
    cache.set("short", "gone soon", timeout=1)
    time.sleep(2.1)  # expiries are kept to the second
    assert cache.get("short") is None
    assert cache.add("short", "added over the expired entry") is True
    assert cache.get("short") == "added over the expired entry"
    cache.set("forever", 1, timeout=None)
    assert cache.get("forever") == 1


def test_the_table_is_still_culled_when_it_grows_past_max_entries():
    cache = cache_with(MAX_ENTRIES=10, CULL_FREQUENCY=2, COUNT_EVERY=4)
    for number in range(60):
        cache.set(f"part-{number}", number)
    # Each count past MAX_ENTRIES culls half; between counts at most COUNT_EVERY are added.
    assert rows() <= 10 + 4
    assert cache.get("part-59") == 59
