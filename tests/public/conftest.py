"""Fixtures of the public pages' tests (tests/conftest.py has the pledge fixtures).

- ``open_data_world``: one campaign with a pledge in every state and reports, written
  straight to the database, for the API and the open data downloads; what each pledge is,
  and what must never appear, is told in tests/builders.py (``build_open_data_world``).
"""

import pytest

from tests.builders import build_open_data_world


@pytest.fixture
def open_data_world(db):
    return build_open_data_world()
