"""Black-box tests of the built-in middleware: CORS, GZip, TrustedHost and request ID,
against $BRISK_BUILD/apps/mwapp ($MWAPP_MODE picks the middleware and options).

Expected values follow Starlette's middleware (CORSMiddleware, GZipMiddleware of 0.4x,
TrustedHostMiddleware): where a case mirrors one of Starlette's own tests, the mode's
options are that test's. Compressed bodies are checked by decompressing them with
Python's zlib, an implementation independent of the server's.
"""
import gzip
import re
import socket
import subprocess
import time
import uuid
import zlib

import httpx
import pytest

from conftest import BUILD, Server, stop_all, wait_until
from rawhttp import RawConn, read_until_close, request

MWAPP = BUILD / "apps" / "mwapp"
ALL_METHODS = "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT"
SAFELISTED = "Accept, Accept-Language, Content-Language, Content-Type"
CORS_HEADERS = ("access-control-allow-origin", "access-control-allow-credentials",
                "access-control-expose-headers", "access-control-allow-methods",
                "access-control-allow-headers", "access-control-max-age")


@pytest.fixture(scope="module")
def mw():
    """mw(mode, *cli_args) → a running mwapp in that mode, shared by the module's tests."""
    started = {}

    def get(mode, *args):
        key = (mode, args)
        if key not in started:
            started[key] = Server(args, env={"MWAPP_MODE": mode}, exe=MWAPP)
        return started[key]

    yield get
    stop_all(list(started.values()))


def body_text(n):
    """What mwapp's text_of(n) produces."""
    out, i = "", 0
    while len(out) < n:
        out += f"line {i} of the body\n"
        i += 1
    return out[:n].encode()


def stream_text(n, size):
    return b"".join(f"{i:04d}:".encode() + body_text(size) for i in range(n))


def get(server, path, headers=None, **kw):
    return httpx.get(server.url + path, headers=headers or {}, timeout=10, **kw)


def options(server, path, headers):
    return httpx.options(server.url + path, headers=headers, timeout=10)


def raw_get(server, path, method="GET", headers=()):
    """One request on a raw socket (no Accept-Encoding unless given), checked by h11."""
    with RawConn(server) as conn:
        return conn.roundtrip(request(method, path, headers=headers), method=method)


def gunzip_raw(server, path, headers=None):
    """(response, raw body as sent) with Accept-Encoding: gzip."""
    hs = {"Accept-Encoding": "gzip", **(headers or {})}
    with httpx.Client(timeout=10) as client:
        with client.stream("GET", server.url + path, headers=hs) as r:
            raw = b"".join(r.iter_raw())
    return r, raw


# ---- CORS --------------------------------------------------------------------------

PREFLIGHT = {"Origin": "https://example.org", "Access-Control-Request-Method": "GET",
             "Access-Control-Request-Headers": "X-Example"}


def test_cors_allow_all_preflight(mw):
    s = mw("cors_all")
    r = options(s, "/", PREFLIGHT)
    assert r.status_code == 200
    assert r.text == "OK"
    assert r.headers["content-type"] == "text/plain; charset=utf-8"
    # With credentials the origin itself is answered, never "*".
    assert r.headers["access-control-allow-origin"] == "https://example.org"
    assert r.headers["access-control-allow-headers"] == "X-Example"  # mirrored
    assert r.headers["access-control-allow-credentials"] == "true"
    assert r.headers["access-control-allow-methods"] == ALL_METHODS
    assert r.headers["access-control-max-age"] == "600"
    assert r.headers["vary"] == "Origin"


def test_cors_allow_all_simple(mw):
    s = mw("cors_all")
    r = get(s, "/", {"Origin": "https://example.org"})
    assert r.status_code == 200 and r.text == "Homepage"
    assert r.headers["access-control-allow-origin"] == "*"
    assert r.headers["access-control-expose-headers"] == "X-Status"
    assert r.headers["access-control-allow-credentials"] == "true"
    assert "vary" not in r.headers
    # A request with cookies must get its origin back rather than "*".
    r = get(s, "/", {"Origin": "https://example.org", "Cookie": "a=b"})
    assert r.headers["access-control-allow-origin"] == "https://example.org"
    assert r.headers["vary"] == "Origin"


