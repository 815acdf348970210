"""The API does what its schema says: Schemathesis runs every operation of the live schema
(/api/v1/schema/, read from the WSGI application) against a database with real data
(tests/builders.py), valid and invalid requests alike, with all of its checks.

The number of examples is kept small (SCHEMATHESIS_MAX_EXAMPLES, 20 by default) so that the
run takes well under a minute; raise it to search harder. The rate limits are lifted here:
Schemathesis sends hundreds of requests from one address (tests/public/test_api_manners.py
tests the 429s).

The schema is loaded when the module is collected (generating it runs no query), not from a
fixture: schemathesis.pytest.from_fixture reads a pytest internal that pytest 9 no longer has.
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "20"))

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())
# No example database written into the working tree; a run is the same each time.
schema.config.generation.update(max_examples=MAX_EXAMPLES, database="none", deterministic=True)


@pytest.fixture
def unlimited(settings):
    """No rate limit, and the test's database connection kept open across the requests: the
    WSGI handler would close it after each one (outside the test's transaction it would be
    right to), as Django's test client avoids too."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None}}
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
# The data is read, never written: one world for all the examples of an operation is right.
@hypothesis_settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_api_keeps_its_schema(case, open_data_world, unlimited):
    case.call_and_validate()


def test_records_that_exist_keep_their_schema(open_data_world, unlimited):
    """Generated ids mostly find nothing: each kind of record once more, with one that exists."""
    pledge = open_data_world["pledges"]["verified"]
    existing = {
        "/api/v1/signatories/{id}/": {"id": pledge.pk},
        "/api/v1/campaigns/{slug}/": {"slug": pledge.campaign.slug},
        "/api/v1/commitments/{id}/": {"id": open_data_world["commitments"]["rights"].pk},
        "/api/v1/reports/{id}/": {"id": open_data_world["reports"]["verified_past"].pk},
        "/api/v1/municipalities/{id}/": {"id": pledge.municipality_id},
    }
    for path, parameters in existing.items():
        for lang in ("en", "fr", "es"):
            case = schema[path]["GET"].Case(path_parameters=parameters, query={"lang": lang})
            response = case.call_and_validate()
            assert response.status_code == 200, (path, response.text[:300])
