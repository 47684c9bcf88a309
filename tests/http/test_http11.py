"""HTTP/1.1 behaviour: persistence, HTTP/1.0, pipelining, bodies in every framing,
100-continue, HEAD, errors from routing, streaming, and the Date header."""
import calendar
import email.utils
import hashlib
import json
import os
import re
import signal
import subprocess
import time

import h11
import httpx
import pytest

from conftest import wait_until
from rawhttp import RawConn, parse_all, read_until_close, request


def client(server, **kw):
    return httpx.Client(base_url=server.url, timeout=5.0, trust_env=False, **kw)


# ---- basics --------------------------------------------------------------------------

def test_plaintext_json_and_middleware_headers(server):
    with client(server) as c:
        r = c.get("/")
        assert r.status_code == 200
        assert r.text == "Hello, World!"
        assert r.headers["content-type"].startswith("text/plain")
        assert r.headers["content-length"] == "13"
        assert r.headers["server"] == "brisk"
        assert r.headers["x-middleware"] == "testapp"
        assert r.headers["x-inner-status"] == "200"

        r = c.get("/json")
        assert r.status_code == 200
        assert r.headers["content-type"] == "application/json"
        assert r.json() == {"message": "Hello, World!"}


def test_middleware_answers_early_and_sees_inner_status(server):
    with client(server) as c:
        r = c.get("/json", headers={"X-Deny": "1"})
        assert r.status_code == 403
        assert r.json() == {"detail": "denied by middleware"}
        assert r.headers["x-middleware"] == "testapp"
        assert "x-inner-status" not in r.headers  # the handler never ran

        r = c.get("/nope")
        assert r.status_code == 404
        assert r.headers["x-inner-status"] == "404"


def test_path_parameters(server):
    with client(server) as c:
        assert c.get("/items/42").json() == {"id": 42}
        assert c.get("/items/abc").status_code == 404  # {id:int} takes digits only
        assert c.get("/files/a/b/c.txt").json() == {"path": "a/b/c.txt"}
        assert c.get("/files/a%20b/%C3%A9").json() == {"path": "a b/\u00e9"}


# ---- persistence ---------------------------------------------------------------------

def test_keep_alive_httpx_reuses_one_connection(server):
    """200 requests on one httpx client travel over a single TCP connection: the server
    sees the same client port every time."""
    with client(server) as c:
        ports = set()
        for i in range(200):
            r = c.get("/client")
            assert r.status_code == 200
            ports.add(r.json()["client"])
            if i % 50 == 0:
                assert c.get(f"/items/{i}").json() == {"id": i}
    assert len(ports) == 1, ports


def test_keep_alive_raw_many_requests(server):
    with RawConn(server) as conn:
        for i in range(100):
            r = conn.roundtrip(request("GET", f"/items/{i}"))
            assert r.status == 200
            assert json.loads(r.body) == {"id": i}
            assert r.header("connection") is None  # 1.1: persistent without saying so
        r = conn.roundtrip(request("POST", "/echo", body=b"last one"), method="POST")
        assert r.body == b"last one"


def test_connection_close_is_honoured(server):
    with RawConn(server) as conn:
        r = conn.roundtrip(request("GET", "/", [("Connection", "close")]), close=True)
        assert r.status == 200
        assert r.body == b"Hello, World!"
        assert r.header("connection") == "close"
        assert conn.wait_closed(3)


def test_connection_close_stops_pipelined_requests_behind_it(server):
    with server.connect() as s:
        s.sendall(request("GET", "/", [("Connection", "close")]) + request("GET", "/json"))
        data = read_until_close(s, 3)
    [r] = parse_all(data, ["GET"])  # exactly one response, then the close
    assert r.body == b"Hello, World!"


