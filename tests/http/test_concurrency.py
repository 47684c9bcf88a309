"""One worker, many clients: suspended requests and slow clients do not hold up others,
blocking work runs off the loop, and --limit-concurrency sheds load at once."""
import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from conftest import wait_until
from rawhttp import RawConn, async_get, parse_all, read_until_close, request


def timed_get(server, target, timeout=5.0):
    """One GET on a new connection; returns (Response, seconds)."""
    t0 = time.monotonic()
    with RawConn(server, timeout=timeout) as conn:
        r = conn.roundtrip(request("GET", target, [("Connection", "close")]), close=True,
                           deadline=timeout)
    return r, time.monotonic() - t0


@pytest.mark.time_limit(40)
def test_1000_concurrent_sleeps_on_one_worker(server_factory):
    srv = server_factory("--no-access-log")
    assert len(srv.workers()) == 1

    async def main():
        return await asyncio.gather(*(async_get(srv, "/sleep?ms=200", timeout=20)
                                      for _ in range(1000)))

    t0 = time.monotonic()
    results = asyncio.run(main())
    took = time.monotonic() - t0
    assert all(r.status == 200 and r.body == b"slept 200" for r, _ in results)
    # Serially this would be 200 s; suspended sleeps overlap.
    assert took < 5.0, took


def test_run_blocking_keeps_the_loop_responsive(server):
    with ThreadPoolExecutor(4) as pool:
        blocked = pool.submit(timed_get, server, "/block?ms=800")
        time.sleep(0.1)  # let it start
        quick = []
        while not blocked.done() and len(quick) < 20:
            quick.append(timed_get(server, "/"))
        r, block_took = blocked.result(10)
    assert r.status == 200 and r.body == b"blocked 800"
    assert block_took >= 0.75
    assert len(quick) >= 5, "few requests completed while the blocking call ran"
    for resp, took in quick:
        assert resp.status == 200
        assert took < 0.5, took


def test_run_blocking_jobs_run_in_parallel(server):
    with ThreadPoolExecutor(4) as pool:
        t0 = time.monotonic()
        results = list(pool.map(lambda _: timed_get(server, "/block?ms=500"), range(4)))
        took = time.monotonic() - t0
    assert all(r.status == 200 for r, _ in results)
    assert took < 1.5, took  # not 4 × 0.5 s one after the other


@pytest.mark.time_limit(40)
def test_slow_clients_do_not_starve_a_normal_one(server_factory):
    """200 clients trickle their heads a byte at a time and 200 more sit in /sleep; a
    normal client is still served quickly."""
    srv = server_factory("--no-access-log")
    trickling = [srv.connect() for _ in range(200)]
    head = request("GET", "/", [("X-Slow", "s" * 200)])
    stop = threading.Event()

    def trickle():
        i = 0
        while not stop.is_set() and i < len(head) - 4:
            for s in trickling:
                s.send(head[i:i + 1])
            i += 1
            stop.wait(0.05)

    sleepers = []
    for _ in range(200):
        s = srv.connect()
        s.sendall(request("GET", "/sleep?ms=4000", [("Connection", "close")]))
        sleepers.append(s)
    t = threading.Thread(target=trickle, daemon=True)
    t.start()
    try:
        time.sleep(0.5)
        for _ in range(10):
            r, took = timed_get(srv, "/json")
            assert r.status == 200
            assert took < 1.0, took
            time.sleep(0.1)
    finally:
        stop.set()
        t.join(5)
        for s in trickling + sleepers:
            s.close()


def test_limit_concurrency_answers_503_at_once(server_factory):
    srv = server_factory("--limit-concurrency", "3", "--timeout-graceful-shutdown", "1")
    held = []
    try:
        for _ in range(3):
            s = srv.connect()
            s.sendall(request("GET", "/stream?n=2&ms=1000", [("Connection", "close")]))
            held.append(s)
        for s in held:  # the first chunk proves the request is inside its handler
            s.settimeout(3)
            assert s.recv(4096).startswith(b"HTTP/1.1 200 ")
        t0 = time.monotonic()
        with srv.connect(timeout=3) as s:
            s.sendall(request("GET", "/"))
            data = read_until_close(s, 3)
        took = time.monotonic() - t0
        [r] = parse_all(data, ["GET"])
        assert r.status == 503
        assert took < 0.5, took
        # The held requests are unaffected.
        for s in held:
            rest = read_until_close(s, 5)
            assert rest.endswith(b"chunk 1\n\r\n0\r\n\r\n"), rest
    finally:
        for s in held:
            s.close()
    # Once they are done there is room again (the closes reach the server asynchronously).
    statuses = []

    def served():
        with httpx.Client(base_url=srv.url, timeout=5, trust_env=False) as c:
            statuses.append(c.get("/").status_code)
        return statuses[-1] == 200

    assert wait_until(served, 2, interval=0.1), (statuses, srv.log[-3000:])


def test_limit_concurrency_does_not_count_finished_connections(server_factory):
    """Connections the server is done with do not count against --limit-concurrency: one
    the client already closed, whose EOF the worker reads in the same loop iteration as
    the new requests (libuv runs close callbacks only at the end of an iteration), and one
    whose response is complete and that only lingers until its client closes."""
    srv = server_factory("--limit-concurrency", "3", "--timeout-graceful-shutdown", "1")
    # Wedge the worker's loop, so that what follows queues up in the backlog and is
    # accepted, then read, in one batch. The wedge's response ends with Connection: close
    # and the client keeps the socket open, so that connection lingers afterwards.
    wedge = srv.connect()
    held = []
    try:
        wedge.sendall(request("GET", "/hang?ms=500", [("Connection", "close")]))
        time.sleep(0.2)  # let the hang start
        srv.connect().close()  # like the fixture's readiness probe
        for _ in range(3):
            s = srv.connect()
            s.sendall(request("GET", "/stream?n=2&ms=300", [("Connection", "close")]))
            held.append(s)
        for s in held:  # the first chunk proves the request is inside its handler
            s.settimeout(5)
            assert s.recv(4096).startswith(b"HTTP/1.1 200 ")
        with srv.connect(timeout=3) as s:  # the limit still holds
            s.sendall(request("GET", "/"))
            [r] = parse_all(read_until_close(s, 3), ["GET"])
        assert r.status == 503
        for s in held:
            assert read_until_close(s, 5).endswith(b"chunk 1\n\r\n0\r\n\r\n")
        [r] = parse_all(read_until_close(wedge, 5), ["GET"])
        assert r.status == 200 and r.body == b"woke up"
    finally:
        wedge.close()
        for s in held:
            s.close()


def test_limit_concurrency_does_not_count_a_lingering_connection(server_factory):
    srv = server_factory("--limit-concurrency", "1")
    with srv.connect() as done:
        done.sendall(request("GET", "/", [("Connection", "close")]))
        [r] = parse_all(read_until_close(done, 3), ["GET"])
        assert r.status == 200
        # The server has sent its FIN and lingers on `done` until we close it, but it
        # serves nothing more there: the next client is not refused.
        r, _ = timed_get(srv, "/")
        assert r.status == 200
