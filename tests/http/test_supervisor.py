"""The supervisor: several workers, respawn after a crash, a kill or a hang, graceful
shutdown, rolling reload, scaling with signals, and --limit-max-requests."""
import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import h11
import httpx
import pytest

from conftest import alive, wait_until
from rawhttp import RawConn, read_until_close, request


def get_pid(server, timeout=5.0):
    """GET /pid on a new connection; returns the worker pid that answered."""
    with RawConn(server, timeout=timeout) as conn:
        r = conn.roundtrip(request("GET", "/pid", [("Connection", "close")]), close=True,
                           deadline=timeout)
    assert r.status == 200, r
    return int(r.body)


def test_two_workers_both_serve(server_factory):
    srv = server_factory("--workers", "2")
    workers = set(srv.workers())
    assert len(workers) == 2
    seen = {get_pid(srv) for _ in range(60)}
    assert seen == workers


def test_killed_worker_is_respawned_while_the_other_serves(server_factory):
    srv = server_factory("--workers", "2")
    time.sleep(1.1)  # past the crash-loop back-off window
    victim, survivor = sorted(srv.workers())
    os.kill(victim, signal.SIGKILL)
    t0 = time.monotonic()
    served_by = []
    replacement = None
    while time.monotonic() - t0 < 4:
        served_by.append(get_pid(srv))  # every request must succeed meanwhile
        now = set(srv.workers())
        if not replacement and len(now) == 2 and victim not in now:
            replacement = (now - {survivor}).pop()
        if replacement and {replacement, survivor} <= set(served_by):
            break
    assert replacement, f"no replacement for {victim}; workers now {srv.workers()}"
    assert survivor in served_by
    assert victim not in served_by
    assert replacement in served_by
    assert srv.proc.poll() is None
    assert srv.wait_log(rf"worker \[{victim}\] was killed by signal 9", 2)


def test_crashing_handler_kills_only_its_worker(server_factory):
    srv = server_factory("--workers", "2")
    before = set(srv.workers())
    with srv.connect(timeout=5) as s:
        s.sendall(request("GET", "/crash"))
        assert read_until_close(s, 5) == b""  # no response: the worker died
    gone = wait_until(lambda: before - set(srv.workers()), 3)
    assert gone and len(gone) == 1
    [crashed] = gone
    assert wait_until(lambda: len(srv.workers()) == 2, 5), srv.workers()
    seen = {get_pid(srv) for _ in range(40)}
    assert crashed not in seen
    assert seen == set(srv.workers())
    assert srv.wait_log(rf"worker \[{crashed}\] was killed by signal {int(signal.SIGABRT)}", 2)


def test_hung_worker_is_killed_and_replaced(server_factory):
    srv = server_factory("--timeout-worker-healthcheck", "2")
    [old] = srv.workers()
    result = {}

    def hang():
        with srv.connect(timeout=15) as s:
            s.sendall(request("GET", "/hang?ms=30000"))
            result["data"] = read_until_close(s, 15)

    t = threading.Thread(target=hang, daemon=True)
    t0 = time.monotonic()
    t.start()
    assert wait_until(lambda: not alive(old), 8), "stuck worker was not killed"
    killed_after = time.monotonic() - t0
    # Heartbeats come once a second, so "no heartbeat for 2 s" can mean a loop stuck for
    # just over 1 s.
    assert 0.9 <= killed_after <= 5.0, killed_after
    t.join(5)
    assert result.get("data") == b""
    assert wait_until(lambda: len(srv.workers()) == 1, 5)
    [new] = srv.workers()
    assert new != old
    assert get_pid(srv) == new
    assert srv.wait_log(rf"worker \[{old}\] sent no heartbeat", 2)


