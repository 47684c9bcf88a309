"""Black-box tests of the api layer's core against tests/http/apps/coreapp: errors raised
from anywhere (FastAPI's HTTPException), error handlers, the last-resort 500,
dependencies (each once per request, sub-dependencies first, their parameters validated
with the route's, cleanups after the response is sent, overrides) and routers (prefix,
nesting, shared dependencies, included twice)."""
import time

import httpx
import pytest

from conftest import BUILD, Server, assert_422, err, show, stop_all, wait_until

COREAPP = BUILD / "apps" / "coreapp"
ENV = ("COREAPP_ANY_HANDLER", "COREAPP_422_HANDLER")


class CoreServer(Server):
    def __init__(self, env=None):
        super().__init__(["--port", "0", "--workers", "1", "--no-access-log"], env=env,
                         exe=COREAPP, clear_env=ENV, probe=("/log", (200,)))


@pytest.fixture(scope="module")
def srv():
    s = CoreServer()
    yield s
    stop_all([s], "coreapp", workers_must_survive=True)


@pytest.fixture
def factory():
    servers = []

    def start(env=None):
        s = CoreServer(env)
        servers.append(s)
        return s

    yield start
    stop_all(servers, "coreapp", workers_must_survive=True)


def get(srv, path, **kw):
    return httpx.get(srv.url + path, timeout=5, **kw)


def log(srv):
    return get(srv, "/log").json()["events"]


# ---- errors ---------------------------------------------------------------------------

def test_raise_from_deep_in_the_stack(srv):
    r = get(srv, "/raise/deep")
    assert r.status_code == 404, show(r)
    assert r.json() == {"detail": "Item not found"}
    assert r.headers["x-error"] == "deep"
    assert "x-dropped" not in r.headers          # the handler's own headers are dropped
    assert r.headers["x-gate"] == "seen"         # the middleware's are kept


def test_raise_after_reply_replaces_the_reply_and_takes_json_detail(srv):
    r = get(srv, "/raise/after-reply")
    assert r.status_code == 409, show(r)
    assert r.json() == {"detail": {"code": "conflict", "ids": [1, 2]}}
    assert int(r.headers["content-length"]) == len(r.content)


def test_raise_after_a_stream_began_cuts_it_short(srv):
    # The head is on the wire: the body ends without its last chunk and the connection
    # closes, so no client mistakes the partial body for a complete one.
    with pytest.raises(httpx.RemoteProtocolError):
        get(srv, "/raise/mid-stream")
    assert srv.wait_log(r"/raise/mid-stream: raised 500 after the response had started", 5)
    assert get(srv, "/log").status_code == 200    # the server goes on


def test_custom_handler_per_status(srv):
    r = get(srv, "/raise/teapot")
    assert r.status_code == 418
    assert r.text == "custom teapot handler"


def test_handler_that_raises_gets_the_default_answer(srv):
    r = get(srv, "/raise/403")
    assert r.status_code == 503, show(r)
    assert r.json() == {"detail": "handler raised"}


def test_middleware_raise_is_answered(srv):
    r = get(srv, "/mw-raise")
    assert r.status_code == 401, show(r)
    assert r.json() == {"detail": "gate"}


def test_fail_never_leaks_the_message(srv):
    r = get(srv, "/fail")
    assert r.status_code == 500
    assert r.json() == {"detail": "Internal Server Error"}
    assert "hunter2" not in r.text
    assert srv.wait_log(r"/fail failed: db password is hunter2", 5)


def test_forgotten_reply_is_500(srv):
    r = get(srv, "/forget")
    assert r.status_code == 500
    assert r.json() == {"detail": "Internal Server Error"}
    assert srv.wait_log(r"/forget: the handler returned without a reply", 5)


def test_catch_all_handler_sees_404_405_and_raises(factory):
    s = factory({"COREAPP_ANY_HANDLER": "1"})
    r = get(s, "/nowhere")
    assert (r.status_code, r.json(), r.headers["x-handled"]) == (404, {"detail": "Not Found"}, "any")
    r = httpx.post(s.url + "/log", timeout=5)
    assert r.status_code == 405 and r.headers["x-handled"] == "any"
    assert r.headers["allow"] == "GET, HEAD"
    r = get(s, "/raise/deep")
    assert r.status_code == 404 and r.headers["x-handled"] == "any"
    assert r.headers["x-error"] == "deep"
    r = get(s, "/raise/teapot")                  # its own handler wins over the catch-all
    assert r.text == "custom teapot handler"


def test_validation_handler_gets_the_error_list(factory):
    s = factory({"COREAPP_422_HANDLER": "1"})
    r = get(s, "/deps?skip=-1")
    assert r.status_code == 400, show(r)
    assert r.json() == {"errors": [err("greater_than_equal", ["query", "skip"],
                                       "Input should be greater than or equal to 0", "-1",
                                       {"ge": 0})]}


# ---- dependencies ---------------------------------------------------------------------

def test_dependencies_run_once_sub_dependencies_first(srv):
    log(srv)
    r = get(srv, "/deps?q=abc&skip=5")
    assert r.status_code == 200, show(r)
    body = r.json()
    assert body["skip"] == 5 and body["limit"] == 10 and body["q"] == "abc"
    assert body["resource"] == f"r{body['counter']}"
    # counter is listed twice and needed by resource: it still ran once.
    assert log(srv) == "counter,acquire,handler,release:r%d:ok" % body["counter"]