def test_cors_no_origin_no_headers(mw):
    s = mw("cors_all")
    r = get(s, "/")
    assert r.status_code == 200
    assert not [h for h in CORS_HEADERS if h in r.headers]
    # An OPTIONS without Origin is not a preflight: the router answers it.
    r = options(s, "/", {"Access-Control-Request-Method": "GET"})
    assert r.status_code == 405
    assert not [h for h in CORS_HEADERS if h in r.headers]


def test_cors_allow_all_without_credentials(mw):
    s = mw("cors_all_nocreds")
    r = options(s, "/", PREFLIGHT)
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == "*"
    assert "vary" not in r.headers
    assert "access-control-allow-credentials" not in r.headers
    r = get(s, "/", {"Origin": "https://example.org"})
    assert r.headers["access-control-allow-origin"] == "*"
    assert r.headers["access-control-expose-headers"] == "X-Status, X-Other"
    assert "access-control-allow-credentials" not in r.headers


def test_cors_specific_origin_preflight(mw):
    s = mw("cors_list")
    r = options(s, "/", PREFLIGHT)
    assert r.status_code == 200 and r.text == "OK"
    assert r.headers["access-control-allow-origin"] == "https://example.org"
    assert r.headers["access-control-allow-headers"] == f"{SAFELISTED}, X-Example"
    assert r.headers["access-control-allow-methods"] == "GET"  # the default
    assert r.headers["access-control-max-age"] == "600"
    assert r.headers["vary"] == "Origin"
    assert "access-control-allow-credentials" not in r.headers
    # Requested headers are compared without case, around spaces.
    r = options(s, "/", {**PREFLIGHT,
                         "Access-Control-Request-Headers": "x-example ,  content-TYPE"})
    assert r.status_code == 200, r.text
    # Without requested headers.
    r = options(s, "/", {"Origin": "https://example.org", "Access-Control-Request-Method": "GET"})
    assert r.status_code == 200
    # The preflight is the middleware's answer, whatever the path.
    r = options(s, "/no/such/route", PREFLIGHT)
    assert r.status_code == 200 and r.text == "OK"


@pytest.mark.parametrize("headers, text", [
    ({"Origin": "https://another.org", "Access-Control-Request-Method": "POST",
      "Access-Control-Request-Headers": "X-Nope"},
     "Disallowed CORS origin, method, headers"),
    ({"Origin": "https://another.org", "Access-Control-Request-Method": "GET"},
     "Disallowed CORS origin"),
    ({"Origin": "https://example.org", "Access-Control-Request-Method": "POST"},
     "Disallowed CORS method"),
    ({"Origin": "https://example.org", "Access-Control-Request-Method": "get"},
     "Disallowed CORS method"),
    ({"Origin": "https://example.org", "Access-Control-Request-Method": "GET",
      "Access-Control-Request-Headers": "X-Example, X-Nope"},
     "Disallowed CORS headers"),
    # Starlette splits an empty list into one empty name, which is not allowed.
    ({"Origin": "https://example.org", "Access-Control-Request-Method": "GET",
      "Access-Control-Request-Headers": ""},
     "Disallowed CORS headers"),
])
def test_cors_preflight_refused(mw, headers, text):
    s = mw("cors_list")
    r = options(s, "/", headers)
    assert r.status_code == 400
    assert r.text == text
    assert r.headers["content-type"] == "text/plain; charset=utf-8"
    if "origin" in text:
        assert "access-control-allow-origin" not in r.headers
    else:
        assert r.headers["access-control-allow-origin"] == "https://example.org"
    # The policy is stated even when refused, as Starlette does.
    assert r.headers["access-control-allow-methods"] == "GET"
    assert r.headers["vary"] == "Origin"


