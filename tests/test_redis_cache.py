"""The Redis cache backend keeps one Redis client (config/redis_cache.py)."""

import importlib
import socket

import pytest

from config.redis_cache import KeptClientRedisCache


def redis_answers():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


def test_the_settings_choose_it_for_a_redis_url(monkeypatch):
    from config.settings import base

    monkeypatch.setenv("CACHE_URL", "redis://127.0.0.1:6379/1")
    try:
        chosen = importlib.reload(base).CACHES["default"]["BACKEND"]
    finally:
        monkeypatch.undo()
        importlib.reload(base)
    assert chosen == "config.redis_cache.KeptClientRedisCache"


def test_one_client_serves_every_operation():
    backend = KeptClientRedisCache("redis://127.0.0.1:6379/15", {})
    client = backend._cache.get_client()
    assert backend._cache.get_client(write=True) is client
    assert backend._cache.get_client("any key") is client


@pytest.mark.skipif(not redis_answers(), reason="no Redis server on 127.0.0.1:6379")
def test_it_stores_and_reads_through_the_kept_client():
    backend = KeptClientRedisCache("redis://127.0.0.1:6379/15", {"KEY_PREFIX": "portal-test"})
    backend.set("answer", {"value": 42}, 10)
    assert backend.get("answer") == {"value": 42}
    assert backend.get_many(["answer", "missing"]) == {"answer": {"value": 42}}
    backend.delete("answer")
    assert backend.get("answer") is None
