"""URLconf of benchmarks/bench_settings.py: the project's routes plus a trivial view, the
yardstick of benchmarks/public_load.py (the same middleware, worker and process)."""

import os

from django.http import HttpResponse
from django.urls import path

from campaign.urls import urlpatterns as project_urlpatterns


def trivial(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [*project_urlpatterns, path("bench/trivial/", trivial, name="bench-trivial")]


def worker_header(get_response):
    """Middleware: which worker process answered (X-Bench-Worker), to warm each of them."""

    def middleware(request):
        response = get_response(request)
        response["X-Bench-Worker"] = str(os.getpid())
        return response

    return middleware