def test_cors_specific_origin_simple(mw):
    s = mw("cors_list")
    r = get(s, "/", {"Origin": "https://example.org"})
    assert r.status_code == 200 and r.text == "Homepage"
    assert r.headers["access-control-allow-origin"] == "https://example.org"
    assert r.headers["vary"] == "Origin"
    r = get(s, "/", {"Origin": "https://another.org"})
    assert r.status_code == 200
    assert "access-control-allow-origin" not in r.headers
    assert "vary" not in r.headers
    # Error answers are CORS responses too (the browser must be able to read them).
    r = get(s, "/no/such/route", {"Origin": "https://example.org"})
    assert r.status_code == 404
    assert r.headers["access-control-allow-origin"] == "https://example.org"
    r = httpx.post(s.url + "/", headers={"Origin": "https://example.org"}, timeout=10)
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == "https://example.org"


def test_cors_origin_regex(mw):
    s = mw("cors_regex")
    r = options(s, "/", {**PREFLIGHT, "Origin": "https://another.com"})
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == "https://another.com"
    assert r.headers["access-control-allow-credentials"] == "true"
    assert r.headers["access-control-allow-headers"] == f"{SAFELISTED}, X-Example"
    r = get(s, "/", {"Origin": "https://another.com"})
    assert r.headers["access-control-allow-origin"] == "https://another.com"
    assert r.headers["access-control-allow-credentials"] == "true"
    assert r.headers["vary"] == "Origin"
    r = options(s, "/", {**PREFLIGHT, "Origin": "http://another.com"})
    assert r.status_code == 400 and r.text == "Disallowed CORS origin"
    r = get(s, "/", {"Origin": "http://another.com"})
    assert "access-control-allow-origin" not in r.headers
    # Credentials are stated on every simple response, allowed origin or not.
    assert r.headers["access-control-allow-credentials"] == "true"


@pytest.mark.parametrize("origin, allowed", [
    ("https://foo.example.org", True),
    # Needs the second alternative: a full match, not a prefix match that stops early.
    ("https://foo.bar.example.org", True),
    ("https://foo.example.org.evil.com", False),
    ("xhttps://foo.example.org", False),
    ("https://bar.example.org", False),
    ("https://foo.example.orgx", False),
])
def test_cors_origin_regex_full_match(mw, origin, allowed):
    s = mw("cors_regex_full")
    r = options(s, "/", {"Origin": origin, "Access-Control-Request-Method": "POST"})
    assert r.status_code == (200 if allowed else 400), r.text
    assert r.headers["access-control-allow-methods"] == "GET, POST"
    assert r.headers["access-control-max-age"] == "3600"
    assert r.headers.get("access-control-allow-origin") == (origin if allowed else None)


def test_cors_streamed_response(mw):
    s = mw("cors_list")
    r = get(s, "/stream?n=3&size=10", {"Origin": "https://example.org"})
    assert r.status_code == 200
    assert r.content == stream_text(3, 10)
    assert r.headers["access-control-allow-origin"] == "https://example.org"


# ---- GZip --------------------------------------------------------------------------

def test_gzip_buffered(mw):
    s = mw("gzip")
    r, raw = gunzip_raw(s, "/text?n=1000")
    assert r.status_code == 200
    assert r.headers["content-encoding"] == "gzip"
    assert r.headers["vary"] == "Accept-Encoding"
    assert int(r.headers["content-length"]) == len(raw) < 1000
    assert raw[:2] == b"\x1f\x8b"
    assert gzip.decompress(raw) == body_text(1000)
    assert raw[8] == 2  # XFL: the default level is 9, the slowest


def test_gzip_json(mw):
    s = mw("gzip")
    r = get(s, "/json?n=200", {"Accept-Encoding": "gzip"})
    assert r.headers["content-encoding"] == "gzip"
    assert r.json() == ["an item of the list"] * 200  # httpx decompressed it


