"""The command line and its environment variables, Unix sockets, the access log,
--root-path and the proxy headers."""
import os
import re
import subprocess
import time

import httpx

from conftest import APP, SERVER_ENV, free_port
from rawhttp import RawConn, request


def run_cli(*args, env=None, timeout=5):
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith("BRISK_") and k not in SERVER_ENV}
    clean.update(env or {})
    return subprocess.run([str(APP), *args], capture_output=True, text=True, timeout=timeout,
                          env=clean, stdin=subprocess.DEVNULL)


def test_help_lists_options_and_exits_0():
    p = run_cli("--help")
    assert p.returncode == 0
    for opt in ("--host", "--port", "--uds", "--workers", "--timeout-keep-alive",
                "--timeout-graceful-shutdown", "--limit-concurrency", "--limit-max-requests",
                "--limit-request-body", "--limit-request-head", "--no-access-log",
                "--root-path", "--proxy-headers", "--forwarded-allow-ips", "--help"):
        assert opt in p.stdout, opt
    assert "WEB_CONCURRENCY" in p.stdout and "BRISK_PORT" in p.stdout


def test_bad_usage_exits_2_with_a_message():
    cases = [
        (("--no-such-option",), "no such option"),
        (("--port", "http"), "invalid value for --port"),
        (("--port", "70000"), "invalid value for --port"),
        (("--workers", "0"), "invalid value for --workers"),
        (("--workers",), "requires a value"),
        (("--no-access-log=1",), "takes no value"),
        (("--limit-request-body", "12Q"), "invalid value for --limit-request-body"),
        (("positional",), "unexpected argument"),
    ]
    for args, message in cases:
        p = run_cli(*args)
        assert p.returncode == 2, (args, p.returncode, p.stderr)
        assert message in p.stderr, (args, p.stderr)
    p = run_cli(env={"BRISK_PORT": "not-a-port"})
    assert p.returncode == 2
    assert "BRISK_PORT" in p.stderr


def test_port_from_environment(server_factory):
    port = free_port()
    srv = server_factory(env={"BRISK_PORT": str(port)})
    assert srv.port == port
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=5, trust_env=False) as c:
        assert c.get("/").text == "Hello, World!"


def test_option_wins_over_environment(server_factory):
    srv = server_factory("--port", "0", env={"BRISK_PORT": "1", "WEB_CONCURRENCY": "2",
                                              "BRISK_LIMIT_REQUEST_BODY": "10"})
    assert srv.port not in (0, 1)
    assert len(srv.workers()) == 2  # the environment still counts where no option is given
    with httpx.Client(base_url=srv.url, timeout=5, trust_env=False) as c:
        assert c.post("/echo", content=b"x" * 11).status_code == 413
        assert c.post("/echo", content=b"x" * 10).status_code == 200


def test_web_concurrency_sets_workers(server_factory):
    srv = server_factory(env={"WEB_CONCURRENCY": "3"})
    assert len(srv.workers()) == 3


def test_port_already_in_use_is_refused(server_factory):
    srv = server_factory("--port", str(free_port()))
    p = run_cli("--port", str(srv.port), timeout=10)
    assert p.returncode != 0
    assert "cannot bind" in p.stderr.lower() or "in use" in p.stderr.lower(), p.stderr


def test_unix_domain_socket(server_factory, tmp_path):
    path = str(tmp_path / "brisk.sock")
    srv = server_factory("--uds", path)
    assert srv.uds == path
    transport = httpx.HTTPTransport(uds=path)
    with httpx.Client(transport=transport, base_url="http://brisk", timeout=5,
                      trust_env=False) as c:
        r = c.get("/")
        assert r.status_code == 200 and r.text == "Hello, World!"
        assert c.post("/echo", content=b"over a unix socket").content == b"over a unix socket"
        assert c.get("/items/5").json() == {"id": 5}
    with RawConn(srv) as conn:  # raw, through h11
        assert conn.roundtrip(request("GET", "/json")).status == 200
    assert srv.stop() == []
    assert srv.proc.returncode == 0
    assert not os.path.exists(path), "the socket file was left behind"


ACCESS_RE = (r'INFO: +127\.0\.0\.1:\d+ - "GET /items/7\?q=x HTTP/1\.1" 200 '
             r'\d+(\.\d+)?ms')


def test_access_log_line(server):
    with httpx.Client(base_url=server.url, timeout=5, trust_env=False) as c:
        c.get("/items/7?q=x")
        c.post("/echo", content=b"abc")
        c.get("/missing")
    assert server.wait_log(ACCESS_RE, 3), server.log
    assert server.wait_log(r'"POST /echo HTTP/1\.1" 200 ', 3)
    assert server.wait_log(r'"GET /missing HTTP/1\.1" 404 ', 3)


def test_no_access_log(server_factory):
    srv = server_factory("--no-access-log")
    with httpx.Client(base_url=srv.url, timeout=5, trust_env=False) as c:
        assert c.get("/items/7?q=x").status_code == 200
    time.sleep(0.5)
    assert not re.search(r"GET /items/7", srv.log), srv.log
    assert "brisk running on" in srv.log  # the rest of the log is still there


def test_root_path(server_factory):
    srv = server_factory("--root-path", "/api")
    with httpx.Client(base_url=srv.url, timeout=5, trust_env=False) as c:
        info = c.get("/info").json()
        assert info["root_path"] == "/api"
        assert info["path"] == "/info"
        r = c.get("/json/")
        assert r.status_code == 307
        assert r.headers["location"] == "/api/json"


def test_default_root_path_is_empty(server):
    with httpx.Client(base_url=server.url, timeout=5, trust_env=False) as c:
        assert c.get("/info").json()["root_path"] == ""


# ---- proxy headers -------------------------------------------------------------------

def client_info(server, headers):
    with httpx.Client(base_url=server.url, timeout=5, trust_env=False) as c:
        return c.get("/client", headers=headers).json()


def host_of(addr):
    return addr.rsplit(":", 1)[0]


def test_proxy_headers_from_trusted_peer(server_factory):
    srv = server_factory("--proxy-headers")
    info = client_info(srv, {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"})
    assert host_of(info["client"]) == "203.0.113.7"
    assert info["scheme"] == "https"
    # Several hops: the nearest untrusted one is the client.
    info = client_info(srv, {"X-Forwarded-For": "198.51.100.1, 203.0.113.7"})
    assert host_of(info["client"]) == "203.0.113.7"
    assert info["scheme"] == "http"
    # Without the headers, the peer itself.
    assert host_of(client_info(srv, {})["client"]) == "127.0.0.1"


def test_proxy_headers_ignored_when_disabled_or_untrusted(server_factory):
    off = server_factory("--no-proxy-headers")
    info = client_info(off, {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"})
    assert host_of(info["client"]) == "127.0.0.1"
    assert info["scheme"] == "http"
    untrusted = server_factory("--proxy-headers", "--forwarded-allow-ips", "10.0.0.1")
    info = client_info(untrusted, {"X-Forwarded-For": "203.0.113.7",
                                   "X-Forwarded-Proto": "https"})
    assert host_of(info["client"]) == "127.0.0.1"
    assert info["scheme"] == "http"
    star = server_factory("--forwarded-allow-ips", "*")
    info = client_info(star, {"X-Forwarded-For": "203.0.113.7"})
    assert host_of(info["client"]) == "203.0.113.7"

