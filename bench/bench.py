#!/usr/bin/python3
"""Side-by-side benchmark of brisk and its peers. Started by bench/run.sh, which installs
the prerequisites and builds the peers first; see bench/README.md for the methodology.

Every server runs with one worker on 127.0.0.1. The throughput runs are interleaved
round-robin (round r: every route, every server, the server order rotated by r), each run is
preceded by a short warm-up with the same wrk settings, and medians over the rounds are
reported. Results go to stdout and bench/results/results.md (raw numbers: raw.json).
"""
import json
import os
import platform
import re
import resource
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from importlib import metadata

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
PEERS = os.path.join(BENCH, "peers")
STATE = os.path.join(BENCH, ".peers")
RESULTS = os.path.join(BENCH, "results")
LOGS = os.path.join(RESULTS, "logs")
PY = "/usr/bin/python3"


def env_int(name, default):
    v = os.environ.get(name, "")
    try:
        return int(v) if v != "" else default
    except ValueError:
        sys.exit(f"bench: {name} must be an integer, got {v!r}")


QUICK = os.environ.get("BENCH_QUICK", "") not in ("", "0")
ROUNDS = env_int("BENCH_ROUNDS", 1 if QUICK else 3)
DURATION = env_int("BENCH_DURATION", 2 if QUICK else 5)
WARMUP = env_int("BENCH_WARMUP", 1)
CONNS = env_int("BENCH_CONNS", 64)
SLEEP_CONNS = env_int("BENCH_SLEEP_CONNS", 1000)
IDLE_CONNS = env_int("BENCH_IDLE_CONNS", 10000)
PORT_BASE = env_int("BENCH_PORT_BASE", 18080)
MAX_SECONDS = env_int("BENCH_MAX_SECONDS", 900 if QUICK else 2400)
PIN = os.environ.get("BENCH_PIN", "1") not in ("", "0") and (os.cpu_count() or 1) >= 2
TMP = os.environ.get("BENCH_TMP") or "/tmp"
PIDFILE = os.path.join(TMP, "server-pids")
BRISK_BIN = os.environ.get("BENCH_BRISK_BIN") or os.path.join(ROOT, "build", "apps", "bench_brisk")
IDLE_BIN = os.path.join(STATE, "bin", "idle_conns")
GO_BIN = os.path.join(STATE, "bin", "bench_go")
WRK_TIMEOUT = "2s"
# A run during which processes other than the server, wrk and this script used more than
# this share of one CPU is repeated (up to NOISY_RETRIES times; the quietest run is kept).
NOISY_CPU = 0.25
NOISY_RETRIES = env_int("BENCH_NOISY_RETRIES", 1)

T0 = time.monotonic()
try:
    with open("/proc/loadavg") as _f:
        LOADAVG_START = " ".join(_f.read().split()[:3])
except OSError:
    LOADAVG_START = "?"
DEADLINE = T0 + MAX_SECONDS

ALL_SERVERS = ["nginx", "go", "node", "express", "fastapi", "flask", "brisk"]
LABELS = {
    "nginx": "nginx (fixed bytes)",
    "go": "Go net/http",
    "node": "Node http",
    "express": "Express",
    "fastapi": "FastAPI + uvicorn",
    "flask": "Flask + gunicorn",
    "brisk": "brisk",
}

# POST /items: the body every request carries (tools/post_items.lua sends the same bytes) and
# that every server echoes back unchanged: its typed model, validated, serialized again.
ITEM_BODY = b'{"name":"Widget","price":9.99,"has_tax":true,"tags":["a","b"]}'
POST_ITEMS_LUA = os.path.join(BENCH, "tools", "post_items.lua")
# GET /me: the bearer token every request carries (wrk -H), echoed back as the current user.
ME_TOKEN = "bench-token-123"
ME_AUTH = ("Authorization", f"Bearer {ME_TOKEN}")


class Route:
    """A measured route: wrk runs `method path` with `conns` connections (with a Lua script
    for a request that is not a plain GET, and `headers`, (name, value) pairs, added to
    every request with -H); `unsupported` servers are shown as n/a."""

    def __init__(self, key, method, path, conns, unsupported=(), script=None, headers=()):
        self.key, self.method, self.path, self.conns = key, method, path, conns
        self.unsupported, self.script, self.headers = set(unsupported), script, tuple(headers)

    @property
    def title(self):
        return f"{self.method} {self.path}"


ROUTES = [
    Route("plaintext", "GET", "/plaintext", CONNS),
    Route("json", "GET", "/json", CONNS),
    Route("items", "GET", "/items/42?q=foo", CONNS),
    Route("post_items", "POST", "/items", CONNS, {"nginx"}, POST_ITEMS_LUA),
    Route("me", "GET", "/me", CONNS, {"nginx"}, headers=[ME_AUTH]),
    Route("sleep", "GET", "/sleep?ms=100", SLEEP_CONNS, {"nginx"}),
]


def log(msg):
    el = int(time.monotonic() - T0)
    print(f"[bench {el // 60:02d}:{el % 60:02d}] {msg}", file=sys.stderr, flush=True)


def out_of_time(margin=0):
    return time.monotonic() + margin > DEADLINE


# ---------------------------------------------------------------------------------------
# Process trees and memory
# ---------------------------------------------------------------------------------------

PAGE = os.sysconf("SC_PAGE_SIZE")


def descendants(root):
    """root and all its descendants, from /proc/*/stat."""
    children = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                s = f.read()
        except OSError:
            continue
        rest = s[s.rfind(")") + 2:].split()
        children.setdefault(int(rest[1]), []).append(int(d))
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def tree_rss(root):
    """(sum of RSS in bytes, number of processes) of root's process tree."""
    total, n = 0, 0
    for p in descendants(root):
        try:
            with open(f"/proc/{p}/statm") as f:
                total += int(f.read().split()[1]) * PAGE
            n += 1
        except OSError:
            pass
    return total, n


def tree_pss(root):
    """Sum of PSS (shared pages divided among their users) in bytes, or None."""
    total = 0
    for p in descendants(root):
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1]) * 1024
                        break
        except OSError:
            return None
    return total


def sample_rss(root, n=5, gap=0.2):
    vals = []
    for i in range(n):
        vals.append(tree_rss(root)[0])
        if i + 1 < n:
            time.sleep(gap)
    return int(statistics.median(vals))