def test_absolute_form_and_encoded_targets(server):
    with RawConn(server) as conn:
        r = conn.roundtrip(b"GET http://test/info?a=1 HTTP/1.1\r\nHost: test\r\n\r\n")
        info = json.loads(r.body)
        assert (info["path"], info["query"], info["route"]) == ("/info", "a=1", "/info")
        r = conn.roundtrip(request("GET", "/items/%34%32"))
        assert json.loads(r.body) == {"id": 42}
        r = conn.roundtrip(b"\r\nGET /items/1 HTTP/1.1\r\nHost: t\r\n\r\n")  # leading CRLF
        assert json.loads(r.body) == {"id": 1}


def test_http10_closes_by_default(server):
    with server.connect() as s:
        s.sendall(b"GET /json HTTP/1.0\r\n\r\n")
        data = read_until_close(s, 3)
    [r] = parse_all(data, ["GET"])
    assert r.status == 200
    assert json.loads(r.body) == {"message": "Hello, World!"}
    assert (r.header("connection") or "close").lower() == "close"


def test_http10_keep_alive_on_request(server):
    with RawConn(server) as conn:
        for i in range(3):
            conn.expect()
            conn.send(request("GET", f"/items/{i}", [("Connection", "keep-alive")],
                              version="1.0", host=None))
            r = conn.read_response()
            assert r.status == 200
            assert json.loads(r.body) == {"id": i}
            assert r.header("connection").lower() == "keep-alive"
            assert r.header("content-length") == str(len(r.body))
        # And without the header the next one closes.
        conn.expect(close=True)
        conn.send(request("GET", "/", version="1.0", host=None))
        r = conn.read_response()
        assert r.body == b"Hello, World!"
        assert conn.wait_closed(3)


# ---- pipelining ----------------------------------------------------------------------

