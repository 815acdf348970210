"""Throwaway servers for the fault tests: a PostgreSQL cluster made with initdb in a
temporary folder, a redis-server, and gunicorn serving the site on them, each on a free
port, each in its own process group so that it can be stopped, frozen (SIGSTOP, the whole
group: the postmaster and every backend) and thawed. The shared servers of the machine are
never touched."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            probe.settimeout(0.5)
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not listen on port {port} within {timeout:.0f} s")


def postgres_binaries() -> Path | None:
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).resolve().parent
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


def descendants(root: int) -> list[int]:
    """Every process under ``root``, read from /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, queue = [], [root]
    while queue:
        for child in children.get(queue.pop(), []):
            found.append(child)
            queue.append(child)
    return found


def _signal_pid(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # ended meanwhile
        os.kill(pid, sig)


class Process:
    """A server in its own process group, with its log kept."""

    def __init__(self, name: str, command: list[str], *, env: dict[str, str] | None = None, cwd: Path | None = None):
        self.name = name
        self.command = command
        self.env = env
        self.cwd = cwd
        self.log_path = Path(tempfile.mkstemp(prefix=f"{name}-", suffix=".log")[1])
        self.process: subprocess.Popen | None = None
        self.frozen = False

    def start(self) -> None:
        log = open(self.log_path, "ab")  # noqa: SIM115 - kept open while the server runs
        self.process = subprocess.Popen(
            self.command, env=self.env, cwd=self.cwd, stdout=log, stderr=log, start_new_session=True
        )
        log.close()

    def send(self, sig: int) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, sig)

    def freeze(self) -> None:
        """SIGSTOP to the group and to every descendant: PostgreSQL's backends each start a
        session of their own, so the group alone would leave them answering."""
        self.send(signal.SIGSTOP)
        for pid in descendants(self.process.pid if self.process else -1):
            _signal_pid(pid, signal.SIGSTOP)
        self.frozen = True

    def thaw(self) -> None:
        for pid in descendants(self.process.pid if self.process else -1):
            _signal_pid(pid, signal.SIGCONT)
        self.send(signal.SIGCONT)
        self.frozen = False

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20) -> None:
        if not self.process or self.process.poll() is not None:
            return
        if self.frozen:
            self.thaw()
        self.send(sig)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.send(signal.SIGKILL)
            self.process.wait(timeout=10)

    def tail(self, lines: int = 30) -> str:
        text = self.log_path.read_text(errors="replace").splitlines()[-lines:]
        return "\n".join(f"    [{self.name}] {line}" for line in text)


def _as_postgres_user(command: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class ThrowawayPostgres:
    def __init__(self) -> None:
        self.bin = postgres_binaries()
        if self.bin is None:
            raise RuntimeError("initdb not found")
        self.folder = Path(tempfile.mkdtemp(prefix="faults-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        subprocess.run(
            _as_postgres_user(
                [str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres"]
                + ["--no-sync", "-E", "UTF8"]
            ),
            check=True,
            capture_output=True,
        )
        self.server = Process(
            "postgres",
            _as_postgres_user(
                [
                    *(str(self.bin / "postgres"), "-D", str(self.data), "-p", str(self.port), "-k", str(self.folder)),
                    *("-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "max_connections=60"),
                ]
            ),
        )

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/faults"

    def start(self) -> None:
        self.server.start()
        wait_for_port(self.port, 30, "postgres")
        deadline = time.monotonic() + 30
        while subprocess.run(
            [str(self.bin / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port)], capture_output=True
        ).returncode:
            if time.monotonic() > deadline:
                raise RuntimeError("postgres did not become ready:\n" + self.server.tail())
            time.sleep(0.2)

    def create_database(self) -> None:
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-qc", "CREATE DATABASE faults"],
            check=True,
            capture_output=True,
        )

    def stop(self) -> None:
        self.server.stop(signal.SIGINT)  # PostgreSQL's fast shutdown

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


class ThrowawayRedis:
    def __init__(self) -> None:
        self.port = free_port()
        self.server = Process(
            "redis",
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        )

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.server.start()
        wait_for_port(self.port, 10, "redis-server")

    def stop(self) -> None:
        self.server.stop(signal.SIGTERM)


def site_environment(database_url: str, redis_url: str, **extra: str) -> dict[str, str]:
    """Production settings on the throwaway servers, plain HTTP on loopback behind a pretend
    TLS proxy (the client sends X-Forwarded-Proto: https)."""
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "faults-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "BEHIND_TLS_PROXY": "true",
        "CACHE_KEY_PREFIX": f"faults-{os.getpid()}",
        "STAFF_REQUIRE_MFA": "false",
        "EMAIL_URL": "consolemail://",
        "LOG_LEVEL": "WARNING",
        **extra,
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    done = subprocess.run(
        [str(VENV_BIN / "python"), "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done.stdout


class Gunicorn:
    def __init__(self, env: dict[str, str]) -> None:
        self.port = free_port()
        gunicorn = VENV_BIN / "gunicorn"
        self.server = Process(
            "gunicorn",
            [str(gunicorn if gunicorn.exists() else "gunicorn"), "campaign.wsgi", "--bind", f"127.0.0.1:{self.port}"],
            env=env,
            cwd=BASE_DIR,  # gunicorn.conf.py is read from here
        )

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.server.start()
        wait_for_port(self.port, 60, "gunicorn")

    def stop(self) -> None:
        self.server.stop(signal.SIGTERM)
