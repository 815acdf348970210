"""Moved to tests/readers.py. Only tests/public/test_dashboard.py still imports from here:
delete this file once it imports ``from tests.readers import chart_rows``."""

from tests.readers import chart_rows, table_rows

__all__ = ["chart_rows", "table_rows"]