@pytest.mark.parametrize("n, compressed", [(0, False), (499, False), (500, True)])
def test_gzip_minimum_size(mw, n, compressed):
    s = mw("gzip")
    r, raw = gunzip_raw(s, f"/text?n={n}")
    assert ("content-encoding" in r.headers) == compressed
    assert ("vary" in r.headers) == compressed
    assert (gzip.decompress(raw) if compressed else raw) == body_text(n)
    assert int(r.headers["content-length"]) == len(raw)


def test_gzip_options(mw):
    s = mw("gzip_min")
    r, raw = gunzip_raw(s, "/text?n=1999")
    assert "content-encoding" not in r.headers and raw == body_text(1999)
    r, raw = gunzip_raw(s, "/text?n=2000")
    assert r.headers["content-encoding"] == "gzip"
    assert gzip.decompress(raw) == body_text(2000)
    assert raw[8] == 4  # XFL: level 1, the fastest
    r, raw = gunzip_raw(s, "/stream?n=2&size=10")
    assert zlib.decompress(raw, 31) == stream_text(2, 10)
    assert raw[8] == 4


@pytest.mark.parametrize("accept, compressed", [
    ("gzip", True),
    ("br;q=1.0, gzip;q=0.8, *;q=0.1", True),
    ("x-gzip", True),  # Starlette's test is a substring match
    ("deflate, br", False),
    ("identity", False),
])
def test_gzip_accept_encoding(mw, accept, compressed):
    s = mw("gzip")
    r = raw_get(s, "/text?n=1000", headers=[("Accept-Encoding", accept)])
    assert r.header("content-encoding") == ("gzip" if compressed else None)
    # Whatever could have been compressed varies on Accept-Encoding (Starlette 0.4x).
    assert r.header("vary") == "Accept-Encoding"
    assert (gzip.decompress(r.body) if compressed else r.body) == body_text(1000)


def test_gzip_no_accept_encoding(mw):
    s = mw("gzip")
    r = raw_get(s, "/text?n=1000")
    assert r.status == 200
    assert r.header("content-encoding") is None
    assert r.header("content-length") == "1000"
    assert r.header("vary") == "Accept-Encoding"
    assert r.body == body_text(1000)
    r = raw_get(s, "/stream?n=3&size=10")
    assert r.header("content-encoding") is None
    assert r.body == stream_text(3, 10)


@pytest.mark.parametrize("path", ["/encoded", "/stream?n=5&size=200&encoded=1"])
def test_gzip_already_encoded_untouched(mw, path):
    s = mw("gzip")
    r, raw = gunzip_raw(s, path)
    assert r.headers["content-encoding"] == "identity"
    assert "vary" not in r.headers
    assert raw == (body_text(1000) if path == "/encoded" else stream_text(5, 200))


def test_gzip_skips_event_stream_partial_and_empty(mw):
    s = mw("gzip")
    r, raw = gunzip_raw(s, "/stream?n=5&size=200&type=text/event-stream")
    assert "content-encoding" not in r.headers and "vary" not in r.headers
    assert raw == stream_text(5, 200)
    r, raw = gunzip_raw(s, "/partial")
    assert r.status_code == 206
    assert "content-encoding" not in r.headers and raw == body_text(1000)
    r, raw = gunzip_raw(s, "/empty")
    assert r.status_code == 204
    assert "content-encoding" not in r.headers and raw == b""


def test_gzip_vary_appended(mw):
    s = mw("gzip")
    r = get(s, "/vary", {"Accept-Encoding": "gzip"})
    assert r.headers["vary"] == "Cookie, Accept-Encoding"
    assert r.content == body_text(1000)


def test_gzip_streamed(mw):
    s = mw("gzip")
    r, raw = gunzip_raw(s, "/stream?n=20&size=300")
    assert r.headers["content-encoding"] == "gzip"
    assert r.headers["vary"] == "Accept-Encoding"
    assert r.headers["transfer-encoding"] == "chunked"
    assert "content-length" not in r.headers
    assert zlib.decompress(raw, 31) == stream_text(20, 300)
    # Streams are compressed whatever their size: the first write does not say how much
    # will follow.
    r, raw = gunzip_raw(s, "/stream?n=1&size=5")
    assert r.headers["content-encoding"] == "gzip"
    assert zlib.decompress(raw, 31) == stream_text(1, 5)


