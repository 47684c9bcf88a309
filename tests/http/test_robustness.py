"""Clients that misbehave in legal ways: they vanish mid-request, read slowly, pipeline
more than a read buffer holds. The worker must survive and stay in sync."""
import json
import socket
import struct
import time

from rawhttp import RawConn, parse_all, read_until_close, request


def worker_pid(server):
    with RawConn(server) as conn:
        return int(conn.roundtrip(request("GET", "/pid")).body)


def abort_connection(sock):
    """Close with RST instead of FIN."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def test_request_headers_reach_the_app_in_order(server):
    with RawConn(server) as conn:
        r = conn.roundtrip(b"GET /headers HTTP/1.1\r\nHost: t\r\nX-One:   padded value  \r\n"
                           b"x-two:\tv2\r\nX-Utf8: \xc3\xa9t\xc3\xa9\r\nX-Empty:\r\n"
                           b"X-One: again\r\n\r\n")
    assert r.status == 200
    got = json.loads(r.body)
    assert got == [["Host", "t"], ["X-One", "padded value"], ["x-two", "v2"],
                   ["X-Utf8", "\u00e9t\u00e9"], ["X-Empty", ""], ["X-One", "again"]]


def test_client_vanishing_mid_stream(server):
    pid = worker_pid(server)
    for _ in range(5):
        s = server.connect()
        s.sendall(request("GET", "/stream?n=100000&ms=0"))
        assert s.recv(100)
        abort_connection(s)
    for _ in range(3):
        s = server.connect()
        s.sendall(request("GET", "/stream?n=50&ms=20"))
        s.recv(100)
        s.close()
    time.sleep(0.5)
    assert worker_pid(server) == pid


def test_client_vanishing_during_sleep_and_body(server):
    pid = worker_pid(server)
    for _ in range(5):
        s = server.connect()
        s.sendall(request("GET", "/sleep?ms=200"))
        abort_connection(s)
        s = server.connect()
        s.sendall(b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n" + b"x" * 5000)
        time.sleep(0.02)
        abort_connection(s)
        s = server.connect()
        s.sendall(b"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab")
        time.sleep(0.02)
        s.close()
    time.sleep(0.4)  # the sleeps end with nobody to answer
    assert worker_pid(server) == pid
    with RawConn(server) as conn:
        assert conn.roundtrip(request("POST", "/echo", body=b"ok"), method="POST").body == b"ok"


def test_large_response_to_a_slow_reader(server):
    n = 8_000_000
    with server.connect(timeout=10) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)
        s.sendall(request("GET", f"/big?n={n}", [("Connection", "close")]))
        time.sleep(0.5)  # the server fills the socket and must wait for us
        data = read_until_close(s, 10)
    [r] = parse_all(data, ["GET"])
    assert r.status == 200
    assert len(r.body) == n
    assert r.body[:26] == b"abcdefghijklmnopqrstuvwxyz"
    assert r.body[-1:] == bytes([ord("a") + (n - 1) % 26])


def test_head_of_a_large_response(server):
    with RawConn(server) as conn:
        r = conn.roundtrip(request("HEAD", "/big?n=1000000"), method="HEAD")
        assert r.header("content-length") == "1000000"
        assert r.body == b""
        assert conn.roundtrip(request("GET", "/")).body == b"Hello, World!"


def test_pipelining_more_than_a_read_buffer(server):
    """300 requests with 400-byte heads (~130 KB) in one write, read back only after
    everything was sent."""
    reqs = [request("GET", f"/items/{i}", [("X-Pad", "p" * 360)]) for i in range(300)]
    with server.connect(timeout=10) as s:
        s.sendall(b"".join(reqs) + request("GET", "/", [("Connection", "close")]))
        data = read_until_close(s, 10)
    responses = parse_all(data, ["GET"] * 301)
    assert [json.loads(r.body)["id"] for r in responses[:300]] == list(range(300))
    assert responses[300].body == b"Hello, World!"


def test_pipelined_bodies_and_errors_stay_in_sync(server):
    payload = (request("POST", "/echo", body=b"first")
               + b"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                 b"3\r\nsec\r\n3\r\nond\r\n0\r\n\r\n"
               + request("GET", "/nope")
               + request("DELETE", "/json", body=b"unread body")
               + request("POST", "/ignore", body=b"also unread")
               + request("HEAD", "/json")
               + request("GET", "/items/9", [("Connection", "close")]))
    with server.connect() as s:
        s.sendall(payload)
        data = read_until_close(s, 5)
    rs = parse_all(data, ["POST", "POST", "GET", "DELETE", "POST", "HEAD", "GET"])
    assert [r.status for r in rs] == [200, 200, 404, 405, 200, 200, 200]
    assert rs[0].body == b"first" and rs[1].body == b"second"
    assert rs[4].body == b"ignored"
    assert json.loads(rs[6].body) == {"id": 9}


def test_half_closed_client_still_gets_its_answer(server):
    """printf 'GET / ...' | nc: the client shuts down its side right after the request."""
    with server.connect() as s:
        s.sendall(request("GET", "/sleep?ms=100"))
        s.shutdown(socket.SHUT_WR)
        data = read_until_close(s, 3)
    [r] = parse_all(data, ["GET"])
    assert r.status == 200 and r.body == b"slept 100"
