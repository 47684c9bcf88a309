"""Timeouts: a slow or silent client costs a bounded amount of time, and gets 408 where a
request was under way."""
import time

import pytest

from rawhttp import RawConn, parse_all, read_until_close, request


@pytest.fixture
def quick(server_factory):
    return server_factory("--timeout-request-headers", "1", "--timeout-keep-alive", "1",
                          "--timeout-request-body", "1")


def timed_read_until_close(sock, timeout):
    t0 = time.monotonic()
    data = read_until_close(sock, timeout)
    return data, time.monotonic() - t0


def test_partial_head_then_stall_gets_408(quick):
    with quick.connect() as s:
        s.sendall(b"GET / HTTP/1.1\r\nHost: t\r\nX-Slow:")
        data, took = timed_read_until_close(s, 5)
    assert 0.7 <= took <= 3.0, took
    [r] = parse_all(data, ["GET"])
    assert r.status == 408
    assert r.header("connection") == "close"


def test_head_trickled_past_the_timeout_gets_408(quick):
    """The headers timeout bounds the whole head, not the gap between bytes."""
    head = request("GET", "/", [("X-Pad", "p" * 100)])
    with quick.connect() as s:
        s.settimeout(0.1)
        t0 = time.monotonic()
        got = b""
        for b in head[:-4]:
            try:
                s.sendall(bytes([b]))
            except (BrokenPipeError, ConnectionResetError):
                break
            try:
                chunk = s.recv(4096)
                if not chunk:
                    break
                got += chunk
            except TimeoutError:
                pass
            if time.monotonic() - t0 > 4:
                break
        took = time.monotonic() - t0
        got += read_until_close(s, 3)
    assert took <= 3.0, took
    [r] = parse_all(got, ["GET"])
    assert r.status == 408


def test_silent_connection_is_closed(quick):
    with quick.connect() as s:
        data, took = timed_read_until_close(s, 5)
    assert 0.7 <= took <= 3.0, took
    # Nothing was asked, so at most a 408 is owed.
    if data:
        [r] = parse_all(data, ["GET"])
        assert r.status == 408


def test_idle_keep_alive_connection_is_closed(quick):
    with RawConn(quick) as conn:
        assert conn.roundtrip(request("GET", "/")).status == 200
        time.sleep(0.5)  # well within the timeout: still usable
        assert conn.roundtrip(request("GET", "/json")).status == 200
        t0 = time.monotonic()
        assert conn.wait_closed(5)
        took = time.monotonic() - t0
    assert 0.7 <= took <= 3.0, took


def test_keep_alive_timeout_default_keeps_connection(server):
    """Without the option (5 s default) a 1.5 s pause does not close the connection."""
    with RawConn(server) as conn:
        assert conn.roundtrip(request("GET", "/")).status == 200
        time.sleep(1.5)
        assert conn.roundtrip(request("GET", "/")).status == 200


def test_body_stall_gets_408(quick):
    with quick.connect() as s:
        s.sendall(b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n" + b"x" * 10)
        data, took = timed_read_until_close(s, 5)
    assert 0.7 <= took <= 3.0, took
    [r] = parse_all(data, ["POST"])
    assert r.status == 408
    assert r.header("connection") == "close"


def test_chunked_body_stall_gets_408(quick):
    with quick.connect() as s:
        s.sendall(b"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                  b"5\r\nhello\r\n")
        data, took = timed_read_until_close(s, 5)
    assert 0.7 <= took <= 3.0, took
    [r] = parse_all(data, ["POST"])
    assert r.status == 408


def test_slow_but_steady_body_is_not_cut(quick):
    """The body timeout measures silence: a body that keeps moving may take longer."""
    with RawConn(quick) as conn:
        conn.expect("POST")
        conn.send(b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 6\r\n\r\n")
        for b in b"steady":
            time.sleep(0.4)  # 2.4 s in total, never 1 s of silence
            conn.send(bytes([b]))
        r = conn.read_response(3)
        assert r.status == 200
        assert r.body == b"steady"
