"""Fixtures for the black-box HTTP tests: start tests/http/apps/testapp, talk to it, and
make sure every process it started is gone afterwards.

The server binary comes from $BRISK_BUILD/apps/testapp (BRISK_BUILD: an absolute path to a
CMake build directory; default <repo>/build).

pytest-timeout is not installed here, so every test runs under an alarm (see the
`time_limit` marker) on top of the timeouts every socket and client sets itself.
"""
import json
import os
import re
import resource
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("BRISK_BUILD") or REPO / "build")
APP = BUILD / "apps" / "testapp"

DEFAULT_TIME_LIMIT = 60  # seconds per test, unless marked otherwise
STOP_TIMEOUT = 10.0      # SIGTERM → exit, before SIGKILL

# 1000 concurrent clients need 1000 descriptors here and in the server (which inherits
# this limit).
_soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
_want = 8192 if _hard == resource.RLIM_INFINITY else min(_hard, 8192)
if _soft < _want:
    resource.setrlimit(resource.RLIMIT_NOFILE, (_want, _hard))


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "time_limit(seconds): fail the test if it runs longer than this")


class TimeLimitExceeded(Exception):
    """Raised inside a test that ran past its time limit."""


@pytest.fixture(autouse=True)
def _time_limit(request):
    marker = request.node.get_closest_marker("time_limit")
    limit = marker.args[0] if marker else DEFAULT_TIME_LIMIT

    def on_alarm(signum, frame):
        raise TimeLimitExceeded(f"test exceeded its time limit of {limit}s")

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


# ---- processes ---------------------------------------------------------------------

def children_of(pid):
    """Pids whose parent is pid (from /proc, so zombies count too)."""
    kids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may contain spaces or parentheses.
        fields = stat[stat.rindex(b")") + 2:].split()
        if int(fields[1]) == pid:
            kids.append(int(entry))
    return kids


def live_children_of(pid):
    """Children that are not zombies."""
    return [k for k in children_of(pid) if process_state(k) not in (None, "Z")]


def process_state(pid):
    """The one-letter state of pid, or None when it does not exist."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
    except OSError:
        return None
    return stat[stat.rindex(b")") + 2:].split()[0].decode()


def alive(pid):
    return process_state(pid) not in (None, "Z")


def wait_until(predicate, timeout, interval=0.02):
    """Polls predicate until it is truthy (returns its value) or timeout passes (None)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            return None
        time.sleep(interval)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


SERVER_ENV = {"WEB_CONCURRENCY", "FORWARDED_ALLOW_IPS"}
SANITIZER_RE = re.compile(r"ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:")
READY_RE = re.compile(r"brisk running on (?:http://127\.0\.0\.1:(\d+)|unix:(\S+))")


class Server:
    """One running brisk binary (testapp unless `exe` says otherwise): its master
    process, log and address. `clear_env` names variables of the binary's own that must
    not leak in from the test runner's environment."""

    def __init__(self, args=(), env=None, start_timeout=10.0, exe=None, cwd=None,
                 clear_env=(), probe=None):
        """probe: (path, statuses) a GET must answer before the server counts as up;
        by default a connection that is accepted is enough."""
        env = env or {}
        self.probe = probe
        given = _has_addr(args) or "BRISK_PORT" in env or "BRISK_UDS" in env
        self.args = list(args) if given else ["--port", "0", *args]
        self.host = "127.0.0.1"
        self.port = None
        self.uds = None
        self._lines = []
        self._lines_lock = threading.Lock()
        # Only the variables a test sets may configure the server.
        full_env = {k: v for k, v in os.environ.items()
                    if not k.startswith("BRISK_") and k not in SERVER_ENV
                    and k not in clear_env}
        full_env.update(env)
        exe = exe or APP
        assert exe.exists(), f"{exe} is not built"
        self.proc = subprocess.Popen(
            [str(exe), *self.args], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, env=full_env, cwd=cwd)
        self.pid = self.proc.pid
        self._reader = threading.Thread(target=self._read_log, daemon=True)
        self._reader.start()
        m = self.wait_log(READY_RE, start_timeout)
        if not m:
            self.stop()
            raise AssertionError(f"server did not start; log:\n{self.log}")
        if m.group(1):
            self.port = int(m.group(1))
        else:
            self.uds = m.group(2)
        if not wait_until(self.ready, start_timeout):
            self.stop()
            raise AssertionError(f"server does not answer; log:\n{self.log}")
        self.initial_workers = set(self.workers())

    def ready(self):
        if not self.probe:
            return self._accepts()
        path, statuses = self.probe
        try:
            return httpx.get(self.url + path, timeout=2).status_code in statuses
        except httpx.HTTPError:
            return False

    def _read_log(self):
        for raw in self.proc.stderr:
            with self._lines_lock:
                self._lines.append(raw.decode("utf-8", "replace"))

    def _accepts(self):
        try:
            self.connect(timeout=1).close()
            return True
        except OSError:
            return False

    @property
    def log(self):
        with self._lines_lock:
            return "".join(self._lines)

    def wait_log(self, pattern, timeout=5.0, start=0):
        """The first match of pattern (a regex) in the log from character `start`."""
        rx = re.compile(pattern) if isinstance(pattern, str) else pattern
        return wait_until(lambda: rx.search(self.log, start), timeout)

    @property
    def url(self):
        return f"http://{self.host}:{self.port}" if self.port else "http://localhost"

    @property
    def addr(self):
        return (self.host, self.port)

    def connect(self, timeout=5.0):
        if self.uds:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.settimeout(timeout)
            s.connect(self.uds)
            return s
        return socket.create_connection(self.addr, timeout=timeout)

    def workers(self):
        return live_children_of(self.pid)

    def signal(self, signo):
        os.kill(self.pid, signo)

    def wait_exit(self, timeout):
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self):
        """SIGTERM, then SIGKILL after a bound; returns the pids still alive afterwards."""
        family = set(children_of(self.pid))
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            if self.wait_exit(STOP_TIMEOUT) is None:
                family |= set(children_of(self.pid))
                self.proc.kill()
                self.proc.wait(5)
        self._reader.join(5)
        # Workers die with their master (they also get SIGTERM via PDEATHSIG).
        wait_until(lambda: not any(alive(p) for p in family), 5)
        left = [p for p in family if alive(p)]
        for p in left:
            try:
                os.kill(p, signal.SIGKILL)
            except ProcessLookupError:
                pass
        return left