def test_sigterm_lets_in_flight_requests_finish(server_factory):
    srv = server_factory("--workers", "2")
    workers = srv.workers()

    def slow(_):
        with RawConn(srv, timeout=10) as conn:
            r = conn.roundtrip(request("GET", "/sleep?ms=1000"), deadline=10)
            return r.status, r.body, r.header("connection")

    with ThreadPoolExecutor(20) as pool:
        futures = [pool.submit(slow, i) for i in range(20)]
        time.sleep(0.4)  # all 20 are inside the handler now
        t0 = time.monotonic()
        srv.signal(signal.SIGTERM)
        results = [f.result(10) for f in futures]
        rc = srv.wait_exit(10)
        took = time.monotonic() - t0
    assert results == [(200, b"slept 1000", "close")] * 20
    assert rc == 0
    assert took < 3.0, took
    assert not any(alive(p) for p in workers)


def test_sigterm_with_graceful_timeout_bounds_exit(server_factory):
    srv = server_factory("--timeout-graceful-shutdown", "1")
    result = {}

    def slow():
        with srv.connect(timeout=15) as s:
            s.sendall(request("GET", "/sleep?ms=10000"))
            result["data"] = read_until_close(s, 15)

    t = threading.Thread(target=slow, daemon=True)
    t.start()
    time.sleep(0.3)
    t0 = time.monotonic()
    srv.signal(signal.SIGTERM)
    rc = srv.wait_exit(8)
    took = time.monotonic() - t0
    assert rc is not None, "server did not exit"
    assert 0.8 <= took <= 4.0, took
    t.join(5)
    assert result.get("data") == b""  # cut off: no response


def test_sigterm_finishes_in_flight_request_with_connection_close(server_factory):
    """SIGTERM while a request is in flight: it is answered, with Connection: close."""
    srv = server_factory("--timeout-graceful-shutdown", "5")
    with RawConn(srv, timeout=5) as conn:
        conn.expect()
        conn.send(request("GET", "/sleep?ms=700"))
        time.sleep(0.2)
        srv.signal(signal.SIGTERM)
        r = conn.read_response(5)
        assert r.status == 200
        assert r.header("connection") == "close"
        assert conn.wait_closed(3)
    assert srv.wait_exit(5) == 0


@pytest.mark.time_limit(45)
def test_sighup_reload_under_load_loses_nothing(server_factory):
    srv = server_factory("--workers", "2", "--no-access-log")
    initial = set(srv.workers())
    stop = threading.Event()
    lock = threading.Lock()
    ok, failures, pids_after = [0], [], []
    reload_done = [0.0]

    def record(pid):
        with lock:
            ok[0] += 1
            if reload_done[0] and time.monotonic() > reload_done[0]:
                pids_after.append(pid)

    def new_connections():
        while not stop.is_set():
            try:
                record(get_pid(srv))
            except Exception as e:  # noqa: BLE001 - every failure is the finding
                failures.append(f"new connection: {e!r}")

    def keep_alive():
        with httpx.Client(base_url=srv.url, timeout=5, trust_env=False) as c:
            while not stop.is_set():
                try:
                    r = c.get("/pid")
                    assert r.status_code == 200
                    record(int(r.text))
                except Exception as e:  # noqa: BLE001
                    failures.append(f"keep-alive: {e!r}")

    threads = [threading.Thread(target=f, daemon=True)
               for f in (new_connections, new_connections, keep_alive, keep_alive)]
    for t in threads:
        t.start()
    try:
        time.sleep(0.7)
        srv.signal(signal.SIGHUP)
        assert srv.wait_log("reload complete", 10), "first reload did not complete"
        first_end = len(srv.log)
        time.sleep(0.3)
        srv.signal(signal.SIGHUP)
        assert srv.wait_log("reload complete", 10, start=first_end), "second reload stuck"
        with lock:
            reload_done[0] = time.monotonic() + 0.5
        time.sleep(1.5)
    finally:
        stop.set()
        for t in threads:
            t.join(10)
    final = set(srv.workers())
    assert not failures, f"{len(failures)} failed of {ok[0] + len(failures)}: {failures[:5]}"
    assert ok[0] > 200
    assert len(final) == 2
    assert not final & initial, (initial, final)
    assert pids_after and set(pids_after) <= final


