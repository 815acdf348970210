"""A bounded load on the site while a fault lasts, and what it saw.

Readers fetch public pages (some cached, some not), the map data and the API; a prober a
static file and /health/; one writer, signed in as an official, saves a report draft again and again. Every
request is recorded: when, how long, what status, and for writes whether the site said it
was saved. The figures are counted from these records.
"""

from __future__ import annotations

import html.parser
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import requests

CLIENT_TIMEOUT = 40  # seconds: above gunicorn's time-out, so a hang shows as such


@dataclass
class Outcome:
    started: float
    seconds: float
    status: int  # 0: no answer (connection refused, reset or client time-out)
    kind: str  # "read" or "write"
    url: str
    stale: bool = False
    acknowledged: bool = False


@dataclass
class Figures:
    fault: str
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, predicate) -> int:
        return sum(1 for o in self.outcomes if predicate(o))

    def summary(self, hang_seconds: float) -> dict[str, int | float | str]:
        writes = [o for o in self.outcomes if o.kind == "write"]
        return {
            "fault": self.fault,
            "tried": len(self.outcomes),
            "within 2 s": self.count(lambda o: o.status and o.seconds <= 2),
            f"past {hang_seconds:.0f} s": self.count(lambda o: o.seconds > hang_seconds or o.status == 0),
            "5xx": self.count(lambda o: o.status >= 500),
            "500": self.count(lambda o: o.status == 500 or (o.status > 503 and o.status < 600)),
            "503": self.count(lambda o: o.status == 503),
            "stale copies": self.count(lambda o: o.stale),
            "writes tried": len(writes),
            "writes acknowledged": sum(1 for o in writes if o.acknowledged),
            "slowest s": round(max((o.seconds for o in self.outcomes), default=0), 1),
        }


class FormFields(html.parser.HTMLParser):
    """The fields a browser would send with each POST form of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, str]] = []
        self._form: dict[str, str] | None = None
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            if (a.get("method") or "").lower() == "post":
                self._form = {}
            return
        if self._form is None:
            return
        if tag == "option":
            if self._select:
                value = a.get("value") or ""
                if self._select not in self._form or "selected" in a:
                    self._form[self._select] = value
            return
        name = a.get("name")
        if not name:
            return
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file", "image", "reset"):
                self._form[name] = a.get("value") or ""
        elif tag == "textarea":
            self._textarea = name
            self._form[name] = ""
        elif tag == "select":
            self._select = name

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form[self._textarea] += data


def form_fields(page: str) -> dict[str, str]:
    """The fields of the page's main form: the POST form with the most fields (not the
    layout's log-out button)."""
    parser = FormFields()
    parser.feed(page)
    return max(parser.forms, key=len, default={})


class Visitor:
    """requests, with the cookies kept by hand: the site's cookies are Secure, and this
    client talks plain HTTP to loopback."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.http = requests.Session()
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {"Accept-Language": "en", "Referer": self.base + path, **kwargs.pop("headers", {})}
        response = self.http.request(
            method,
            self.base + path,
            cookies=self.cookies,
            headers=headers,
            timeout=CLIENT_TIMEOUT,
            allow_redirects=False,
            **kwargs,
        )
        self.http.cookies.clear()
        self.cookies.update({c.name: c.value for c in response.cookies})
        return response

    def log_in(self, email: str, password: str) -> None:
        page = self.request("GET", "/en/accounts/login/").text
        fields = {**form_fields(page), "login": email, "password": password}
        response = self.request("POST", "/en/accounts/login/", data=fields)
        if response.status_code != 302:
            raise RuntimeError(f"login answered {response.status_code}: {response.text[:500]}")


class Load:
    def __init__(
        self,
        base: str,
        *,
        read_paths: list[str],
        probe_paths: list[str],
        write_path: str,
        login: tuple[str, str],
        readers: int = 3,
    ):
        self.base = base
        self.read_paths = read_paths
        self.probe_paths = probe_paths
        self.write_path = write_path
        self.login = login
        self.readers = readers
        self.writer = Visitor(base)
        self.writer.log_in(*login)
        self.write_form = form_fields(self.writer.request("GET", write_path).text)
        self.writes = 0

    def _record(self, figures: Figures, kind: str, url: str, send) -> requests.Response | None:
        started = time.monotonic()
        try:
            response = send()
        except requests.RequestException:
            figures.outcomes.append(Outcome(started, time.monotonic() - started, 0, kind, url))
            return None
        outcome = Outcome(started, time.monotonic() - started, response.status_code, kind, url)
        outcome.stale = response.headers.get("X-Served-From") == "last-good-copy"
        if kind == "write":
            # Saved: the site redirects to the report with its success message.
            outcome.acknowledged = response.status_code == 302
        figures.outcomes.append(outcome)
        return response

    def _read_loop(self, figures: Figures, until: float, offset: int) -> None:
        visitor = Visitor(self.base)
        i = offset
        while time.monotonic() < until:
            path = self.read_paths[i % len(self.read_paths)].replace("{n}", str(i))
            i += 1
            self._record(figures, "read", path, lambda path=path: visitor.request("GET", path))
            time.sleep(0.05)

    def _probe_loop(self, figures: Figures, until: float) -> None:
        """What must never wait on the database: a static file and /health/, on their own
        thread (a reader stuck on a page would not ask for them meanwhile)."""
        visitor = Visitor(self.base)
        i = 0
        while time.monotonic() < until:
            path = self.probe_paths[i % len(self.probe_paths)]
            i += 1
            self._record(figures, "read", path, lambda path=path: visitor.request("GET", path))
            time.sleep(0.2)

    def _write_loop(self, figures: Figures, until: float) -> None:
        while time.monotonic() < until:
            self.writes += 1
            data = {**self.write_form, "action": "save"}
            for name in data:
                if re.search(r"-narrative$", name):
                    data[name] = f"Fault-test save {self.writes}"
            self._record(
                figures,
                "write",
                self.write_path,
                lambda data=data: self.writer.request("POST", self.write_path, data=data),
            )
            time.sleep(0.2)

    def run(self, figures: Figures, seconds: float) -> None:
        """Run the load for ``seconds``, then wait for every request in flight."""
        until = time.monotonic() + seconds
        threads = [threading.Thread(target=self._read_loop, args=(figures, until, n)) for n in range(self.readers)]
        threads.append(threading.Thread(target=self._write_loop, args=(figures, until)))
        threads.append(threading.Thread(target=self._probe_loop, args=(figures, until)))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=seconds + CLIENT_TIMEOUT + 10)


def statuses(figures: Figures) -> Counter:
    return Counter(o.status for o in figures.outcomes)