def _has_addr(args):
    return any(a in ("--port", "--uds") or a.startswith(("--port=", "--uds=")) for a in args)


@pytest.fixture
def server_factory():
    """server_factory(*cli_args, env={...}) → a started Server; all are stopped at the end
    of the test, and the test errors if any of their processes survives."""
    servers = []

    def start(*args, env=None):
        s = Server(args, env=env)
        servers.append(s)
        return s

    yield start
    stop_all(servers)


def stop_all(servers, name="server", workers_must_survive=False):
    """Stops every server and fails the test if one left processes behind, ignored
    SIGTERM, reported a sanitizer finding, or (workers_must_survive) lost a worker."""
    problems = []
    for s in servers:
        killed_by_force = s.proc.poll() is None
        if workers_must_survive and killed_by_force:
            crashed = s.initial_workers - set(s.workers())
            if crashed:
                problems.append(f"{name} {s.pid}: worker(s) {sorted(crashed)} died during "
                                f"the test; log:\n{s.log[-3000:]}")
        left = s.stop()
        if left:
            problems.append(f"{name} {s.pid} left processes behind: {left}")
        if killed_by_force and s.proc.returncode == -signal.SIGKILL:
            problems.append(f"{name} {s.pid} ignored SIGTERM for {STOP_TIMEOUT}s")
        # Under `make sanitize` a finding in any worker must fail the test, even though
        # the supervisor would hide it by respawning the worker.
        report = SANITIZER_RE.search(s.log)
        if report:
            start = max(0, report.start() - 200)
            problems.append(f"{name} {s.pid} sanitizer report:\n{s.log[start:start + 3000]}")
    assert not problems, "; ".join(problems)


@pytest.fixture
def server(server_factory):
    """A default single-worker server."""
    return server_factory()


# ---- C programs built against the library (README and guide examples) ---------------

def library_link_flags():
    """What a program needs to link the built libbrisk.a: the archive itself and its
    dependencies as brisk.pc lists them (so a library that grows a dependency needs no
    change here), plus the sanitizer runtimes of a `make sanitize` build."""
    out = subprocess.run(["pkg-config", "--static", "--libs", str(BUILD / "brisk.pc")],
                         check=True, capture_output=True, text=True, timeout=30).stdout
    libs = [f for f in out.split() if f != "-lbrisk" and not f.startswith("-L")]
    cache = (BUILD / "CMakeCache.txt").read_text()
    san = ["-fsanitize=address,undefined"] if "BRISK_SANITIZE:BOOL=ON" in cache else []
    return san, [str(BUILD / "libbrisk.a"), *libs]


def compile_c(src, exe, extra_libs=(), timeout=120):
    """Compiles one C file against the public header and the built library with the
    project's warnings as errors. Raises AssertionError with the compiler's output."""
    san, libs = library_link_flags()
    cc = os.environ.get("CC") or "cc"
    cmd = [cc, "-std=c17", "-Wall", "-Wextra", "-Werror", *san, f"-I{REPO / 'include'}",
           str(src), *libs, *extra_libs, "-o", str(exe)]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    assert r.returncode == 0, f"{src} does not compile:\n{' '.join(cmd)}\n{r.stderr}"


# ---- FastAPI's validation errors -----------------------------------------------------

def err(type_, loc, msg, input_, ctx=None):
    """One entry of FastAPI's 422 detail list."""
    e = {"type": type_, "loc": list(loc), "msg": msg, "input": input_}
    if ctx is not None:
        e["ctx"] = ctx
    return e


def show(resp):
    return f"{resp.request.method} {resp.request.url}\n{resp.status_code} {resp.text}"


def assert_422(resp, *errors):
    """The response is FastAPI's 422 with exactly these entries, in this order."""
    assert resp.status_code == 422, show(resp)
    assert resp.headers["content-type"].startswith("application/json"), show(resp)
    got, want = resp.json(), {"detail": list(errors)}
    assert got == want, (f"\n{resp.request.method} {resp.request.url}\n"
                         f"body: {resp.request.content[:300]!r}\n"
                         f" got: {json.dumps(got, ensure_ascii=False)}\n"
                         f"want: {json.dumps(want, ensure_ascii=False)}")
