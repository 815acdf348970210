"""gunicorn's settings, read from the working folder (the Procfile runs from here).

Threads (gthread): a request waiting on a database or a cache does not hold up the others
of its worker, so static files and /health/ are answered while PostgreSQL is frozen.
The time-out is above every time-out of the site (settings.py, campaign/deadline.py:
connect 3 s, statement 10 s, request deadline 15 s), so a stuck request fails with a page
of ours before its worker is killed.
"""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "4"))
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Headers: gunicorn refuses oversized request lines and header fields itself (400).
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
