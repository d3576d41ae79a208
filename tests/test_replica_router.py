"""Reads of GET requests go to the replica, except just after the user wrote."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from config.routers import RECENT_WRITE_COOKIE, ReplicaReadsMiddleware, ReplicaRouter
from recommendations.models import Recommendation


def where_reads_go(request):
    seen = {}

    def view(request):
        seen["read"] = ReplicaRouter().db_for_read(Recommendation)
        seen["write"] = ReplicaRouter().db_for_write(Recommendation)
        return HttpResponse()

    response = ReplicaReadsMiddleware(view)(request)
    return seen, response


def test_a_get_reads_from_the_replica_and_writes_to_the_primary():
    seen, response = where_reads_go(RequestFactory().get("/recommendations/"))
    assert seen == {"read": "replica", "write": "default"}
    assert RECENT_WRITE_COOKIE not in response.cookies


def test_a_post_reads_from_the_primary_and_keeps_the_next_reads_there(settings):
    seen, response = where_reads_go(RequestFactory().post("/recommendations/1/accept/"))
    assert seen == {"read": "default", "write": "default"}
    assert response.cookies[RECENT_WRITE_COOKIE]["max-age"] == settings.REPLICA_LAG_SECONDS
    after = RequestFactory().get("/recommendations/1/")
    after.COOKIES[RECENT_WRITE_COOKIE] = "1"
    assert where_reads_go(after)[0]["read"] == "default"
    # Outside a request (commands, the task worker): the primary.
    assert ReplicaRouter().db_for_read(Recommendation) == "default"


def test_migrations_run_on_the_primary_only():
    router = ReplicaRouter()
    assert router.allow_migrate("default", "recommendations")
    assert not router.allow_migrate("replica", "recommendations")


@pytest.mark.django_db
def test_with_a_replica_the_data_version_is_renewed_again_once_it_has_caught_up(settings):
    from django_tasks_db.models import DBTaskResult

    from communes import cache as portal_cache

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.READ_REPLICA = True
    portal_cache.new_versions({"province:20", "national"})
    task = DBTaskResult.objects.get()
    assert task.task_path == "communes.cache.renew_versions"
    assert task.args_kwargs["kwargs"]["names"] == ["national", "province:20"]
    assert task.run_after is not None