def test_gzip_streamed_stays_live(mw):
    """Each write is flushed: what a client has received decompresses to everything
    written so far, while the producer still sleeps before the next write."""
    s = mw("gzip")
    sock = s.connect(timeout=5)
    try:
        sock.sendall(request("GET", "/stream?n=3&size=50&ms=700",
                             headers=[("Accept-Encoding", "gzip")]))
        d = zlib.decompressobj(31)
        buf, head, plain = b"", None, b""
        want = stream_text(1, 50)
        start = time.monotonic()
        while len(plain) < len(want):
            assert time.monotonic() - start < 0.6, "the first write did not arrive in time"
            sock.settimeout(0.6)
            data = sock.recv(65536)
            assert data, "connection closed"
            buf += data
            if head is None:
                if b"\r\n\r\n" not in buf:
                    continue
                head, buf = buf.split(b"\r\n\r\n", 1)
                assert b"Content-Encoding: gzip" in head
            # Take the complete chunks seen so far.
            while True:
                line, sep, rest = buf.partition(b"\r\n")
                if not sep:
                    break
                size = int(line, 16)
                if len(rest) < size + 2:
                    break
                plain += d.decompress(rest[:size])
                buf = rest[size + 2:]
        assert plain == want
    finally:
        sock.close()


def test_gzip_head(mw):
    s = mw("gzip")
    r, raw = gunzip_raw(s, "/text?n=1000")
    h = raw_get(s, "/text?n=1000", method="HEAD", headers=[("Accept-Encoding", "gzip")])
    assert h.status == 200
    assert h.header("content-encoding") == "gzip"
    assert h.header("content-length") == str(len(raw))
    assert h.body == b""
    h = raw_get(s, "/stream?n=3", method="HEAD", headers=[("Accept-Encoding", "gzip")])
    assert h.header("content-encoding") == "gzip"
    assert h.body == b""


def test_gzip_keep_alive_framing(mw):
    """Several compressed, plain and streamed responses on one connection: h11 checks
    that each is framed exactly."""
    s = mw("gzip")
    ae = [("Accept-Encoding", "gzip")]
    with RawConn(s) as conn:
        for path, want, zipped in [("/text?n=1000", body_text(1000), True),
                                   ("/text?n=10", body_text(10), False),
                                   ("/stream?n=4&size=100", stream_text(4, 100), True),
                                   ("/text?n=5000", body_text(5000), True)]:
            r = conn.roundtrip(request("GET", path, headers=ae))
            assert r.status == 200
            assert (zlib.decompress(r.body, 31) if zipped else r.body) == want, path


def test_gzip_large_body(mw):
    s = mw("gzip")
    n = 600_000  # past the size compressed on the thread pool
    r, raw = gunzip_raw(s, f"/text?n={n}")
    assert r.headers["content-encoding"] == "gzip"
    assert int(r.headers["content-length"]) == len(raw)
    assert gzip.decompress(raw) == body_text(n)


# ---- TrustedHost -------------------------------------------------------------------

@pytest.mark.parametrize("host, status", [
    ("testserver", 200),
    ("testserver:8000", 200),
    ("subdomain.testserver", 200),
    ("a.b.testserver", 200),
    ("invalidhost", 400),
    ("eviltestserver", 400),
    ("testserver.evil.com", 400),
    ("TESTSERVER", 400),  # compared as sent, as Starlette does
])
def test_trusted_host(mw, host, status):
    s = mw("host")
    with RawConn(s) as conn:
        r = conn.roundtrip(request("GET", "/", host=host))
    assert r.status == status
    if status == 400:
        assert r.body == b"Invalid host header"
        assert r.header("content-type") == "text/plain; charset=utf-8"
    else:
        assert r.body == b"Homepage"


