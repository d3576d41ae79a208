"""The API against its own OpenAPI schema (schemathesis, in-process through WSGI), as a
department's head and as the office, with positive and negative examples: no server error,
and every answer (status, media type, headers, body) as the schema says.

Bounded: SCHEMATHESIS_EXAMPLES examples per operation and user (about a minute in all)."""

import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "15"))


# Read when the module is collected (the schema needs no database); schemathesis' lazy
# loader from a fixture does not run under this pytest.
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())
schema.config.generation.update(modes=["positive", "negative"], max_examples=EXAMPLES)
# The coverage phase (every boundary value of every parameter) alone would take minutes here;
# the random positive and negative examples run within the budget.
schema.config.phases.coverage.enabled = False

# Path ids are mostly drawn from real objects (seen by the user or not), so that objects, not
# only 404s, are checked against the schema.
OBJECTS = {
    "/api/v1/rounds/": ["round"], "/api/v1/groups/": ["group"],
    "/api/v1/sessions/": ["session"], "/api/v1/difficulties/": ["difficulty"],
    "/api/v1/directives/": ["directive"], "/api/v1/units/": ["unit"],
    "/api/v1/departments/": ["department"], "/api/v1/categories/": ["category"],
    "/api/v1/recommendations/": ["recommendation", "recommendation_b"],
    "/api/open311/v2/requests/": ["recommendation", "recommendation_b"],
}


def _real_id(case, world):
    value = case.path_parameters.get("id") if case.path_parameters else None
    if not isinstance(value, int) or isinstance(value, bool):
        return
    for prefix, keys in OBJECTS.items():
        if case.path.startswith(prefix):
            candidates = [world[key].pk for key in keys]
            candidates += [world["other"][keys[0]].pk] if keys[0] in world["other"] else []
            if value % 4:  # three in four: an object; otherwise the drawn id
                case.path_parameters["id"] = candidates[value % len(candidates)]


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """As Django's test client does: the requests go through the WSGI handler, whose signals
    would otherwise close the connection that holds the test's transaction (PostgreSQL)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def authorizations(world, head_a, office_user, token_of):
    """Tokens of a department's head and of the office (made once, for all examples)."""
    return [token_of(head_a), token_of(office_user)]


@pytest.mark.django_db
@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_the_api_answers_as_its_schema_says(case, authorizations, world):
    _real_id(case, world)
    for authorization in authorizations:  # each example as the department, then the office
        # Uncompressed: schemathesis's WSGI client reads the body as sent, and an HTTP client
        # that asks for gzip (GZipMiddleware) unpacks it before any of this would apply.
        case.call_and_validate(headers={"Authorization": authorization,
                                        "Accept-Encoding": "identity"}, checks=CHECKS)