def _strace_writes(pid, fn):
    """Runs fn() while strace records the write syscalls of process pid; returns the
    strace output."""
    out = f"/tmp/brisk-strace-{os.getpid()}-{pid}.txt"
    tracer = subprocess.Popen(
        ["strace", "-qq", "-p", str(pid), "-e", "trace=write,writev,sendto,sendmsg",
         "-s", "0", "-o", out], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        # strace stops the tracee when it attaches: the state letter says "t".
        assert wait_until(lambda: _traced(pid), 5), "strace could not attach"
        fn()
        time.sleep(0.2)
    finally:
        tracer.send_signal(signal.SIGINT)
        tracer.wait(5)
    with open(out) as f:
        text = f.read()
    os.unlink(out)
    return text


def _traced(pid):
    with open(f"/proc/{pid}/status") as f:
        return re.search(r"TracerPid:\s+[1-9]", f.read())


def test_pipelining_100_requests_in_one_write(server):
    """100 requests in one segment: 100 responses in order, and the worker hands them to
    the kernel in a handful of writes (observed with strace), not one per response."""
    reqs, methods, expected = [], [], []
    for i in range(100):
        kind = i % 4
        if kind == 0:
            reqs.append(request("GET", f"/items/{i}"))
            methods.append("GET")
            expected.append(("json", {"id": i}))
        elif kind == 1:
            reqs.append(request("HEAD", "/"))
            methods.append("HEAD")
            expected.append(("head", b""))
        elif kind == 2:
            body = f"body-{i}".encode()
            reqs.append(request("POST", "/echo", body=body))
            methods.append("POST")
            expected.append(("raw", body))
        else:
            reqs.append(request("GET", "/"))
            methods.append("GET")
            expected.append(("raw", b"Hello, World!"))
    payload = b"".join(reqs)
    assert len(payload) < 12000  # one read's worth for the server

    [worker] = server.workers()
    got = {}

    def run():
        with server.connect() as s:
            s.sendall(payload + request("GET", "/", [("Connection", "close")]))
            got["data"] = read_until_close(s, 5)

    trace = _strace_writes(worker, run)
    responses = parse_all(got["data"], methods + ["GET"])
    assert len(responses) == 101
    for i, (r, (kind, want)) in enumerate(zip(responses, expected)):
        assert r.status == 200, i
        if kind == "json":
            assert json.loads(r.body) == want, i
        elif kind == "head":
            assert r.body == b"" and r.header("content-length") == "13", i
        else:
            assert r.body == want, i
    writes = [ln for ln in trace.splitlines() if re.match(r"\d*\s*(write|writev|sendto|sendmsg)\(", ln)
              and not ln.split("(", 1)[1].startswith("2,")]  # stderr: the access log
    assert 1 <= len(writes) <= 5, f"{len(writes)} writes for 101 responses:\n{trace[:2000]}"


# ---- request bodies ------------------------------------------------------------------

def test_content_length_upload(server):
    with client(server) as c:
        r = c.post("/echo", content=b"x" * 1000)
        assert r.status_code == 200
        assert r.content == b"x" * 1000
        assert r.headers["x-body-length"] == "1000"
        r = c.post("/echo", content=b"")
        assert r.status_code == 200 and r.content == b""
        assert r.headers["x-body-length"] == "0"


def test_chunked_upload_with_extensions_and_trailers(server):
    body = (b"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"5\r\nhello\r\n"
            b"1;ext=1\r\n \r\n"
            b"6;name=\"quoted value\";flag\r\nworld!\r\n"
            b"A\r\n0123456789\r\n"
            b"0\r\nX-Trailer: yes\r\nX-Other: 2\r\n\r\n")
    with RawConn(server) as conn:
        r = conn.roundtrip(body, method="POST")
        assert r.status == 200
        assert r.body == b"hello world!0123456789"
        assert r.header("x-body-length") == "22"
        # The connection is still usable afterwards.
        r = conn.roundtrip(request("GET", "/"))
        assert r.body == b"Hello, World!"


def test_chunked_upload_split_over_many_writes(server):
    """The same chunked body dribbled a few bytes per write."""
    payload = b"".join(b"%x\r\n%s\r\n" % (n, bytes([65 + n % 26]) * n) for n in range(1, 40))
    want = b"".join(bytes([65 + n % 26]) * n for n in range(1, 40))
    head = b"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
    with RawConn(server) as conn:
        conn.expect("POST")
        conn.send(head)
        stream = payload + b"0\r\n\r\n"
        for i in range(0, len(stream), 7):
            conn.send(stream[i:i + 7])
            if i % 140 == 0:
                time.sleep(0.005)
        r = conn.read_response()
        assert r.status == 200
        assert r.body == want


def test_chunked_upload_with_httpx_generator(server):
    def gen():
        for i in range(50):
            yield f"part {i};".encode()
    with client(server) as c:
        r = c.post("/echo", content=gen())
        assert r.status_code == 200
        assert r.content == b"".join(f"part {i};".encode() for i in range(50))


# A 5 MB Content-Length body and chunked bodies around the read buffer's size are unit
# tests through the test client (tests/unit/test_testclient.c): no server to start.


@pytest.mark.time_limit(30)
def test_large_body_chunked_echoed_intact(server_factory):
    # Short body timeout: a server that stops reading answers 408 quickly.
    srv = server_factory("--limit-request-body", "8M", "--timeout-request-body", "3",
                         "--timeout-graceful-shutdown", "2")
    data = os.urandom(5 * 1024 * 1024)

    def gen():  # pieces of an odd size, so chunks straddle the server's reads
        for i in range(0, len(data), 99_991):
            yield data[i:i + 99_991]

    with httpx.Client(base_url=srv.url, timeout=10, trust_env=False) as c:
        r = c.post("/echo", content=gen())
        assert r.status_code == 200
        assert r.headers["x-body-length"] == str(len(data))
        assert hashlib.sha256(r.content).digest() == hashlib.sha256(data).digest()


def test_unread_body_is_skipped_before_next_request(server):
    """A handler that ignores the body: the body must not be taken for the next request."""
    with RawConn(server) as conn:
        body = b"GET /json HTTP/1.1\r\nHost: evil\r\n\r\n"  # looks like a request
        r = conn.roundtrip(request("POST", "/ignore", body=body), method="POST")
        assert r.status == 200 and r.body == b"ignored"
        r = conn.roundtrip(request("GET", "/items/7"))
        assert json.loads(r.body) == {"id": 7}
        chunked = (b"POST /ignore HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                   b"4\r\nabcd\r\n0\r\n\r\n")
        r = conn.roundtrip(chunked, method="POST")
        assert r.body == b"ignored"
        r = conn.roundtrip(request("GET", "/items/8"))
        assert json.loads(r.body) == {"id": 8}


# ---- Expect: 100-continue --------------------------------------------------------------

def test_expect_100_continue_when_handler_reads(server):
    body = b"payload after continue"
    with RawConn(server) as conn:
        conn.expect("POST", headers=[("Expect", "100-continue")])
        conn.send(b"POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n"
                  b"Content-Length: %d\r\n\r\n" % len(body))
        # Wait for the interim response before sending anything else.
        conn.sock.settimeout(3)
        interim = b""
        while b"\r\n\r\n" not in interim:
            chunk = conn.sock.recv(4096)
            assert chunk, "closed instead of 100 Continue"
            interim += chunk
        assert interim.startswith(b"HTTP/1.1 100 Continue\r\n"), interim
        conn.h11.receive_data(interim)
        conn.send(body)
        r = conn.read_response()
        assert r.informational == [100]
        assert r.status == 200
        assert r.body == body


def test_expect_100_continue_not_sent_when_body_unread(server):
    with RawConn(server) as conn:
        conn.expect("POST", headers=[("Expect", "100-continue")])
        conn.send(b"POST /ignore HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n"
                  b"Content-Length: 10\r\n\r\n")
        r = conn.read_response(3)
        assert r.informational == []
        assert r.status == 200
        assert r.body == b"ignored"
        # The client may still send the body (RFC 9110 §10.1.1). A server that will not
        # read it must say it closes the connection; otherwise the connection goes on.
        if r.header("connection") == "close":
            assert conn.wait_closed(3)
            return
        conn.expect()
        try:
            conn.send(b"0123456789" + request("GET", "/items/5"))
            r = conn.read_response(3)
        except (OSError, ConnectionError, h11.RemoteProtocolError) as e:
            raise AssertionError("the response promised a persistent connection, but the "
                                 f"server closed it: {e!r}") from e
        assert json.loads(r.body) == {"id": 5}


def test_expect_100_continue_httpx(server):
    with client(server) as c:
        r = c.post("/echo", content=b"abc" * 100, headers={"Expect": "100-continue"})
        assert r.status_code == 200
        assert r.content == b"abc" * 100


# ---- HEAD, 404, 405, redirects -------------------------------------------------------

def test_head_on_get_route(server):
    with RawConn(server) as conn:
        r = conn.roundtrip(request("HEAD", "/json"), method="HEAD")
        assert r.status == 200
        assert r.body == b""
        assert r.header("content-length") == str(len(b'{"message":"Hello, World!"}'))
        assert r.header("content-type") == "application/json"
        # No stray body bytes: the next response on the connection parses.
        r = conn.roundtrip(request("GET", "/"))
        assert r.body == b"Hello, World!"


def test_head_on_streaming_route(server):
    with RawConn(server) as conn:
        r = conn.roundtrip(request("HEAD", "/stream?n=3"), method="HEAD")
        assert r.status == 200 and r.body == b""
        r = conn.roundtrip(request("GET", "/items/3"))
        assert json.loads(r.body) == {"id": 3}


def test_not_found(server):
    with client(server) as c:
        r = c.get("/does/not/exist")
        assert r.status_code == 404
        assert r.json() == {"detail": "Not Found"}


def test_method_not_allowed_lists_allow(server):
    with client(server) as c:
        r = c.delete("/thing")
        assert r.status_code == 405
        assert r.json() == {"detail": "Method Not Allowed"}
        allowed = {m.strip() for m in r.headers["allow"].split(",")}
        assert allowed == {"GET", "HEAD", "PUT"}
        r = c.post("/json")
        assert r.status_code == 405
        assert {m.strip() for m in r.headers["allow"].split(",")} == {"GET", "HEAD"}
        assert c.put("/thing").text == "PUT thing"


def test_trailing_slash_redirects_307(server):
    with client(server) as c:
        r = c.get("/json/")
        assert r.status_code == 307
        assert r.headers["location"] == "/json"
        r = c.get("/json/?a=1&b=2")
        assert r.status_code == 307
        assert r.headers["location"] == "/json?a=1&b=2"
        r = c.get("/json/", follow_redirects=True)
        assert r.status_code == 200 and r.json() == {"message": "Hello, World!"}
        r = c.post("/echo/", content=b"kept")  # 307 keeps the method and body
        assert r.status_code == 307 and r.headers["location"] == "/echo"
        assert c.get("/nothing/").status_code == 404


# ---- streaming -----------------------------------------------------------------------

def test_streaming_response_is_chunked(server):
    with RawConn(server) as conn:
        r = conn.roundtrip(request("GET", "/stream?n=5&ms=20"))
        assert r.status == 200
        assert r.header("transfer-encoding") == "chunked"
        assert r.header("content-length") is None
        assert r.body == b"".join(b"chunk %d\n" % i for i in range(5))
        r = conn.roundtrip(request("GET", "/"))  # still in sync afterwards
        assert r.body == b"Hello, World!"


def test_streaming_arrives_incrementally_httpx(server):
    with client(server) as c:
        with c.stream("GET", "/stream?n=4&ms=300") as r:
            assert r.status_code == 200
            t0 = time.monotonic()
            it = r.iter_raw()
            first = next(it)
            first_at = time.monotonic() - t0
            rest = b"".join(it)
        assert first.startswith(b"chunk 0\n")
        assert first_at < 0.25, "the first chunk waited for the whole stream"
        assert first + rest == b"".join(b"chunk %d\n" % i for i in range(4))
        r = c.get("/stream?n=500&ms=0")
        assert r.status_code == 200
        assert r.text == "".join(f"chunk {i}\n" for i in range(500))


def test_streaming_http10_is_close_delimited(server):
    with server.connect() as s:
        s.sendall(b"GET /stream?n=3&ms=5 HTTP/1.0\r\n\r\n")
        data = read_until_close(s, 5)
    head, _, body = data.partition(b"\r\n\r\n")
    assert b"transfer-encoding" not in head.lower()
    assert b"content-length" not in head.lower()
    assert body == b"chunk 0\nchunk 1\nchunk 2\n"
    [r] = parse_all(data, ["GET"])  # h11 reads a close-delimited body
    assert r.body == body


# ---- Date ----------------------------------------------------------------------------

DATE_RE = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} "
                     r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} "
                     r"\d{2}:\d{2}:\d{2} GMT$")


def test_date_header_format_and_freshness(server):
    samples = []
    with client(server) as c:
        for _ in range(60):
            before = time.time()
            r = c.get("/")
            after = time.time()
            samples.append((before, r.headers["date"], after))
            time.sleep(0.03)
    same_second = 0
    for before, date, after in samples:
        assert DATE_RE.match(date), date
        stamp = calendar.timegm(email.utils.parsedate_tz(date)[:9])
        # The Date is the second the response was made: between the two local readings.
        assert int(before) <= stamp <= int(after), (before, date, after)
        if int(before) == int(after):
            same_second += 1
    assert same_second >= 30
    dates = [d for _, d, _ in samples]
    assert 2 <= len(set(dates)) <= 4  # ~2 s of requests