def test_trusted_host_missing_host(mw):
    s = mw("host")
    # HTTP/1.0 may leave Host out (1.1 may not: the server refuses that itself).
    with s.connect() as sock:
        sock.sendall(request("GET", "/", version="1.0", host=None))
        data = read_until_close(sock)
    assert data.startswith(b"HTTP/1.1 400 "), data
    assert data.endswith(b"\r\n\r\nInvalid host header"), data


@pytest.mark.parametrize("host, target, location", [
    ("example.com", "/", "http://www.example.com/"),
    ("example.com", "/path?x=1&y=%20", "http://www.example.com/path?x=1&y=%20"),
    ("example.com:8000", "/a", "http://www.example.com:8000/a"),
    # The path as Starlette's scope has it (decoded), quoted again.
    ("example.com", "/a%20b/caf%C3%A9", "http://www.example.com/a%20b/caf%C3%A9"),
    ("example.com", "/a%2Fb", "http://www.example.com/a/b"),
])
def test_trusted_host_www_redirect(mw, host, target, location):
    s = mw("host_www")
    with RawConn(s) as conn:
        r = conn.roundtrip(request("GET", target, host=host))
    assert r.status == 307  # Starlette's RedirectResponse default
    assert r.header("location") == location
    assert r.body == b""


def test_trusted_host_www(mw):
    s = mw("host_www")
    with RawConn(s) as conn:
        assert conn.roundtrip(request("GET", "/", host="www.example.com")).status == 200
        r = conn.roundtrip(request("GET", "/", host="other.com"))
        assert r.status == 400 and r.body == b"Invalid host header"
    s = mw("host_www_off")
    with RawConn(s) as conn:
        r = conn.roundtrip(request("GET", "/", host="example.com"))
        assert r.status == 400 and r.body == b"Invalid host header"
        assert conn.roundtrip(request("GET", "/", host="www.example.com")).status == 200


def test_trusted_host_any(mw):
    s = mw("host_any")
    with RawConn(s) as conn:
        assert conn.roundtrip(request("GET", "/", host="anything.example")).status == 200


@pytest.mark.parametrize("mode, message", [
    ("host_bad", "patterns must be like '*.example.com'"),
    ("cors_bad_regex", "allow_origin_regex"),
])
def test_bad_configuration_refused_at_start(mode, message):
    p = subprocess.run([str(MWAPP), "--port", "0"], env={"MWAPP_MODE": mode},
                       stdin=subprocess.DEVNULL, capture_output=True, timeout=20)
    assert p.returncode != 0
    assert message in p.stderr.decode(), p.stderr.decode()


# ---- request ID --------------------------------------------------------------------

def is_uuid4(s):
    try:
        u = uuid.UUID(s)
    except ValueError:
        return False
    return u.version == 4 and u.variant == uuid.RFC_4122 and str(u) == s


def test_request_id_generated(mw):
    s = mw("rid")
    r = get(s, "/rid")
    rid = r.headers["x-request-id"]
    assert is_uuid4(rid), rid
    assert r.text == rid  # brisk_request_id() inside the handler


@pytest.mark.parametrize("sent, kept", [
    ("abc-123", True),
    ("x" * 200, True),
    ("x" * 201, False),
    ("with spaces inside and ~!@#$%^&*()", True),
    ("caf\xe9", False),        # not ASCII
    ("tab\there", False),      # not printable
    ("a\x80b", False),
])
def test_request_id_incoming(mw, sent, kept):
    s = mw("rid")
    with RawConn(s) as conn:
        r = conn.roundtrip(request("GET", "/rid", headers=[("X-Request-ID", sent)]))
    rid = r.header("x-request-id")
    if kept:
        assert rid == sent
    else:
        assert is_uuid4(rid), rid
    assert r.body.decode() == rid


