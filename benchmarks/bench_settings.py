"""Settings for benchmarks/public_load.py only: the project's own settings, served with a
trivial view beside the real ones (benchmarks/bench_urls.py) and a response header naming
the worker process, so that the benchmark can warm every gunicorn worker.

``BENCH_STATIC_ROOT`` moves STATIC_ROOT to a scratch folder: with DEBUG off the hashed
manifest of ``collectstatic`` is needed, and the benchmark must not write into the project.
"""

import os
from pathlib import Path

from campaign.settings import *  # noqa: F403
from campaign.settings import MIDDLEWARE

ROOT_URLCONF = "benchmarks.bench_urls"
MIDDLEWARE = ["benchmarks.bench_urls.worker_header", *MIDDLEWARE]

if os.environ.get("BENCH_STATIC_ROOT"):
    STATIC_ROOT = Path(os.environ["BENCH_STATIC_ROOT"])