def test_dependency_parameters_are_validated_with_the_routes(srv):
    log(srv)
    r = get(srv, "/deps?q=toolong&skip=-1&limit=101")
    # FastAPI's order: each dependency's parameters as it is solved, the route's last.
    assert_422(r,
               err("greater_than_equal", ["query", "skip"],
                   "Input should be greater than or equal to 0", "-1", {"ge": 0}),
               err("less_than_equal", ["query", "limit"],
                   "Input should be less than or equal to 100", "101", {"le": 100}),
               err("string_too_long", ["query", "q"], "String should have at most 3 characters",
                   "toolong", {"max_length": 3}))
    # counter and resource have no parameters: they ran before the 422, as in FastAPI;
    # paging did not, and neither did the handler; the cleanup still ran.
    assert log(srv).startswith("counter,acquire,release:r")


def test_a_dependency_that_raises_wins_over_later_validation(srv):
    # key's header is valid, so key runs and refuses before the route's path parameter
    # is validated (FastAPI: a security dependency's 401 comes before the route's 422).
    r = get(srv, "/outer/inner/notanint", headers={"x-key": "shut"})
    assert (r.status_code, r.json()) == (401, {"detail": "bad key"}), show(r)
    # With key's own parameter missing, key does not run: both problems are listed.
    assert_422(get(srv, "/outer/inner/notanint"),
               err("missing", ["header", "x-key"], "Field required", None),
               err("int_parsing", ["path", "id"],
                   "Input should be a valid integer, unable to parse string as an integer",
                   "notanint"))


def test_cleanup_runs_when_the_handler_fails(srv):
    log(srv)
    r = get(srv, "/deps/fail")
    assert r.status_code == 500
    assert r.json() == {"detail": "boom"}
    events = log(srv)
    assert events.startswith("counter,acquire,handler,release:r"), events
    assert events.endswith(":failed"), events


def test_cleanup_runs_after_the_response_is_sent(srv):
    log(srv)
    t0 = time.monotonic()
    r = get(srv, "/cleanup/slow")
    took = time.monotonic() - t0
    assert r.status_code == 200 and r.text == "sent before the cleanup"
    # The cleanup sleeps 1.5 s: an answer that waited for it would take that long.
    assert took < 1.0, f"the response waited for the cleanup: {took:.3f}s"
    assert "slow-release" not in log(srv)
    seen = []
    assert wait_until(lambda: seen.append(log(srv)) or "slow-release" in seen[-1], 5), seen


def test_override_replaces_a_dependency_everywhere(factory):
    s = factory()
    assert httpx.post(s.url + "/override/on", timeout=5).status_code == 204
    log(s)
    r = get(s, "/deps")
    assert r.json()["counter"] == -1 and r.json()["resource"] == "r-1", show(r)
    assert log(s) == "fake,acquire,handler,release:r-1:ok"
    assert httpx.post(s.url + "/override/off", timeout=5).status_code == 204
    assert get(s, "/deps").json()["counter"] > 0


def test_dependency_cycle_is_a_500(srv):
    r = get(srv, "/cycle")
    assert r.status_code == 500
    assert srv.wait_log(r"dependency cycle_a depends on itself", 5)


def test_declaration_mistakes_fail_at_start_up(srv):
    # coreapp exits with 3 or 4 if these were accepted; it is up, so they were refused.
    assert srv.wait_log(r"router prefix \"/bad/\": must start with '/' and not end with '/'", 5)
    assert srv.wait_log(r"BRISK_API_KEY needs .name and .in", 5)
    assert srv.wait_log(r"cannot add route GET /bad: invalid dependencies", 5)
    assert get(srv, "/bad").status_code == 404


def test_duplicate_operation_id_is_warned_about(srv):
    assert srv.wait_log(r"WARNING.*duplicate operationId dup \(GET /dup/a and GET /dup/b\)", 5)
    assert get(srv, "/dup/b").json() == {"route": "/dup/b"}


# ---- routers ----------------------------------------------------------------------------

@pytest.mark.parametrize("prefix", ["", "/v2"])
def test_nested_routers_with_prefix_and_shared_dependency(srv, prefix):
    r = get(srv, prefix + "/outer/inner/7", headers={"x-key": "open"})
    assert r.status_code == 200, show(r)
    assert r.json() == {"route": prefix + "/outer/inner/{id}", "id": 7}
    r = get(srv, prefix + "/outer/inner", headers={"x-key": "open"})
    assert r.json() == {"route": prefix + "/outer/inner"}
    r = get(srv, prefix + "/outer/")
    assert r.json() == {"route": prefix + "/outer/"}
    # The inner router's dependency guards its routes only, with its header parameter.
    r = get(srv, prefix + "/outer/inner/7", headers={"x-key": "shut"})
    assert (r.status_code, r.json()) == (401, {"detail": "bad key"})
    assert_422(get(srv, prefix + "/outer/inner/7"),
               err("missing", ["header", "x-key"], "Field required", None))