def test_request_id_empty_header(mw):
    s = mw("rid")
    with RawConn(s) as conn:
        r = conn.roundtrip(request("GET", "/rid", headers=[("X-Request-ID", "")]))
    assert is_uuid4(r.header("x-request-id"))


def test_request_id_on_error_answers(mw):
    s = mw("rid")
    r = get(s, "/no/such/route", {"X-Request-ID": "e-404"})
    assert r.status_code == 404 and r.headers["x-request-id"] == "e-404"
    r = get(s, "/raise", {"X-Request-ID": "e-418"})
    assert r.status_code == 418 and r.headers["x-request-id"] == "e-418"
    r = get(s, "/stream?n=2&size=5", {"X-Request-ID": "streamed"})
    assert r.headers["x-request-id"] == "streamed"


def test_request_id_custom_header(mw):
    s = mw("rid_custom")
    r = get(s, "/rid", {"X-Correlation-ID": "corr-1", "X-Request-ID": "other"})
    assert r.headers["x-correlation-id"] == "corr-1"
    assert "x-request-id" not in r.headers
    assert r.text == "corr-1"


@pytest.mark.time_limit(90)
def test_request_id_unique_across_workers(mw):
    s = mw("rid", "--workers", "2")
    ids, pids = [], set()

    def more():
        for _ in range(50):
            r = httpx.get(s.url + "/rid", headers={"Connection": "close"}, timeout=10)
            ids.append(r.headers["x-request-id"])
            pids.add(r.headers["x-pid"])
        return len(pids) == 2 and len(ids) >= 300

    assert wait_until(more, 60, interval=0), f"workers seen: {pids}"
    assert all(is_uuid4(i) for i in ids)
    assert len(set(ids)) == len(ids)


def test_request_id_in_access_log(mw):
    s = mw("rid", "--access-log")
    start = len(s.log)
    get(s, "/rid?a=1", {"X-Request-ID": "trace-me-42"})
    m = s.wait_log(r'"GET /rid\?a=1 HTTP/1.1" 200 [0-9.]+ms trace-me-42\n', start=start)
    assert m, s.log[start:]
    r = get(s, "/")
    rid = r.headers["x-request-id"]
    assert s.wait_log(r'"GET / HTTP/1.1" 200 [0-9.]+ms ' + re.escape(rid) + r"\n", start=start)


def test_no_request_id_without_middleware(mw):
    s = mw("gzip", "--access-log")
    start = len(s.log)
    r = get(s, "/rid")
    assert r.text == "" and "x-request-id" not in r.headers
    assert s.wait_log(r'"GET /rid HTTP/1.1" 200 [0-9.]+ms\n', start=start), s.log[start:]


# ---- all four together -------------------------------------------------------------

def test_stack(mw):
    s = mw("stack")
    hs = {"Origin": "https://example.org", "Accept-Encoding": "gzip", "X-Request-ID": "st-1"}
    r, raw = gunzip_raw(s, "/vary", hs)
    assert r.headers["x-request-id"] == "st-1"
    assert r.headers["access-control-allow-origin"] == "https://example.org"
    # The innermost (CORS) answers first, then GZip: as Starlette's send wrappers.
    assert r.headers["vary"] == "Cookie, Origin, Accept-Encoding"
    assert r.headers["content-encoding"] == "gzip"
    assert gzip.decompress(raw) == body_text(1000)
    # A host refused by TrustedHost: the request ID (outside it) is still there; CORS and
    # GZip (inside it) never ran.
    with RawConn(s) as conn:
        r = conn.roundtrip(request("GET", "/", host="evil.com",
                                   headers=[("Origin", "https://example.org")]))
    assert r.status == 400 and r.body == b"Invalid host header"
    assert is_uuid4(r.header("x-request-id"))
    assert r.header("access-control-allow-origin") is None
    # A preflight through the stack.
    r = options(s, "/", {"Origin": "https://example.org", "Access-Control-Request-Method": "GET"})
    assert r.status_code == 200 and r.text == "OK"
    assert is_uuid4(r.headers["x-request-id"])
