"""Raw-socket HTTP/1.1 client whose every received byte goes through h11, a strict,
independent implementation: a response with bad framing (wrong Content-Length, broken
chunks, a body where none may be, junk after a message...) makes h11 raise.

The requests themselves are written as raw bytes, so tests can send anything; `expect()`
tells h11 what request the bytes were, so that it knows how to frame the answer (a
response to HEAD has no body, and so on).
"""
import asyncio
import socket
import time
from dataclasses import dataclass, field

import h11


@dataclass
class Response:
    status: int
    headers: list                     # [(name, value)] as str, names lower-cased
    body: bytes = b""
    informational: list = field(default_factory=list)  # statuses of 1xx responses
    trailers: list = field(default_factory=list)
    http_version: str = "1.1"
    chunks: int = 0                   # Data events h11 produced

    def header(self, name, default=None):
        name = name.lower()
        for k, v in self.headers:
            if k == name:
                return v
        return default

    def header_all(self, name):
        name = name.lower()
        return [v for k, v in self.headers if k == name]


def _str_headers(hs):
    return [(k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in hs]


def request(method, target, headers=(), body=b"", version="1.1", host="test"):
    """The bytes of a simple request (Content-Length added when there is a body)."""
    lines = [f"{method} {target} HTTP/{version}"]
    if host is not None:
        lines.append(f"Host: {host}")
    names = {k.lower() for k, _ in headers}
    lines += [f"{k}: {v}" for k, v in headers]
    if body and "content-length" not in names and "transfer-encoding" not in names:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


class RawConn:
    """One TCP (or Unix) connection, with h11 checking what comes back."""

    def __init__(self, server, timeout=5.0):
        self.sock = server.connect(timeout=timeout)
        self.h11 = h11.Connection(h11.CLIENT, max_incomplete_event_size=1 << 20)
        self.recv_calls = 0
        self.eof = False

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send(self, data):
        self.sock.sendall(data)

    def expect(self, method="GET", close=False, headers=()):
        """Tells h11 that a request with this method was sent (as raw bytes)."""
        hs = [("Host", "test"), *headers]
        if close:
            hs.append(("Connection", "close"))
        self.h11.send(h11.Request(method=method, target="/", headers=hs))
        self.h11.send(h11.EndOfMessage())

    def _fill(self):
        try:
            data = self.sock.recv(1 << 20)
        except ConnectionResetError:
            data = b""
        self.recv_calls += 1
        if not data:
            self.eof = True
        self.h11.receive_data(data)

    def read_response(self, deadline=5.0):
        """The next complete response (1xx responses before it are collected)."""
        end = time.monotonic() + deadline
        resp = None
        informational = []
        while True:
            ev = self.h11.next_event()
            if ev is h11.NEED_DATA:
                left = end - time.monotonic()
                if left <= 0:
                    raise TimeoutError("no complete response in time")
                self.sock.settimeout(left)
                self._fill()
                continue
            if isinstance(ev, h11.InformationalResponse):
                informational.append(ev.status_code)
            elif isinstance(ev, h11.Response):
                resp = Response(ev.status_code, _str_headers(ev.headers),
                                informational=informational,
                                http_version=ev.http_version.decode())
            elif isinstance(ev, h11.Data):
                resp.body += bytes(ev.data)
                resp.chunks += 1
            elif isinstance(ev, h11.EndOfMessage):
                resp.trailers = _str_headers(ev.headers)
                if (self.h11.our_state is h11.DONE and self.h11.their_state is h11.DONE):
                    self.h11.start_next_cycle()
                return resp
            elif isinstance(ev, h11.ConnectionClosed):
                raise ConnectionError("connection closed before a response")
            else:
                raise AssertionError(f"unexpected h11 event {ev!r}")

    def roundtrip(self, data, method="GET", close=False, deadline=5.0):
        self.expect(method, close=close)
        self.send(data)
        return self.read_response(deadline)

    def wait_closed(self, timeout=5.0):
        """True when the server closes the connection within timeout (after any data h11
        has not been asked for: that must be nothing)."""
        end = time.monotonic() + timeout
        while not self.eof:
            left = end - time.monotonic()
            if left <= 0:
                return False
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                return False
            except ConnectionResetError:
                data = b""
            if data:
                raise AssertionError(f"unexpected bytes while waiting for close: {data[:200]!r}")
            self.eof = True
        return True


def read_until_close(sock, timeout=5.0):
    """Everything the peer sends until it closes (raises on timeout)."""
    end = time.monotonic() + timeout
    out = b""
    while True:
        left = end - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"peer did not close; got {out[:300]!r}")
        sock.settimeout(left)
        try:
            data = sock.recv(65536)
        except ConnectionResetError:
            return out
        except socket.timeout:
            raise TimeoutError(f"peer did not close within {timeout}s; got {out[:400]!r}")
        if not data:
            return out
        out += data


def parse_all(data, methods):
    """Checks with h11 that data is exactly len(methods) responses (one per request
    method, in order) and nothing else; returns them."""
    conn = h11.Connection(h11.CLIENT, max_incomplete_event_size=1 << 20)
    conn.receive_data(data)
    conn.receive_data(b"")
    out = []
    for method in methods:
        conn.send(h11.Request(method=method, target="/", headers=[("Host", "test")]))
        conn.send(h11.EndOfMessage())
        resp = None
        while True:
            ev = conn.next_event()
            if ev is h11.NEED_DATA:
                raise AssertionError(f"response {len(out) + 1} incomplete")
            if isinstance(ev, h11.Response):
                resp = Response(ev.status_code, _str_headers(ev.headers))
            elif isinstance(ev, h11.Data):
                resp.body += bytes(ev.data)
            elif isinstance(ev, h11.EndOfMessage):
                out.append(resp)
                break
            elif isinstance(ev, h11.InformationalResponse):
                continue
            else:
                raise AssertionError(f"unexpected {ev!r} in response {len(out) + 1}")
        if conn.our_state is h11.DONE and conn.their_state is h11.DONE:
            conn.start_next_cycle()
    return out


async def async_get(server, target, timeout=10.0, headers=()):
    """GET target on a fresh connection with asyncio; returns (Response, seconds)."""
    t0 = time.monotonic()

    async def go():
        if server.uds:
            reader, writer = await asyncio.open_unix_connection(server.uds)
        else:
            reader, writer = await asyncio.open_connection(server.host, server.port)
        try:
            conn = h11.Connection(h11.CLIENT)
            writer.write(conn.send(h11.Request(
                method="GET", target=target,
                headers=[("Host", "test"), ("Connection", "close"), *headers])))
            writer.write(conn.send(h11.EndOfMessage()))
            await writer.drain()
            resp = None
            while True:
                ev = conn.next_event()
                if ev is h11.NEED_DATA:
                    conn.receive_data(await reader.read(65536))
                    continue
                if isinstance(ev, h11.Response):
                    resp = Response(ev.status_code, _str_headers(ev.headers))
                elif isinstance(ev, h11.Data):
                    resp.body += bytes(ev.data)
                elif isinstance(ev, h11.EndOfMessage):
                    return resp
                elif isinstance(ev, h11.ConnectionClosed):
                    raise ConnectionError("closed before a response")
        finally:
            writer.close()

    resp = await asyncio.wait_for(go(), timeout)
    return resp, time.monotonic() - t0