class RssSampler(threading.Thread):
    def __init__(self, root, period=0.1):
        super().__init__(daemon=True)
        self.root, self.period, self.max = root, period, 0
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            self.max = max(self.max, tree_rss(self.root)[0])
            self.stop.wait(self.period)


CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_busy_jiffies():
    """Jiffies all CPUs spent not idle (user..steal), from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:9]]
    return sum(v) - v[3] - v[4]


def tree_jiffies(root):
    total = 0
    for p in descendants(root):
        try:
            with open(f"/proc/{p}/stat") as f:
                rest = f.read().rsplit(")", 1)[1].split()
            total += int(rest[11]) + int(rest[12])
        except (OSError, IndexError, ValueError):
            pass
    return total


def own_jiffies():
    """CPU time of this process and its waited-for children (wrk), in jiffies."""
    a, b = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return (a.ru_utime + a.ru_stime + b.ru_utime + b.ru_stime) * CLK_TCK


def mb(b):
    return "–" if b is None else f"{b / 1048576:.1f} MB"


# ---------------------------------------------------------------------------------------
# Servers
# ---------------------------------------------------------------------------------------

def cpus():
    n = os.cpu_count() or 1
    return str(n - 1), ",".join(str(i) for i in range(n - 1))


SERVER_CPU, CLIENT_CPUS = cpus()


def pinned(cmd, cpu_list):
    return ["taskset", "-c", cpu_list] + cmd if PIN else cmd


def port_free(port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind(("127.0.0.1", port))
        return True
    except OSError:
        return False
    finally:
        s.close()


def http_get(port, path, timeout=2.0):
    """(status, headers dict lower-cased, body bytes) over a fresh connection."""
    return http_request(port, "GET", path, timeout=timeout)


def http_request(port, method, path, body=None, content_type="application/json",
                 timeout=2.0, headers=()):
    """Like http_get, for any method; a body is sent with Content-Length, `headers`
    ((name, value) pairs) as given."""
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers)
    if body is not None:
        head += f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(head.encode() + b"\r\n" + (body or b""))
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
            head, sep, body = data.partition(b"\r\n\r\n")
            if sep:
                m = re.search(rb"(?im)^content-length:\s*(\d+)", head)
                if m and len(body) >= int(m.group(1)):
                    break
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    return status, headers, body


def has_module(mod):
    return subprocess.run([PY, "-c", f"import {mod}"], capture_output=True).returncode == 0


class Server:
    def __init__(self, name, port):
        self.name, self.port = name, port
        self.label = LABELS[name]
        self.proc = None
        self.error = None          # why it could not be started, or None
        self.notes = []
        self.conformance = []      # problems found by the response check
        self.logpath = os.path.join(LOGS, f"{name}.log")
        self.restarts = 0
        self.started_once = False
        self.cmd, self.env, self.cwd = None, dict(os.environ), ROOT

    # Each peer's command line. Returns False (with self.error) when it cannot run here.
    def prepare(self):
        p = str(self.port)
        self.notes, self.env = [], dict(os.environ)
        if self.name == "nginx":
            prefix = os.path.join(TMP, "nginx")
            for d in ("", "body", "proxy", "fastcgi", "uwsgi", "scgi"):
                os.makedirs(os.path.join(prefix, d), exist_ok=True)
            with open(os.path.join(PEERS, "nginx.conf")) as f:
                conf = f.read().replace("@PREFIX@", prefix).replace("@PORT@", p)
            with open(os.path.join(prefix, "nginx.conf"), "w") as f:
                f.write(conf)
            nginx = which("nginx", "/usr/sbin/nginx")
            if not nginx:
                self.error = "nginx is not installed"
                return False
            self.cmd = [nginx, "-p", prefix, "-c", os.path.join(prefix, "nginx.conf"),
                        "-e", os.path.join(prefix, "error.log")]
            self.notes.append("master + 1 worker; fixed response bytes; keepalive_requests raised")
        elif self.name == "go":
            if not os.path.exists(GO_BIN):
                self.error = "Go peer not built (is golang-go installed?)"
                return False
            self.cmd = [GO_BIN, "--host", "127.0.0.1", "--port", p]
            self.env["GOMAXPROCS"] = "1"
            self.notes.append("GOMAXPROCS=1")
        elif self.name in ("node", "express"):
            node = which("node")
            if not node:
                self.error = "node is not installed"
                return False
            script = "http.js" if self.name == "node" else "express.js"
            if self.name == "express":
                if not os.path.exists(os.path.join(STATE, "node_modules", "express")):
                    self.error = "express not installed (npm install failed?)"
                    return False
                self.env["NODE_PATH"] = os.path.join(STATE, "node_modules")
                self.env["NODE_ENV"] = "production"
                self.notes.append("NODE_ENV=production")
            self.cmd = [node, os.path.join(PEERS, script), "--host", "127.0.0.1", "--port", p]
            self.notes.append("keepAliveTimeout 60 s")
        elif self.name == "fastapi":
            if not has_module("fastapi") or not has_module("uvicorn"):
                self.error = "python3-fastapi / python3-uvicorn not installed"
                return False
            self.cmd = [PY, "-m", "uvicorn", "fastapi_app:app", "--app-dir", PEERS,
                        "--host", "127.0.0.1", "--port", p, "--workers", "1",
                        "--no-access-log", "--log-level", "warning",
                        "--timeout-keep-alive", "60", "--backlog", "4096"]
            loop = "uvloop" if has_module("uvloop") else "asyncio"
            http = "httptools" if has_module("httptools") else "h11"
            self.cmd += ["--loop", loop, "--http", http]
            self.notes.append(f"--loop {loop} --http {http}")
        elif self.name == "flask":
            if not has_module("flask") or not has_module("gunicorn"):
                self.error = "python3-flask / gunicorn not installed"
                return False
            self.cmd = [PY, "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{p}",
                        "--chdir", PEERS, "--log-level", "warning", "--backlog", "4096",
                        "flask_app:app"]
            self.notes.append("master + 1 sync worker (default class: one request at a time, "
                              "no keep-alive)")
        elif self.name == "brisk":
            if os.environ.get("BENCH_BRISK_BROKEN"):
                self.error = os.environ["BENCH_BRISK_BROKEN"]
                return False
            if not os.access(BRISK_BIN, os.X_OK):
                self.error = f"{os.path.relpath(BRISK_BIN, ROOT)} not built"
                return False
            self.cmd = [BRISK_BIN, "--host", "127.0.0.1", "--port", p, "--workers", "1",
                        "--no-access-log"]
            try:
                helptext = subprocess.run([BRISK_BIN, "--help"], capture_output=True, text=True,
                                          timeout=5)
                helptext = helptext.stdout + helptext.stderr
            except (OSError, subprocess.TimeoutExpired):
                helptext = ""
            if "--timeout-keep-alive" in helptext:
                self.cmd += ["--timeout-keep-alive", "60"]
                self.notes.append("--timeout-keep-alive 60")
            if "--backlog" in helptext:
                self.cmd += ["--backlog", "4096"]
            self.notes.append("master + 1 worker")
        self.env["PYTHONDONTWRITEBYTECODE"] = "1"
        return True

    def start(self):
        if not self.prepare():
            return False
        if not port_free(self.port):
            self.error = f"port {self.port} is in use"
            return False
        logf = open(self.logpath, "a" if self.started_once else "w")
        self.started_once = True
        logf.write("$ " + " ".join(self.cmd) + "\n")
        logf.flush()
        try:
            self.proc = subprocess.Popen(pinned(self.cmd, SERVER_CPU), stdin=subprocess.DEVNULL,
                                         stdout=logf, stderr=subprocess.STDOUT, env=self.env,
                                         cwd=self.cwd, start_new_session=True)
        except OSError as e:
            self.error = f"cannot execute: {e}"
            return False
        finally:
            logf.close()
        with open(PIDFILE, "a") as f:
            f.write(f"{self.proc.pid}\n")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.error = f"exited with status {self.proc.returncode} during start-up"
                self.proc = None
                return False
            try:
                status, _, body = http_get(self.port, "/health", timeout=1)
                if status == 200:
                    return True
            except (OSError, ValueError, IndexError):
                pass
            time.sleep(0.2)
        self.error = "did not answer GET /health within 30 s"
        self.stop()
        return False

    def responsive(self, timeout=5.0):
        deadline = time.monotonic() + timeout
        while self.alive() and time.monotonic() < deadline:
            try:
                if http_get(self.port, "/health", timeout=1)[0] == 200:
                    return True
            except (OSError, ValueError, IndexError):
                pass
            time.sleep(0.2)
        return False

    def ensure_responsive(self):
        """A server still busy with a previous run's leftovers (a blocking worker works through
        every queued /sleep request of connections wrk has already closed) is restarted."""
        if self.responsive():
            return True
        why = "died" if not self.alive() else "stopped answering"
        log(f"{self.label} {why}; restarting it")
        self.stop()
        self.restarts += 1
        self.error = None
        if self.start():
            return True
        log(f"{self.label} could not be restarted: {self.error}")
        self.error = None  # it did start once: report its runs, not a start failure
        return False

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        if self.proc is None:
            return
        pid = self.proc.pid
        try:
            os.killpg(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(pid, signal.SIGKILL)  # stragglers of the group (workers)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        self.proc = None

    def check_responses(self):
        """Do the routes answer what the benchmark says they do? Problems are reported."""
        expect = [
            ("/plaintext", "text/plain", lambda b: b == b"Hello, World!"),
            ("/json", "application/json", lambda b: json.loads(b) == {"message": "Hello, World!"}),
            ("/items/42?q=foo", "application/json",
             lambda b: json.loads(b) == {"item_id": 42, "q": "foo"}),
            ("/items/7", "application/json", lambda b: json.loads(b) == {"item_id": 7, "q": None}),
            ("/sleep?ms=10", "text/plain", lambda b: b == b"ok"),
        ]
        for path, ctype, ok in expect:
            if self.name == "nginx" and path.startswith("/sleep"):
                continue
            try:
                status, headers, body = http_get(self.port, path)
                good = status == 200 and headers.get("content-type", "").startswith(ctype)
                try:
                    good = good and ok(body)
                except ValueError:
                    good = False
                if not good:
                    self.conformance.append(
                        f"GET {path}: {status} {headers.get('content-type', '-')} {body[:80]!r}")
            except (OSError, ValueError, IndexError) as e:
                self.conformance.append(f"GET {path}: {e}")
        if self.name != "nginx":
            try:
                status, _, _ = http_get(self.port, "/items/abc")
                if not 400 <= status < 500:
                    self.conformance.append(f"GET /items/abc: {status}, expected 4xx")
            except (OSError, ValueError, IndexError) as e:
                self.conformance.append(f"GET /items/abc: {e}")
            self.check_post_items()
            self.check_me()

    def check_post_items(self):
        """POST /items: the same status and the same bytes from every server for a valid
        body (the measured one, and one without the optional members), 422 for invalid
        ones."""
        cases = [
            (ITEM_BODY, 200, ITEM_BODY),
            (b'{"name":"Widget","price":9.99}', 200,
             b'{"name":"Widget","price":9.99,"has_tax":false,"tags":[]}'),
            (b'{"name":"Widget","price":-1,"has_tax":true,"tags":["a","b"]}', 422, None),
            (b'{"name":"' + b"x" * 101 + b'","price":9.99}', 422, None),
            (b'{"price":9.99}', 422, None),
            (b'{"name":"Widget","price":9.99,"tags":"ab"}', 422, None),
        ]
        for body, want_status, want_body in cases:
            what = f"POST /items {body[:48].decode()}"
            try:
                status, headers, got = http_request(self.port, "POST", "/items", body)
            except (OSError, ValueError, IndexError) as e:
                self.conformance.append(f"{what}: {e}")
                continue
            ctype = headers.get("content-type", "-")
            if status != want_status or (want_body is not None and (
                    got != want_body or not ctype.startswith("application/json"))):
                self.conformance.append(f"{what}: {status} {ctype} {got[:100]!r}, expected "
                                        f"{want_status}"
                                        + (f" {want_body.decode()}" if want_body else ""))


    def check_me(self):
        """GET /me: with the bearer token (the scheme in any case) 200 and the same bytes from
        every server; without credentials 401 {"detail":"Not authenticated"} with
        WWW-Authenticate: Bearer. FastAPI before 0.122 (Debian's is older) answers 403
        without WWW-Authenticate instead, {"detail":"Not authenticated"} for a missing
        credential and {"detail":"Invalid authentication credentials"} for another scheme;
        that answer is accepted from every server and noted."""
        user = json.dumps({"user": ME_TOKEN}, separators=(",", ":")).encode()
        missing = b'{"detail":"Not authenticated"}'
        cases = [  # (Authorization value or None, 200 body, or the accepted 403 body)
            (f"Bearer {ME_TOKEN}", user, None),
            (f"bearer {ME_TOKEN}", user, None),
            (None, None, missing),
            ("Bearer", None, missing),
            ("Basic YmVuY2g6dG9rZW4=", None, b'{"detail":"Invalid authentication credentials"}'),
        ]
        old_fastapi = set()
        for auth, want_body, alt_403 in cases:
            hdrs = [("Authorization", auth)] if auth is not None else []
            what = "GET /me " + (f"Authorization: {auth}" if auth is not None
                                 else "without Authorization")
            try:
                status, headers, got = http_request(self.port, "GET", "/me", headers=hdrs)
            except (OSError, ValueError, IndexError) as e:
                self.conformance.append(f"{what}: {e}")
                continue
            ctype = headers.get("content-type", "-")
            json_ok = ctype.startswith("application/json")
            if want_body is not None:
                ok, expected = status == 200 and json_ok and got == want_body, \
                    f"200 {want_body.decode()}"
            elif status == 403 and json_ok and got in (missing, alt_403):
                ok, expected = True, ""
                old_fastapi.add(got.decode())
            else:
                ok = status == 401 and json_ok and got == missing and \
                    headers.get("www-authenticate") == "Bearer"
                expected = f"401 {missing.decode()} with WWW-Authenticate: Bearer (or 403)"
            if not ok:
                self.conformance.append(
                    f"{what}: {status} {ctype} WWW-Authenticate "
                    f"{headers.get('www-authenticate', '-')} {got[:100]!r}, expected {expected}")
        if old_fastapi:
            self.notes.append("GET /me without valid credentials answers 403 (no "
                              "WWW-Authenticate) " + " / ".join(sorted(old_fastapi)) +
                              ", as FastAPI's HTTPBearer did before 0.122; accepted")


def which(prog, *extra):
    for d in os.environ.get("PATH", "").split(":") + [os.path.dirname(e) for e in extra]:
        cand = os.path.join(d, prog)
        if d and os.access(cand, os.X_OK):
            return cand
    return None


# ---------------------------------------------------------------------------------------
# wrk
# ---------------------------------------------------------------------------------------

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def parse_latency(text):
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    return float(m.group(1)) * UNITS[m.group(2)] if m else None


def wrk(port, path, conns, seconds, root=None, script=None, headers=()):
    """Runs wrk; returns a dict with rps, p50/p99 (ms), errors, non2xx, max_rss. `script` is
    a Lua file for wrk -s (the method, body and headers of a POST); `headers`, (name, value)
    pairs, are sent with every request (wrk -H)."""
    cmd = ["wrk", "-t1", f"-c{conns}", f"-d{seconds}s", "--latency", "--timeout", WRK_TIMEOUT]
    if script:
        cmd += ["-s", script]
    for k, v in headers:
        cmd += ["-H", f"{k}: {v}"]
    cmd.append(f"http://127.0.0.1:{port}{path}")
    sampler = RssSampler(root) if root else None
    if sampler:
        sampler.start()
    busy0, own0 = cpu_busy_jiffies(), own_jiffies()
    kids0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    srv0 = tree_jiffies(root) if root else 0
    t0 = time.monotonic()
    try:
        r = subprocess.run(pinned(cmd, CLIENT_CPUS), capture_output=True, text=True,
                           timeout=seconds + 60)
    except subprocess.TimeoutExpired:
        return {"error": "wrk did not finish"}
    finally:
        if sampler:
            sampler.stop.set()
            sampler.join()
    text = r.stdout
    res = {"max_rss": sampler.max if sampler else None}
    if root:
        # CPU used by everything else on the machine during the run, in CPUs.
        elapsed = time.monotonic() - t0
        srv = tree_jiffies(root) - srv0
        other = cpu_busy_jiffies() - busy0 - (own_jiffies() - own0) - srv
        res["foreign_cpu"] = max(0.0, other / CLK_TCK / elapsed)
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        res["client_cpu"] = (kids.ru_utime + kids.ru_stime - kids0.ru_utime - kids0.ru_stime) \
            / elapsed
        res["server_cpu_s"] = srv / CLK_TCK
        res["server_cpu"] = srv / CLK_TCK / elapsed
    m = re.search(r"Requests/sec:\s*([\d.]+)", text)
    if r.returncode != 0 or not m:
        res["error"] = (r.stderr.strip() or text.strip() or f"wrk exit {r.returncode}")[-200:]
        return res
    res["rps"] = float(m.group(1))
    m = re.search(r"(\d+) requests in", text)
    res["requests"] = int(m.group(1)) if m else None
    for pct in ("50", "99"):
        m = re.search(rf"^\s*{pct}(?:\.000)?%\s+(\S+)", text, re.M)
        res[f"p{pct}"] = parse_latency(m.group(1)) if m and res["requests"] else None
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    res["errors"] = sum(int(x) for x in m.groups()) if m else 0
    res["timeouts"] = int(m.group(4)) if m else 0
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    res["non2xx"] = int(m.group(1)) if m else 0
    return res


# ---------------------------------------------------------------------------------------
# Idle keep-alive connections
# ---------------------------------------------------------------------------------------

def idle_conn_test(srv):
    if not os.access(IDLE_BIN, os.X_OK):
        return {"error": "idle_conns client not built"}
    root = srv.proc.pid
    before = sample_rss(root)
    cmd = pinned([IDLE_BIN, "127.0.0.1", str(srv.port), str(IDLE_CONNS), "/plaintext"],
                 CLIENT_CPUS)
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, start_new_session=True)
    res = {"before": before}
    try:
        t = threading.Timer(90, p.kill)
        t.start()
        line = p.stdout.readline().split()
        t.cancel()
        if len(line) != 3 or line[0] != "ready":
            return {"error": "client failed: " + (p.stderr.read()[-200:] if p.poll() is not None
                                                  else "no ready line")}
        res["opened"], res["ok"] = int(line[1]), int(line[2])
        time.sleep(1.0)
        res["after"] = sample_rss(root, n=3, gap=0.2)
        p.stdin.write("check\n")
        p.stdin.flush()
        line = p.stdout.readline().split()
        res["open"] = int(line[1]) if len(line) == 2 else None
        res["added"] = res["after"] - before
    finally:
        try:
            p.stdin.close()
        except OSError:
            pass
        try:
            p.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
        err = p.stderr.read().strip()
        if err:
            res["client_stderr"] = err[-200:]
    return res


# ---------------------------------------------------------------------------------------
# Machine and versions
# ---------------------------------------------------------------------------------------

def cmd_out(cmd):
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
        return (r.stdout + r.stderr).strip()
    except (OSError, subprocess.TimeoutExpired):
        return ""


def pkg_version(name):
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def machine_info():
    info = {}
    info["date"] = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    info["loadavg_start"] = LOADAVG_START
    info["nproc"] = os.cpu_count()
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    info["cpu"] = cpu
    info["kernel"] = platform.release()
    try:
        with open("/proc/meminfo") as f:
            info["memory"] = f"{int(f.readline().split()[1]) // 1024} MB"
    except OSError:
        pass
    try:
        with open("/etc/debian_version") as f:
            info["debian"] = f.read().strip()
    except OSError:
        pass
    info["wrk"] = cmd_out(["wrk", "-v"]).splitlines()[0] if cmd_out(["wrk", "-v"]) else "?"
    v = {}
    v["nginx"] = cmd_out(["nginx", "-v"]).replace("nginx version: ", "")
    v["go"] = cmd_out(["go", "version"]).replace("go version ", "")
    node = cmd_out(["node", "--version"])
    v["node"] = f"Node {node}"
    try:
        with open(os.path.join(STATE, "node_modules", "express", "package.json")) as f:
            v["express"] = f"Express {json.load(f)['version']} on Node {node}"
    except (OSError, ValueError, KeyError):
        v["express"] = "not installed"
    pyver = platform.python_version()
    fa = [f"{n} {pkg_version(n)}" for n in ("fastapi", "starlette", "pydantic", "uvicorn",
                                             "uvloop", "httptools") if pkg_version(n)]
    v["fastapi"] = f"Python {pyver}; " + ", ".join(fa)
    fl = [f"{n} {pkg_version(n)}" for n in ("flask", "werkzeug", "gunicorn") if pkg_version(n)]
    v["flask"] = f"Python {pyver}; " + ", ".join(fl)
    brisk_version = "?"
    try:
        with open(os.path.join(ROOT, "include", "brisk.h")) as f:
            m = re.search(r'#define BRISK_VERSION "([^"]+)"', f.read())
            brisk_version = m.group(1) if m else "?"
    except OSError:
        pass
    cc = cmd_out(["cc", "--version"]).splitlines()
    commit = cmd_out(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"])
    if re.fullmatch(r"[0-9a-f]{4,40}", commit):
        dirty = cmd_out(["git", "-C", ROOT, "status", "--porcelain", "--", "src", "include"])
        brisk_version += f" (commit {commit}{', with uncommitted changes' if dirty else ''})"
    v["brisk"] = f"brisk {brisk_version}; {cc[0] if cc else 'cc ?'}; libuv " + \
        (cmd_out(["pkg-config", "--modversion", "libuv"]) or "?")
    info["versions"] = v
    return info


# ---------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------

def fmt_rps(x):
    return "–" if x is None else f"{x:,.0f}"


def fmt_ms(x):
    if x is None:
        return "–"
    return f"{x * 1000:.0f} µs" if x < 1 else f"{x:.2f} ms" if x < 100 else f"{x:.0f} ms"


def paired_ratio(runs, key, a, b, key_b=None):
    """Median over rounds of a's req/s divided by b's in the same round (adjacent runs share
    the machine's conditions). b's runs are of route key_b when given (e.g. brisk's POST
    /items against brisk's own /json), else of the same route."""
    ra = {r["round"]: r["rps"] for r in runs.get((key, a), []) if r.get("rps")}
    rb = {r["round"]: r["rps"] for r in runs.get((key_b or key, b), []) if r.get("rps")}
    both = [ra[k] / rb[k] for k in ra if k in rb]
    return statistics.median(both) if both else None


def fmt_ratio(r):
    return "–" if r is None else f"{r:.2f}×"


def med(xs):
    return statistics.median(xs) if xs else None


CLIENT_BOUND = 0.9  # wrk's one thread using this much of its CPU: the client is the limit


def summarize(runs):
    """Median req/s and p99 over the rounds of one (route, server)."""
    ok = [r for r in runs if "rps" in r]
    if not ok:
        return None
    p99s = [r["p99"] for r in ok if r.get("p99") is not None]
    rss = [r["max_rss"] for r in ok if r.get("max_rss")]
    return {
        "rps": statistics.median(r["rps"] for r in ok),
        "min": min(r["rps"] for r in ok),
        "max": max(r["rps"] for r in ok),
        "p99": statistics.median(p99s) if p99s else None,
        "errors": sum(r.get("errors", 0) for r in ok),
        "non2xx": sum(r.get("non2xx", 0) for r in ok),
        "max_rss": max(rss) if rss else None,
        # The first round's run: later rounds carry what earlier routes left (e.g. /sleep's
        # 1,000 connections), so this is the cleanest per-route figure.
        "first_rss": min(ok, key=lambda r: r.get("round", 0)).get("max_rss"),
        "cpu_us": med([r["server_cpu_s"] / r["requests"] * 1e6 for r in ok
                       if r.get("server_cpu_s") is not None and r.get("requests")]),
        "client_cpu": med([r["client_cpu"] for r in ok if r.get("client_cpu") is not None]),
        "n": len(ok),
    }


def report(servers, runs, idle, idle_end, idle_conns, info, complete):
    L = []
    w = L.append
    w("# brisk side-by-side benchmark\n")
    w(f"{info['date']} — {ROUNDS} round(s), wrk `-t1 -c{CONNS} -d{DURATION}s --latency "
      f"--timeout {WRK_TIMEOUT}` ({SLEEP_CONNS} connections for /sleep), {WARMUP} s warm-up "
      f"before every run, medians over the rounds; every server has one worker on 127.0.0.1.")
    if PIN:
        w(f"Servers pinned to CPU {SERVER_CPU}, wrk and the idle-connection client to CPU "
          f"{CLIENT_CPUS} (`taskset`).")
    fc = [r["foreign_cpu"] for rs in runs.values() for r in rs if "foreign_cpu" in r]
    if fc and statistics.median(fc) > NOISY_CPU:
        w(f"\n**Warning: the machine was busy — other processes used {statistics.median(fc):.2f} "
          "CPU (median) during the measured runs, so these numbers are noisy. Rerun on a quiet "
          "machine for numbers to quote.**")
    if not complete:
        w("\n**Incomplete: the time limit (BENCH_MAX_SECONDS) was reached; missing runs "
          "show as –.**")
    w("")
    summaries = {}
    for route in ROUTES:
        key, conns, unsupported = route.key, route.conns, route.unsupported
        w(f"## {route.title}  ({conns} connections)\n")
        w("| server | req/s (median) | min–max | × nginx | p99 (median) | errors | "
          "server CPU per request | idle RSS | RSS under load (1st round) |")
        w("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for srv in servers:
            if srv.name in unsupported:
                w(f"| {srv.label} | n/a | | | | | | | |")
                continue
            if srv.error:
                w(f"| {srv.label} | **failed: {srv.error}** | | | | | | | |")
                continue
            s = summarize(runs.get((key, srv.name), []))
            summaries[(key, srv.name)] = s
            if s is None:
                errs = [r.get("error") for r in runs.get((key, srv.name), []) if r.get("error")]
                why = f"**no result: {errs[-1][:80]}**" if errs else "not run"
                w(f"| {srv.label} | {why} | | | | | | {mb(idle.get(srv.name))} | |")
                continue
            errors = s["errors"] + s["non2xx"]
            err_txt = f"{errors:,}" + (f" ({s['non2xx']:,} non-2xx)" if s["non2xx"] else "")
            rng = f"{fmt_rps(s['min'])}–{fmt_rps(s['max'])}" if s["n"] > 1 else ""
            bound = " ‡" if s["client_cpu"] is not None and s["client_cpu"] >= CLIENT_BOUND \
                else ""
            cpu = "–" if s["cpu_us"] is None else f"{s['cpu_us']:.1f} µs"
            w(f"| {srv.label} | {fmt_rps(s['rps'])}{bound} | {rng} | "
              f"{fmt_ratio(paired_ratio(runs, key, srv.name, 'nginx'))} | "
              f"{fmt_ms(s['p99'])} | {err_txt} | {cpu} | {mb(idle.get(srv.name))} | "
              f"{mb(s['first_rss'])} |")
        b = summaries.get((key, "brisk"))
        if b:
            parts = []
            if key == "post_items" and summaries.get(("json", "brisk")):
                parts.append(f"{fmt_ratio(paired_ratio(runs, key, 'brisk', 'brisk', 'json'))} "
                             "brisk's own GET /json")
            for peer in ("nginx", "go", "fastapi"):
                p = summaries.get((key, peer))
                if p:
                    parts.append(f"{fmt_ratio(paired_ratio(runs, key, 'brisk', peer))} "
                                 f"{LABELS[peer]}")
            n = summaries.get((key, "nginx"))
            if n and b["cpu_us"] and n["cpu_us"] and key != "sleep":
                parts.append(f"server CPU per request {b['cpu_us'] / n['cpu_us']:.2f}× nginx's")
            if key in ("post_items", "me") and b["cpu_us"]:
                # Both brisk routes are often client-bound (‡): CPU per request still compares.
                j = summaries.get(("json", "brisk"))
                if key == "post_items" and j and j["cpu_us"]:
                    parts.append(f"server CPU per request {b['cpu_us'] / j['cpu_us']:.2f}× "
                                 "its own GET /json's")
                for peer in ("go", "fastapi"):
                    p = summaries.get((key, peer))
                    if p and p["cpu_us"]:
                        parts.append(f"{p['cpu_us'] / b['cpu_us']:.1f}× less CPU per request "
                                     f"than {LABELS[peer]}")
            if parts:
                w("\nbrisk: " + ", ".join(parts) + ".")
        w("")

    w("## Memory\n")
    w("RSS of each server's whole process tree (the started process and all its descendants, "
      "summed from /proc; PSS counts shared pages once). Idle = after the start-up warm-up "
      "(each 64-connection route for the warm-up time), with no connection open. The idle "
      "keep-alive connection test runs last, on a freshly restarted and warmed-up server: "
      "RSS with the connections open (each has carried one GET /plaintext) minus RSS just "
      "before; \"held open\" counts the connections the server had not closed when measured.\n")
    w(f"| server | processes | idle RSS (after warm-up) | idle PSS | max RSS under load (all runs) | "
      f"idle RSS after all runs | {IDLE_CONNS:,} idle keep-alive conns: RSS added | held open |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|")
    for srv in servers:
        if srv.error:
            w(f"| {srv.label} | **failed: {srv.error}** | | | | | | |")
            continue
        loads = [summaries[(rt.key, srv.name)]["max_rss"] for rt in ROUTES
                 if summaries.get((rt.key, srv.name)) and summaries[(rt.key, srv.name)]["max_rss"]]
        ic = idle_conns.get(srv.name)
        if ic is None:
            ic_txt, held = "not run", ""
        elif "error" in ic:
            ic_txt, held = f"error: {ic['error'][:60]}", ""
        else:
            ic_txt = mb(ic["added"])
            held = f"{ic['open']:,} of {ic['opened']:,}" if ic.get("open") is not None else "?"
        w(f"| {srv.label} | {idle.get(srv.name + ':procs', '?')} | {mb(idle.get(srv.name))} | "
          f"{mb(idle.get(srv.name + ':pss'))} | {mb(max(loads) if loads else None)} | "
          f"{mb(idle_end.get(srv.name))} | {ic_txt} | {held} |")
    w("")

    w("## Targets (brisk)\n")
    w("| target | measured | result | margin |")
    w("|---|---:|:---:|---:|")

    def target(name, value, goal, fmt, higher_is_better=True):
        if value is None:
            w(f"| {name} | not measured | – | |")
            return
        ok = value >= goal if higher_is_better else value <= goal
        if higher_is_better:
            margin = f"{(value / goal - 1) * 100:+.1f}% vs target"
        else:
            pct = abs(1 - value / goal) * 100
            margin = f"{pct:.1f}% {'under' if ok else 'over'} the limit"
        w(f"| {name} | {fmt(value)} | {'PASS' if ok else 'MISS'} | {margin} |")

    for key in ("plaintext", "json"):
        for peer, goal in (("nginx", 1.0), ("go", 2.0), ("fastapi", 10.0)):
            r = paired_ratio(runs, key, "brisk", peer)
            target(f"/{key} ≥ {goal:g}× {LABELS[peer]}", r, goal, lambda x: f"{x:.2f}×")
    for peer, goal in (("brisk", 0.9), ("fastapi", 15.0), ("go", 2.0)):
        if peer == "brisk":
            r = paired_ratio(runs, "post_items", "brisk", "brisk", "json")
            name = f"POST /items ≥ {goal:g}× brisk's own GET /json"
        else:
            r = paired_ratio(runs, "post_items", "brisk", peer)
            name = f"POST /items ≥ {goal:g}× {LABELS[peer]}"
        target(name, r, goal, lambda x: f"{x:.2f}×")
    for peer, goal in (("fastapi", 15.0), ("go", 2.0)):
        r = paired_ratio(runs, "me", "brisk", peer)
        target(f"GET /me ≥ {goal:g}× {LABELS[peer]}", r, goal, lambda x: f"{x:.2f}×")
    b = summaries.get(("sleep", "brisk"))
    target(f"/sleep?ms=100 at {SLEEP_CONNS} conns ≥ 8,000 req/s", b["rps"] if b else None,
           8000, lambda x: f"{x:,.0f} req/s")
    target("idle RSS, master + 1 worker ≤ 8 MB", idle.get("brisk"), 8 * 1048576, mb, False)
    ic = idle_conns.get("brisk")
    added = ic.get("added") if ic and "error" not in ic else None
    name = f"{IDLE_CONNS:,} idle keep-alive conns ≤ 20 MB added"
    if added is not None and (ic.get("open") or 0) < IDLE_CONNS:
        w(f"| {name} | {mb(added)}, but only {ic.get('open') or 0:,} connections held | "
          "MISS | not a valid measurement |")
    else:
        target(name, added, 20 * 1048576, mb, False)
    w("")

    w("## Notes\n")
    for srv in servers:
        if srv.notes:
            w(f"- **{srv.label}**: " + "; ".join(srv.notes) + ".")
    w("- nginx answers with constant bytes (no framework work): the near-limit reference. "
      "It has no non-blocking sleep, no JSON decoding and no authentication, so /sleep, "
      "POST /items and GET /me are n/a.")
    w("- POST /items: every request carries the same JSON body (tools/post_items.lua); brisk "
      "decodes it into its declared model (validation included) and encodes the model back, "
      "FastAPI does the same with a Pydantic model, and Go, Node, Express and Flask parse the "
      "JSON with their standard facility and check the same constraints by hand (422 when "
      "invalid). Every server answers the same bytes.")
    w(f"- GET /me: every request carries `Authorization: Bearer {ME_TOKEN}` (wrk -H) and "
      "gets the token back as the current user. brisk runs its HTTP Bearer security scheme "
      "and a current_user dependency on it (BRISK_DEPENDS), FastAPI HTTPBearer() and "
      "Depends(current_user); Go, Node, Express and Flask read the header by hand. Without "
      "credentials: 401 with WWW-Authenticate: Bearer (FastAPI before 0.122: 403, accepted).")
    w("- Flask handlers are synchronous: on gunicorn's default sync worker /sleep serves one "
      "request at a time (wrk's 2 s timeouts show up as errors), and after wrk stops the worker "
      "still works through every queued request of the closed connections (100 ms each), so "
      "the benchmark restarts a server that does not answer /health within 5 s before its "
      "next run.")
    if fc:
        noisy = sum(1 for x in fc if x > NOISY_CPU)
        w(f"- Other processes on the machine used {statistics.median(fc):.2f} CPU (median; max "
          f"{max(fc):.2f}) during the measured runs; {noisy} kept run(s) exceeded "
          f"{NOISY_CPU} CPU after up to {NOISY_RETRIES} repeats. Load average at start: "
          f"{info.get('loadavg_start', '?')}.")
    w(f"- ‡ = client-bound: wrk's single thread used ≥ {CLIENT_BOUND:g} of its CPU (median "
      "over the rounds), so the server may be faster than this req/s shows and ratios between "
      "client-bound servers understate the difference. Server CPU per request (the process "
      "tree's CPU time during the run divided by the requests wrk counted) compares them "
      "where req/s cannot.")
    w("- × columns and the targets use paired ratios: per round, the two servers' req/s "
      "(measured back to back), then the median over the rounds.")
    w("- errors = wrk socket errors (connect/read/write/timeout) + non-2xx responses, summed "
      "over the rounds; p99 is of the requests that completed.")
    problems = [(s, p) for s in servers for p in s.conformance]
    if problems:
        w("- Response check (same semantics everywhere) found differences:")
        for s, p in problems:
            w(f"  - {s.label}: `{p}`")
    else:
        w("- Response check: every started server answered every route as specified.")
    w("")
    w("## Machine\n")
    w(f"- {info['nproc']} CPUs ({info['cpu']}), {info.get('memory', '?')} RAM, Linux "
      f"{info['kernel']}, Debian {info.get('debian', '?')}")
    w(f"- load generator: {info['wrk']}")
    for srv in servers:
        w(f"- {srv.label}: {info['versions'].get(srv.name, '?')}")
    return "\n".join(L) + "\n"


# ---------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------

SERVERS = []


def warm_up(srv):
    """The start-up warm-up: every 64-connection route once (not /sleep's 1,000)."""
    for rt in ROUTES:
        if rt.key != "sleep" and srv.name not in rt.unsupported:
            wrk(srv.port, rt.path, rt.conns, WARMUP, script=rt.script, headers=rt.headers)


def cleanup(*_):
    for s in SERVERS:
        s.stop()


def on_signal(signum, frame):
    log(f"signal {signum}: stopping servers")
    cleanup()
    sys.exit(128 + signum)


def main():
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_signal)
    os.makedirs(LOGS, exist_ok=True)
    wanted = [s.strip() for s in os.environ.get("BENCH_SERVERS", ",".join(ALL_SERVERS))
              .split(",") if s.strip()]
    unknown = [s for s in wanted if s not in ALL_SERVERS]
    if unknown:
        sys.exit(f"bench: unknown server(s) {unknown}; choose from {ALL_SERVERS}")
    order = [s for s in ALL_SERVERS if s in wanted]
    log(f"servers: {', '.join(order)}; {ROUNDS} round(s) of {DURATION} s; "
        f"limit {MAX_SECONDS} s")

    for i, name in enumerate(order):
        srv = Server(name, PORT_BASE + ALL_SERVERS.index(name))
        SERVERS.append(srv)
        if srv.start():
            srv.check_responses()
            log(f"started {srv.label} on port {srv.port} (pid {srv.proc.pid})"
                + (f"; response check: {srv.conformance}" if srv.conformance else ""))
        else:
            log(f"FAILED to start {srv.label}: {srv.error} (log: "
                f"{os.path.relpath(srv.logpath, ROOT)})")
    up = [s for s in SERVERS if s.error is None]

    # Warm-up, then idle memory.
    idle = {}
    for srv in up:
        warm_up(srv)
    time.sleep(1.0)
    for srv in up:
        if srv.alive():
            idle[srv.name] = sample_rss(srv.proc.pid)
            idle[srv.name + ":pss"] = tree_pss(srv.proc.pid)
            idle[srv.name + ":procs"] = tree_rss(srv.proc.pid)[1]
            log(f"idle RSS {srv.label}: {mb(idle[srv.name])} "
                f"({idle[srv.name + ':procs']} processes)")

    runs = {}
    complete = True
    noisy_streak = 0  # a machine that stays busy is not waited out: repeats stop after 3
    for rnd in range(ROUNDS):
        for route in ROUTES:
            key, path, conns, unsupported = route.key, route.path, route.conns, route.unsupported
            rot = up[rnd % len(up):] + up[:rnd % len(up)] if up else []
            for srv in rot:
                if srv.name in unsupported:
                    continue
                if out_of_time(DURATION + WARMUP + 10):
                    complete = False
                    continue
                best = None
                attempts = 1 + (NOISY_RETRIES if noisy_streak < 3 else 0)
                for attempt in range(attempts):
                    if not srv.ensure_responsive():
                        best = {"error": "server not answering"}
                        break
                    wrk(srv.port, path, conns, WARMUP, script=route.script,
                        headers=route.headers)
                    if not srv.ensure_responsive():
                        best = {"error": "server not answering after warm-up"}
                        break
                    r = wrk(srv.port, path, conns, DURATION, root=srv.proc.pid,
                            script=route.script, headers=route.headers)
                    r["round"], r["attempt"] = rnd, attempt
                    if best is None or r.get("foreign_cpu", 0) < best.get("foreign_cpu", 0):
                        best = r
                    if r.get("foreign_cpu", 0) <= NOISY_CPU or "rps" not in r \
                            or attempt + 1 == attempts or out_of_time(DURATION + WARMUP + 10):
                        break
                    log(f"  other processes used {r['foreign_cpu']:.2f} CPU during the run; "
                        "repeating it")
                runs.setdefault((key, srv.name), []).append(best)
                r = best
                noisy_streak = noisy_streak + 1 if r.get("foreign_cpu", 0) > NOISY_CPU else 0
                if "rps" in r:
                    log(f"round {rnd + 1}/{ROUNDS} {route.title} {srv.label}: "
                        f"{r['rps']:,.0f} req/s, "
                        f"p99 {fmt_ms(r['p99'])}, errors {r['errors'] + r['non2xx']}, "
                        f"RSS {mb(r['max_rss'])}, other CPU {r.get('foreign_cpu', 0):.2f}")
                else:
                    log(f"round {rnd + 1}/{ROUNDS} {route.title} {srv.label}: "
                        f"{r.get('error')}")

    for srv in up:
        if not srv.alive():
            srv.notes.append("**died during the benchmark** (see its log)")
    time.sleep(1.0)
    idle_end = {}
    for s in up:
        if s.alive() and s.restarts == 0:
            idle_end[s.name] = sample_rss(s.proc.pid)

    # Memory added by idle keep-alive connections: each server is restarted first so that the
    # load runs' leftovers (grown heaps, queued work) do not count, warmed up as at the start,
    # and then given IDLE_CONNS connections that each carried one request.
    idle_conns = {}
    if IDLE_CONNS > 0:
        for srv in up:
            if out_of_time(60):
                complete = False
                break
            srv.stop()
            if not srv.start():
                idle_conns[srv.name] = {"error": f"restart failed: {srv.error}"}
                srv.error = None
                continue
            warm_up(srv)
            time.sleep(1.0)
            r = idle_conn_test(srv)
            idle_conns[srv.name] = r
            if "error" in r:
                log(f"{IDLE_CONNS} idle conns {srv.label}: {r['error']}")
            else:
                log(f"{IDLE_CONNS} idle conns {srv.label}: {mb(r['added'])} added, "
                    f"{r['ok']} answered, {r['open']} still open")
            srv.stop()

    for srv in up:
        if srv.restarts:
            srv.notes.append(f"restarted {srv.restarts}× because it stopped answering after a "
                             "run (see the Flask note)")

    info = machine_info()
    cleanup()
    md = report(SERVERS, runs, idle, idle_end, idle_conns, info, complete)
    with open(os.path.join(RESULTS, "results.md"), "w") as f:
        f.write(md)
    raw = {
        "settings": {"rounds": ROUNDS, "duration": DURATION, "warmup": WARMUP, "conns": CONNS,
                     "sleep_conns": SLEEP_CONNS, "idle_conns": IDLE_CONNS, "pinned": PIN},
        "servers": {s.name: {"port": s.port, "error": s.error, "cmd": s.cmd, "notes": s.notes,
                             "conformance": s.conformance} for s in SERVERS},
        "runs": {f"{k}/{n}": v for (k, n), v in runs.items()},
        "idle_rss": idle, "idle_rss_end": idle_end, "idle_conns": idle_conns, "machine": info,
    }
    with open(os.path.join(RESULTS, "raw.json"), "w") as f:
        json.dump(raw, f, indent=1)
    print(md)
    log(f"done in {int(time.monotonic() - T0)} s; wrote "
        f"{os.path.relpath(os.path.join(RESULTS, 'results.md'), ROOT)}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        cleanup()
