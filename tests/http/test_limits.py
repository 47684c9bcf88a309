"""Size limits (each with its CLI option and status) and the parser's refusal of malformed
or ambiguous requests: the answer is an error and the connection is closed, so nothing
after a bad request is ever taken for a request."""
import json

import pytest

from rawhttp import RawConn, parse_all, read_until_close, request


@pytest.fixture
def limited(server_factory):
    return server_factory("--limit-request-head", "2048", "--limit-request-fields", "10",
                          "--limit-request-line", "200", "--limit-request-body", "1K")


def error_then_close(server, payload, timeout=3.0):
    """Sends payload plus a valid request behind it; returns the only response that came
    back, checked to be followed by the close of the connection."""
    with server.connect(timeout=timeout) as s:
        s.sendall(payload + request("GET", "/"))
        data = read_until_close(s, timeout)
    [r] = parse_all(data, ["GET"])  # exactly one response: the request behind got none
    assert r.header("connection") == "close"
    return r


# ---- size limits -----------------------------------------------------------------------

def test_head_within_limit_is_served(limited):
    with RawConn(limited) as conn:
        r = conn.roundtrip(request("GET", "/", [("X-Pad", "p" * 1500)]))
        assert r.status == 200


def test_request_head_too_large_431(limited):
    r = error_then_close(limited, request("GET", "/", [("X-Pad", "p" * 3000)]))
    assert r.status == 431
    assert json.loads(r.body) == {"detail": "Request Header Fields Too Large"}


def test_request_head_too_large_without_end_431(limited):
    """A head that never ends (no CRLFCRLF) is refused once it passes the limit."""
    with limited.connect(timeout=3) as s:
        s.sendall(b"GET / HTTP/1.1\r\nHost: t\r\nX-Pad: " + b"p" * 5000)
        data = read_until_close(s, 3)
    [r] = parse_all(data, ["GET"])
    assert r.status == 431


def test_too_many_header_fields_431(limited):
    fields = [(f"X-H{i}", "v") for i in range(9)]  # + Host = 10: allowed
    with RawConn(limited) as conn:
        assert conn.roundtrip(request("GET", "/", fields)).status == 200
    r = error_then_close(limited, request("GET", "/", fields + [("X-One-More", "v")]))
    assert r.status == 431


def test_uri_too_long_414(limited):
    with RawConn(limited) as conn:
        assert conn.roundtrip(request("GET", "/files/" + "a" * 150)).status == 200
    r = error_then_close(limited, request("GET", "/files/" + "a" * 300))
    assert r.status == 414
    assert json.loads(r.body) == {"detail": "URI Too Long"}


def test_body_at_limit_is_accepted(limited):
    with RawConn(limited) as conn:
        r = conn.roundtrip(request("POST", "/echo", body=b"b" * 1024), method="POST")
        assert r.status == 200 and len(r.body) == 1024