def test_sigttin_sigttou_change_worker_count(server_factory):
    srv = server_factory()
    assert len(srv.workers()) == 1
    for want, sig in ((2, signal.SIGTTIN), (3, signal.SIGTTIN), (2, signal.SIGTTOU),
                      (1, signal.SIGTTOU)):
        srv.signal(sig)
        assert wait_until(lambda: len(srv.workers()) == want, 5), \
            f"after {sig.name}: {len(srv.workers())} workers, want {want}"
        assert get_pid(srv) in srv.workers()
    srv.signal(signal.SIGTTOU)  # never below one worker
    time.sleep(0.5)
    assert len(srv.workers()) == 1
    assert {get_pid(srv) for _ in range(5)} == set(srv.workers())


@pytest.mark.time_limit(120)
def test_sigttou_keeps_the_connections_of_the_retiring_worker(server_factory):
    """Requests sent while a worker retires are answered: the retiring worker takes what
    is queued on its socket before closing it, and the kernel moves half-open connections
    to another worker (a reuseport migration program, as root). Before, about a third of
    the requests sent right after SIGTTOU were reset (15 of 40 cycles failed); a handshake
    caught at the very moment the socket closes can still be lost without the program,
    hence a small allowance rather than none."""
    srv = server_factory("--no-access-log")
    cycles, failed = 40, []
    for i in range(cycles):
        srv.signal(signal.SIGTTIN)
        assert wait_until(lambda: len(srv.workers()) == 2, 10)
        get_pid(srv)
        srv.signal(signal.SIGTTOU)
        for k in range(3):
            try:
                get_pid(srv)
            except Exception as e:  # noqa: BLE001 (reset, closed early, bad answer)
                failed.append(f"cycle {i} request {k}: {e!r}")
                break
        assert wait_until(lambda: len(srv.workers()) == 1, 10), srv.workers()
    assert len(failed) <= 3, failed


def test_limit_max_requests_replaces_worker(server_factory):
    n = 20
    srv = server_factory("--limit-max-requests", str(n), "--no-access-log")
    pids, failures = [], []
    for i in range(3 * n + 10):  # every one must succeed
        try:
            pids.append(get_pid(srv))
        except Exception as e:  # noqa: BLE001
            failures.append(f"request {i + 1}: {e!r}")
    assert not failures, f"{len(failures)} requests failed: {failures[:4]}"
    runs = []
    for p in pids:
        if runs and runs[-1][0] == p:
            runs[-1][1] += 1
        else:
            runs.append([p, 1])
    assert len(runs) >= 4, runs
    assert len({p for p, _ in runs}) == len(runs)  # a retired worker never comes back
    for _, count in runs[:-1]:
        assert n <= count <= n + 2, runs


def test_limit_max_requests_keep_alive_client_is_told(server_factory):
    """A keep-alive client is either told (Connection: close) that the connection ends,
    or the connection keeps working: a response that promises persistence must not be
    followed by a silent close."""
    srv = server_factory("--limit-max-requests", "5", "--no-access-log")
    conn = RawConn(srv)
    pids = set()
    try:
        for i in range(23):
            try:
                r = conn.roundtrip(request("GET", "/pid"))
            except (ConnectionError, OSError, h11.RemoteProtocolError) as e:
                raise AssertionError(f"request {i} failed on a connection the server had "
                                     f"kept open: {e!r}") from e
            assert r.status == 200
            pids.add(int(r.body))
            if r.header("connection") == "close":
                assert conn.wait_closed(3)
                conn.close()
                conn = RawConn(srv)
            else:
                time.sleep(0.05)  # give a silent close the time to show
    finally:
        conn.close()
    assert len(pids) >= 4