def test_body_too_large_content_length_413_up_front(limited):
    """Refused on the head alone: the client gets 413 without sending the body."""
    with limited.connect(timeout=3) as s:
        s.sendall(b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1025\r\n\r\n")
        data = read_until_close(s, 3)
    [r] = parse_all(data, ["POST"])
    assert r.status == 413
    assert r.header("connection") == "close"


def test_body_too_large_chunked_413(limited):
    chunks = b"".join(b"100\r\n" + b"c" * 256 + b"\r\n" for _ in range(5))  # 1280 bytes
    with limited.connect(timeout=3) as s:
        s.sendall(b"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                  + chunks + b"0\r\n\r\n")
        data = read_until_close(s, 3)
    [r] = parse_all(data, ["POST"])
    assert r.status == 413
    assert r.header("connection") == "close"


def test_chunked_body_at_limit_is_accepted(limited):
    chunks = b"".join(b"100\r\n" + b"c" * 256 + b"\r\n" for _ in range(4))  # 1024 bytes
    with RawConn(limited) as conn:
        r = conn.roundtrip(b"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                           + chunks + b"0\r\n\r\n", method="POST")
        assert r.status == 200 and len(r.body) == 1024


# ---- malformed and ambiguous requests ------------------------------------------------

BAD_REQUESTS = {
    "garbage": b"HELLO\r\n\r\n",
    "no_version": b"GET /\r\nHost: t\r\n\r\n",
    "bad_version": b"GET / HTTX/1.1\r\nHost: t\r\n\r\n",
    "lf_only_request_line": b"GET / HTTP/1.1\nHost: t\r\n\r\n",
    "space_in_target": b"GET /a b HTTP/1.1\r\nHost: t\r\n\r\n",
    "missing_colon": b"GET / HTTP/1.1\r\nHost: t\r\nNoColonHere\r\n\r\n",
    "cl_and_te": (b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n"
                  b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
    "te_and_cl": (b"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n"
                  b"Content-Length: 4\r\n\r\n0\r\n\r\n"),
    "conflicting_content_length": (b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n"
                                   b"Content-Length: 5\r\n\r\nabcde"),
    "content_length_list": b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3, 5\r\n\r\nabcde",
    "negative_content_length": b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: -1\r\n\r\n",
    "plus_content_length": b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: +3\r\n\r\nabc",
    "te_not_chunked_last": (b"POST /echo HTTP/1.1\r\nHost: t\r\n"
                            b"Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n"),
    "te_chunked_twice": (b"POST /echo HTTP/1.1\r\nHost: t\r\n"
                         b"Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n"),
    "te_in_http10": (b"POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"
                     b"3\r\nabc\r\n0\r\n\r\n"),
    "obs_fold": b"GET / HTTP/1.1\r\nHost: t\r\nX-A: one\r\n  two\r\n\r\n",
    "space_before_colon": b"GET / HTTP/1.1\r\nHost: t\r\nX-A : v\r\n\r\n",
    "tab_before_colon": b"GET / HTTP/1.1\r\nHost: t\r\nX-A\t: v\r\n\r\n",
    "space_before_first_header": b"GET / HTTP/1.1\r\n Host: t\r\n\r\n",
    "ctl_in_value": b"GET / HTTP/1.1\r\nHost: t\r\nX-A: a\x01b\r\n\r\n",
    "nul_in_value": b"GET / HTTP/1.1\r\nHost: t\r\nX-A: a\x00b\r\n\r\n",
    "del_in_value": b"GET / HTTP/1.1\r\nHost: t\r\nX-A: a\x7fb\r\n\r\n",
    "bare_cr_in_value": b"GET / HTTP/1.1\r\nHost: t\r\nX-A: a\rb\r\n\r\n",
    "bare_lf_in_headers": b"GET / HTTP/1.1\r\nHost: t\nX-A: b\r\n\r\n",
    "two_hosts": b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
    "missing_host_http11": b"GET / HTTP/1.1\r\nX-A: b\r\n\r\n",
}


@pytest.mark.parametrize("name", sorted(BAD_REQUESTS))
def test_malformed_request_400_then_close(server, name):
    r = error_then_close(server, BAD_REQUESTS[name])
    assert r.status == 400, name
    assert json.loads(r.body) == {"detail": "Bad Request"}


BAD_CHUNKED = {
    "bad_chunk_size": b"zz\r\nabc\r\n0\r\n\r\n",
    "chunk_size_overflow": b"ffffffffffffffffff\r\nabc\r\n0\r\n\r\n",
    "negative_chunk_size": b"-3\r\nabc\r\n0\r\n\r\n",
    "missing_crlf_after_data": b"3\r\nabcX\r\n0\r\n\r\n",
    "lf_only_chunk_line": b"3\nabc\r\n0\r\n\r\n",
    "space_in_chunk_size": b"3 3\r\nabc\r\n0\r\n\r\n",
}


@pytest.mark.parametrize("name", sorted(BAD_CHUNKED))
def test_bad_chunked_body_400_then_close(server, name):
    head = b"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
    r = error_then_close(server, head + BAD_CHUNKED[name])
    assert r.status == 400, name


def test_unknown_transfer_coding_is_not_guessed(server):
    """gzip is not implemented: the server must refuse (501), never read it as raw."""
    r = error_then_close(server, b"POST /echo HTTP/1.1\r\nHost: t\r\n"
                                 b"Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n")
    assert r.status == 501


def test_unsupported_http_version_505(server):
    r = error_then_close(server, b"GET / HTTP/2.0\r\nHost: t\r\n\r\n")
    assert r.status == 505


def test_smuggled_request_in_body_is_not_served(server):
    """CL+TE: whichever framing one hop picks, no second response may appear."""
    payload = (b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 40\r\n"
               b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /pid HTTP/1.1\r\nHost: t\r\n\r\n")
    with server.connect(timeout=3) as s:
        s.sendall(payload)
        data = read_until_close(s, 3)
    assert data.count(b"HTTP/1.1 ") == 1
    [r] = parse_all(data, ["POST"])
    assert r.status == 400
