"""Black-box tests of the flagship example, examples/todo: a CRUD API on SQLite with an
OAuth2 password login.

The server is $BRISK_BUILD/examples/todo, started on a free port with its database
(TODO_DB) in the test's tmp_path and its token key (TODO_SECRET) set to SECRET. Reads are
public; the tests of writes log in first, as the demo user, through POST /token (the
`client` fixture does). Tokens the server did not make are signed here with Python's
hmac, as an independent HS256 implementation.

Every 422 body is compared whole with what FastAPI (Pydantic v2) answers for the same
declaration, which is:

    class Priority(str, Enum):
        low = "low"; normal = "normal"; high = "high"

    class TodoCreate(BaseModel):
        title: str = Field(min_length=1, max_length=200)
        description: str | None = Field(default=None, max_length=2000)
        priority: Priority = Priority.normal
        due: datetime | None = None
        tags: list[Annotated[str, Field(max_length=30)]] = Field(default=[], max_length=10)
        done: bool = False

    class TodoUpdate(BaseModel):          # every field optional and nullable
        title: str | None = Field(default=None, min_length=1, max_length=200)
        description: str | None = Field(default=None, max_length=2000)
        priority: Priority | None = None
        due: datetime | None = None
        tags: list[Annotated[str, Field(max_length=30)]] | None = Field(None, max_length=10)
        done: bool | None = None

    @app.post("/todos", status_code=201)
    def create(todo: TodoCreate) -> Todo: ...
    @app.get("/todos")
    def list_(limit: int = Query(20, ge=1, le=100), offset: int = Query(0, ge=0),
              done: bool | None = None, priority: Priority | None = None,
              q: str | None = Query(None, max_length=100), tag: list[str] = Query([])): ...
    @app.get("/todos/{todo_id}")
    def read(todo_id: int = Path(ge=1)) -> Todo: ...
    (PUT with TodoCreate, PATCH with TodoUpdate, DELETE -> 204)

Where an expected text was not observed from FastAPI itself it was derived from
pydantic-core's and speedate's sources (datetime errors: a string that is not a datetime
is re-parsed as a date in lax mode, and the date parser's error is reported as
datetime_from_date_parsing; JSON decode errors: Python's json module, used here as the
oracle, as FastAPI uses it).
"""
import base64
import hashlib
import hmac
import json
import os
import re
import time
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import httpx
import pytest

from conftest import BUILD, Server, assert_422, err, stop_all, wait_until

TODO_APP = BUILD / "examples" / "todo"

ENUM_MSG = "Input should be 'low', 'normal' or 'high'"
ENUM_CTX = {"expected": "'low', 'normal' or 'high'"}
INT_MSG = "Input should be a valid integer, unable to parse string as an integer"
BOOL_MSG = "Input should be a valid boolean, unable to interpret input"

SECRET = "todo-test-secret"
DEMO = {"username": "demo", "password": "demo-password"}


# ---- the server ----------------------------------------------------------------------

class TodoServer(Server):
    """One running examples/todo on a free port, its database at `db`."""

    def __init__(self, db, args=(), cwd=None, start_timeout=10.0, secret=SECRET, env=None):
        full_env = {"TODO_DB": str(db)} if db is not None else {}
        if secret is not None:
            full_env["TODO_SECRET"] = secret
        full_env.update(env or {})
        super().__init__(["--port", "0", *args], env=full_env,
                         start_timeout=start_timeout, exe=TODO_APP, cwd=cwd,
                         clear_env=("TODO_DB", "TODO_SECRET", "TODO_CORS_ORIGINS"),
                         probe=("/todos/1", (200, 404)))


@pytest.fixture
def todo_factory(tmp_path):
    """todo_factory(db=<tmp>/todo.db, *args, cwd=None) -> a started TodoServer. All are
    stopped at the end; leftover processes or sanitizer reports fail the test."""
    servers = []
    default_db = tmp_path / "todo.db"

    def start(*args, db=default_db, cwd=None, **kw):
        s = TodoServer(db, args, cwd=cwd, **kw)
        servers.append(s)
        return s

    yield start
    stop_all(servers, "todo server")


@pytest.fixture
def server(todo_factory):
    return todo_factory()


@pytest.fixture
def client(server):
    """A client logged in as the demo user."""
    with logged_in(server.url) as c:
        yield c


@pytest.fixture
def anon(server):
    """A client that is not logged in."""
    with httpx.Client(base_url=server.url, timeout=10) as c:
        yield c


# ---- helpers -------------------------------------------------------------------------

def auth_header(url, **form):
    """{"Authorization": "Bearer <token>"} from logging in (as the demo user by default)."""
    r = httpx.post(url + "/token", data={**DEMO, **form}, timeout=10)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token_type"] == "bearer"
    return {"Authorization": f"Bearer {body['access_token']}"}


def logged_in(url, timeout=10):
    return httpx.Client(base_url=url, timeout=timeout, headers=auth_header(url))


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt(claims, key=SECRET, header=None):
    """An HS256 JSON Web Token made here, not by the server."""
    head = b64url(json.dumps(header or {"alg": "HS256", "typ": "JWT"}).encode())
    body = b64url(json.dumps(claims).encode())
    sig = hmac.new(key.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{b64url(sig)}"


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def create(client, **fields):
    body = {"title": "a todo", **fields}
    r = client.post("/todos", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def listing(client, **params):
    r = client.get("/todos", params=params)
    assert r.status_code == 200, r.text
    return r.json()


def ids(page):
    return [t["id"] for t in page["items"]]


def post_raw(client, content, content_type="application/json", path="/todos",
             method="POST"):
    headers = {"content-type": content_type} if content_type else {}
    return client.request(method, path, content=content, headers=headers)


def json_decode_error(text):
    """(pos, msg) of Python's json module for text: what FastAPI reports."""
    try:
        json.loads(text)
    except json.JSONDecodeError as e:
        return e.pos, e.msg
    raise AssertionError(f"{text!r} is valid JSON")


FULL = {
    "title": "Buy milk",
    "description": "semi-skimmed, 2 litres",
    "priority": "high",
    "due": "2030-01-02T03:04:05Z",
    "tags": ["shopping", "home"],
    "done": True,
}


# ---- create and read -----------------------------------------------------------------

def test_create_applies_the_defaults(client):
    before = datetime.now(timezone.utc)
    r = client.post("/todos", json={"title": "Buy milk"})
    assert r.status_code == 201, r.text
    assert r.headers["content-type"].startswith("application/json")
    todo = r.json()
    assert set(todo) == {"id", "title", "description", "priority", "due", "tags", "done",
                         "created_at"}
    assert isinstance(todo["id"], int) and todo["id"] >= 1
    assert {k: v for k, v in todo.items() if k not in ("id", "created_at")} == {
        "title": "Buy milk", "description": None, "priority": "normal", "due": None,
        "tags": [], "done": False}
    created = datetime.fromisoformat(todo["created_at"])
    assert created.utcoffset() == timedelta(0), todo["created_at"]
    assert before - timedelta(seconds=5) <= created <= datetime.now(timezone.utc) + \
        timedelta(seconds=5)


def test_create_with_every_field_echoes_them(client):
    todo = create(client, **FULL)
    assert {k: todo[k] for k in FULL} == FULL


def test_read_returns_what_create_returned(client):
    todo = create(client, **FULL)
    r = client.get(f"/todos/{todo['id']}")
    assert r.status_code == 200
    assert r.json() == todo


def test_ids_are_distinct_and_increasing(client):
    got = [create(client, title=f"t{i}")["id"] for i in range(5)]
    assert got == sorted(got) and len(set(got)) == 5


def test_ids_of_deleted_todos_are_not_reused(client):
    a = create(client)["id"]
    b = create(client)["id"]
    assert client.delete(f"/todos/{b}").status_code == 204
    c = create(client)["id"]
    assert c > b > a


def test_text_round_trips_exactly(client):
    fields = {
        "title": "caf\u00e9 \U0001F600 \"quoted\" back\\slash",
        "description": "line 1\nline 2\ttab \u0001 nul:\u0000 end",
        "tags": ["\u00e9t\u00e9", "\U0001F600", "with space", ""],
    }
    todo = create(client, **fields)
    assert {k: todo[k] for k in fields} == fields
    assert client.get(f"/todos/{todo['id']}").json() == todo


def test_duplicate_keys_last_one_wins(client):
    r = post_raw(client, b'{"title": "first", "done": true, "title": "second"}')
    assert r.status_code == 201, r.text
    assert r.json()["title"] == "second" and r.json()["done"] is True


def test_unknown_keys_are_ignored(client):
    r = client.post("/todos", json={"title": "t", "color": "red", "created_at": "x"})
    assert r.status_code == 201, r.text
    assert "color" not in r.json()
    datetime.fromisoformat(r.json()["created_at"])


def test_lax_booleans_in_the_body_are_accepted(client):
    # Pydantic's lax mode: "yes"/"no"/"true"/"false"/"1"/"0" strings and 0/1 are booleans.
    for sent, want in [("yes", True), ("no", False), ("true", True), ("0", False), (1, True),
                       (0, False)]:
        assert create(client, done=sent)["done"] is want, sent


def test_read_missing_is_404(client):
    r = client.get("/todos/12345")
    assert r.status_code == 404
    assert r.json() == {"detail": "Todo not found"}


# ---- replace, update, delete ---------------------------------------------------------

def test_put_replaces_every_field(client):
    old = create(client, **FULL)
    r = client.put(f"/todos/{old['id']}", json={"title": "Buy bread"})
    assert r.status_code == 200, r.text
    new = r.json()
    assert new == {"id": old["id"], "title": "Buy bread", "description": None,
                   "priority": "normal", "due": None, "tags": [], "done": False,
                   "created_at": old["created_at"]}
    assert client.get(f"/todos/{old['id']}").json() == new


def test_put_with_every_field(client):
    old = create(client)
    r = client.put(f"/todos/{old['id']}", json=FULL)
    assert r.status_code == 200, r.text
    assert {k: r.json()[k] for k in FULL} == FULL
    assert r.json()["id"] == old["id"] and r.json()["created_at"] == old["created_at"]


def test_put_missing_is_404(client):
    r = client.put("/todos/777", json={"title": "x"})
    assert r.status_code == 404
    assert r.json() == {"detail": "Todo not found"}
    assert listing(client)["total"] == 0


def test_patch_changes_only_the_fields_sent(client):
    old = create(client, **FULL)
    r = client.patch(f"/todos/{old['id']}", json={"done": False})
    assert r.status_code == 200, r.text
    assert r.json() == {**old, "done": False}
    r = client.patch(f"/todos/{old['id']}", json={"title": "Buy oat milk", "tags": ["x"],
                                                 "priority": "low"})
    assert r.status_code == 200, r.text
    want = {**old, "done": False, "title": "Buy oat milk", "tags": ["x"], "priority": "low"}
    assert r.json() == want
    r = client.patch(f"/todos/{old['id']}", json={"description": "new", "due":
                                                 "2031-05-06T07:08:09Z"})
    want.update(description="new", due="2031-05-06T07:08:09Z")
    assert r.json() == want
    assert client.get(f"/todos/{old['id']}").json() == want


def test_patch_null_clears_description_and_due(client):
    old = create(client, **FULL)
    r = client.patch(f"/todos/{old['id']}", json={"description": None, "due": None})
    assert r.status_code == 200, r.text
    assert r.json() == {**old, "description": None, "due": None}


def test_patch_null_leaves_fields_that_cannot_be_null(client):
    # title, priority, tags and done always have a value: null means "leave it".
    old = create(client, **FULL)
    r = client.patch(f"/todos/{old['id']}", json={"title": None, "priority": None,
                                                 "tags": None, "done": None})
    assert r.status_code == 200, r.text
    assert r.json() == old


def test_patch_empty_object_changes_nothing(client):
    old = create(client, **FULL)
    r = client.patch(f"/todos/{old['id']}", json={})
    assert r.status_code == 200, r.text
    assert r.json() == old


def test_patch_tags_to_empty_list(client):
    old = create(client, **FULL)
    r = client.patch(f"/todos/{old['id']}", json={"tags": []})
    assert r.json() == {**old, "tags": []}
    assert listing(client, tag="home")["total"] == 0


def test_patch_missing_is_404(client):
    r = client.patch("/todos/4242", json={"done": True})
    assert r.status_code == 404
    assert r.json() == {"detail": "Todo not found"}


def test_delete_is_204_then_404(client):
    todo = create(client, **FULL)
    r = client.delete(f"/todos/{todo['id']}")
    assert r.status_code == 204
    assert r.content == b""
    assert client.get(f"/todos/{todo['id']}").status_code == 404
    r = client.delete(f"/todos/{todo['id']}")
    assert r.status_code == 404
    assert r.json() == {"detail": "Todo not found"}
    assert listing(client) == {"items": [], "total": 0, "limit": 20, "offset": 0}
    # its tags went with it
    assert listing(client, tag="home")["total"] == 0


def test_delete_leaves_the_others(client):
    a, b, c = (create(client, title=t)["id"] for t in "abc")
    assert client.delete(f"/todos/{b}").status_code == 204
    assert ids(listing(client)) == [a, c]


# ---- listing, paging, filters --------------------------------------------------------

def test_list_empty(client):
    assert listing(client) == {"items": [], "total": 0, "limit": 20, "offset": 0}


def test_list_items_are_the_full_todos(client):
    todo = create(client, **FULL)
    assert listing(client) == {"items": [todo], "total": 1, "limit": 20, "offset": 0}


def test_paging(client):
    made = [create(client, title=f"todo {i}")["id"] for i in range(25)]
    page = listing(client)
    assert (page["total"], page["limit"], page["offset"]) == (25, 20, 0)
    assert ids(page) == made[:20]
    page = listing(client, limit=10, offset=20)
    assert (page["total"], page["limit"], page["offset"]) == (25, 10, 20)
    assert ids(page) == made[20:]
    page = listing(client, limit=7, offset=7)
    assert ids(page) == made[7:14]
    assert listing(client, limit=100)["items"] == listing(client, limit=25)["items"]
    assert len(listing(client, limit=100)["items"]) == 25
    page = listing(client, offset=25)
    assert page["items"] == [] and page["total"] == 25
    page = listing(client, offset=1000, limit=1)
    assert page == {"items": [], "total": 25, "limit": 1, "offset": 1000}


def test_filter_done(client):
    a = create(client, done=True)["id"]
    b = create(client, done=False)["id"]
    c = create(client, done=True)["id"]
    for text in ("true", "1", "yes", "on", "True", "YES", "t", "y"):
        page = listing(client, done=text)
        assert (ids(page), page["total"]) == ([a, c], 2), text
    for text in ("false", "0", "no", "off", "False", "OFF", "f", "n"):
        page = listing(client, done=text)
        assert (ids(page), page["total"]) == ([b], 1), text


def test_filter_priority(client):
    low = create(client, priority="low")["id"]
    normal = create(client)["id"]
    high = create(client, priority="high")["id"]
    high2 = create(client, priority="high")["id"]
    assert ids(listing(client, priority="low")) == [low]
    assert ids(listing(client, priority="normal")) == [normal]
    page = listing(client, priority="high")
    assert (ids(page), page["total"]) == ([high, high2], 2)


def test_filter_q_is_a_case_insensitive_title_substring(client):
    milk = create(client, title="Buy milk")["id"]
    oat = create(client, title="oat MILK latte")["id"]
    create(client, title="Call mum", description="about milk")
    assert ids(listing(client, q="milk")) == [milk, oat]
    assert ids(listing(client, q="MILK")) == [milk, oat]
    assert ids(listing(client, q="y m")) == [milk]
    assert listing(client, q="bread")["total"] == 0


def test_filter_q_has_no_wildcards(client):
    pct = create(client, title="100% done")["id"]
    create(client, title="plain")
    und = create(client, title="snake_case")["id"]
    assert ids(listing(client, q="%")) == [pct]
    assert ids(listing(client, q="_")) == [und]
    assert listing(client, q="p%n")["total"] == 0


def test_filter_tag_single_and_repeated(client):
    ab = create(client, tags=["a", "b"])["id"]
    a = create(client, tags=["a"])["id"]
    bc = create(client, tags=["b", "c"])["id"]
    create(client, tags=[])
    assert ids(listing(client, tag="a")) == [ab, a]
    assert ids(listing(client, tag="b")) == [ab, bc]
    # repeated: every tag given must be on the todo
    r = client.get("/todos", params=[("tag", "a"), ("tag", "b")])
    assert r.status_code == 200
    assert (ids(r.json()), r.json()["total"]) == ([ab], 1)
    r = client.get("/todos", params=[("tag", "a"), ("tag", "a")])
    assert ids(r.json()) == [ab, a]
    r = client.get("/todos", params=[("tag", "a"), ("tag", "c")])
    assert r.json()["total"] == 0
    assert listing(client, tag="zzz")["total"] == 0
    # many distinct tags: no todo has them all
    r = client.get("/todos", params=[("tag", f"t{i}") for i in range(50)])
    assert r.status_code == 200 and r.json()["total"] == 0


def test_filters_combine_and_total_counts_all_matches(client):
    want = []
    for i in range(12):
        want.append(create(client, title=f"Report {i}", priority="high", done=i % 2 == 0,
                           tags=["work"])["id"])
    create(client, title="Report x", priority="low", done=True, tags=["work"])
    create(client, title="Report y", priority="high", done=True, tags=["home"])
    create(client, title="Other", priority="high", done=True, tags=["work"])
    r = client.get("/todos", params=[("done", "true"), ("priority", "high"), ("q", "report"),
                                     ("tag", "work"), ("limit", "2"), ("offset", "1")])
    assert r.status_code == 200, r.text
    page = r.json()
    evens = want[0::2]
    assert page["total"] == len(evens) == 6
    assert ids(page) == evens[1:3]
    assert (page["limit"], page["offset"]) == (2, 1)


def test_user_text_never_reaches_sql(client):
    evil = "x'); DROP TABLE todos; --"
    todo = create(client, title=evil, tags=["' OR 1=1 --"])
    assert client.get(f"/todos/{todo['id']}").json()["title"] == evil
    create(client, title="harmless")
    assert listing(client, q="' OR 1=1 --")["total"] == 0
    assert ids(listing(client, tag="' OR 1=1 --")) == [todo["id"]]
    assert listing(client)["total"] == 2


def test_bounds_that_are_allowed(client):
    create(client)
    assert listing(client, limit=1, offset=0)["limit"] == 1
    assert listing(client, limit=100)["limit"] == 100
    assert listing(client, q="x" * 100)["total"] == 0
    assert client.get("/todos/1").status_code == 200


# ---- logging in, and who may write --------------------------------------------------

def assert_401(r, detail):
    assert r.status_code == 401, f"{r.status_code} {r.text}"
    assert r.json() == {"detail": detail}
    assert r.headers["www-authenticate"] == "Bearer"


def jwt_claims(token):
    """The payload of a token the server made, after checking its HS256 signature here."""
    head, body, sig = token.split(".")
    want = hmac.new(SECRET.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    assert b64url(want) == sig, "the server's signature does not verify with TODO_SECRET"
    assert json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))["alg"] == "HS256"
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def test_login_gives_a_bearer_jwt_for_the_user(anon):
    r = anon.post("/token", data=DEMO)
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"access_token", "token_type"} and body["token_type"] == "bearer"
    claims = jwt_claims(body["access_token"])
    assert claims["sub"] == "demo"
    assert abs(claims["exp"] - (time.time() + 30 * 60)) < 60, claims


@pytest.mark.parametrize("form", [
    {"username": "demo", "password": "wrong"},
    {"username": "demo", "password": "demo-password "},
    {"username": "nobody", "password": "demo-password"},
    {"username": "Demo", "password": "demo-password"},
])
def test_login_refuses_wrong_credentials(anon, form):
    assert_401(anon.post("/token", data=form), "Incorrect username or password")


def test_login_form_is_validated(anon):
    r = anon.post("/token", data={"username": "demo"})
    assert r.status_code == 422
    assert [(e["type"], e["loc"]) for e in r.json()["detail"]] == [("missing", ["body", "password"])]
    r = anon.post("/token", data={**DEMO, "grant_type": "client_credentials"})
    assert r.status_code == 422
    assert [e["loc"] for e in r.json()["detail"]] == [["body", "grant_type"]]
    assert anon.post("/token", data={**DEMO, "grant_type": "password"}).status_code == 200
    # An empty form field is a missing one, as FastAPI reads forms.
    r = anon.post("/token", data={"username": "demo", "password": ""})
    assert [(e["type"], e["loc"]) for e in r.json()["detail"]] == [("missing", ["body", "password"])]


def test_me(client, anon):
    r = client.get("/users/me")
    assert r.status_code == 200
    assert r.json() == {"username": "demo", "full_name": "Demo User"}
    assert_401(anon.get("/users/me"), "Not authenticated")


@pytest.mark.parametrize("token", [
    jwt({"sub": "demo", "exp": int(time.time()) - 10}),                 # expired
    jwt({"sub": "demo", "exp": int(time.time()) + 600}, key="other key"),  # forged
    jwt({"sub": "demo", "exp": int(time.time()) + 600},
        header={"alg": "HS512", "typ": "JWT"}),                          # other algorithm
    jwt({"sub": "demo", "nbf": int(time.time()) + 600}),                # not yet valid
    jwt({"exp": int(time.time()) + 600}),                               # nobody
    "not-a-token",
    "a.b.c",
])
def test_invalid_tokens_are_refused(anon, token):
    assert_401(anon.get("/users/me", headers=bearer(token)), "Could not validate credentials")
    assert_401(anon.post("/todos", json={"title": "x"}, headers=bearer(token)),
               "Could not validate credentials")
    assert listing(anon)["total"] == 0


def test_a_token_signed_elsewhere_with_the_key_is_accepted(anon):
    """Tokens are standard HS256 JWTs: one made by Python's hmac works."""
    token = jwt({"sub": "demo", "exp": int(time.time()) + 600})
    r = anon.get("/users/me", headers=bearer(token))
    assert r.status_code == 200 and r.json()["username"] == "demo"


def test_a_valid_token_for_a_user_who_does_not_exist(anon):
    token = jwt({"sub": "mallory", "exp": int(time.time()) + 600})
    assert_401(anon.get("/users/me", headers=bearer(token)), "Could not validate credentials")


def test_writes_need_a_login_reads_do_not(client, anon):
    todo = create(client, title="mine")
    path = f"/todos/{todo['id']}"
    for method, url, body in [("POST", "/todos", {"title": "x"}), ("PUT", path, {"title": "y"}),
                              ("PATCH", path, {"done": True}), ("DELETE", path, None)]:
        assert_401(anon.request(method, url, json=body), "Not authenticated")
        r = anon.request(method, url, json=body, headers={"Authorization": "Basic ZGVtbzpkZW1v"})
        assert_401(r, "Not authenticated")
    assert anon.get(path).json() == todo
    assert listing(anon)["total"] == 1
    assert client.delete(path).status_code == 204


def test_without_TODO_SECRET_workers_share_a_key_made_at_start(todo_factory, tmp_path):
    s = todo_factory("--workers", "2", db=tmp_path / "k.db", secret=None)
    assert wait_until(lambda: len(s.workers()) == 2, 10), s.log
    auth = auth_header(s.url)
    for _ in range(8):   # fresh connections land on either worker
        assert _fresh_connection("GET", s.url + "/users/me", headers=auth).status_code == 200
    assert "TODO_SECRET is not set" in s.log
    s.stop()
    s2 = todo_factory(db=tmp_path / "k.db", secret=None)
    assert_401(httpx.get(s2.url + "/users/me", headers=auth, timeout=10),
               "Could not validate credentials")


# ---- middleware and documentation -----------------------------------------------------

def test_request_id_is_echoed_or_made(anon):
    r = anon.get("/todos", headers={"X-Request-ID": "req-42"})
    assert r.headers["x-request-id"] == "req-42"
    made = anon.get("/todos/999").headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", made)
    assert anon.post("/todos", json={}).headers["x-request-id"]     # errors carry one too


def test_cors_lets_the_configured_origin_in(anon):
    pre = anon.options("/todos/1", headers={
        "Origin": "http://localhost:3000", "Access-Control-Request-Method": "DELETE",
        "Access-Control-Request-Headers": "authorization,content-type"})
    assert pre.status_code == 200, pre.text
    assert pre.headers["access-control-allow-origin"] == "http://localhost:3000"
    assert "DELETE" in pre.headers["access-control-allow-methods"]
    assert "Authorization" in pre.headers["access-control-allow-headers"]
    r = anon.get("/todos", headers={"Origin": "http://localhost:3000"})
    assert r.headers["access-control-allow-origin"] == "http://localhost:3000"
    assert "X-Request-ID" in r.headers["access-control-expose-headers"]
    other = anon.get("/todos", headers={"Origin": "https://evil.example"})
    assert other.status_code == 200 and "access-control-allow-origin" not in other.headers


def test_cors_origins_come_from_TODO_CORS_ORIGINS(todo_factory):
    s = todo_factory(env={"TODO_CORS_ORIGINS": "https://a.example,https://b.example"})
    for origin in ("https://a.example", "https://b.example"):
        r = httpx.get(s.url + "/todos", headers={"Origin": origin}, timeout=10)
        assert r.headers["access-control-allow-origin"] == origin
    r = httpx.get(s.url + "/todos", headers={"Origin": "http://localhost:3000"}, timeout=10)
    assert "access-control-allow-origin" not in r.headers


def test_openapi_document_describes_the_api(anon):
    doc = anon.get("/openapi.json").json()
    info = doc["info"]
    assert info["title"] == "Todo" and info["version"] == "1.1.0"
    assert info["contact"]["email"] and info["license"]["identifier"] == "MIT"
    assert "demo-password" in info["description"]
    assert [t["name"] for t in doc["tags"]] == ["todos", "users"]
    assert doc["components"]["securitySchemes"] == {"OAuth2PasswordBearer": {
        "type": "oauth2", "flows": {"password": {"scopes": {}, "tokenUrl": "/token"}}}}
    paths = doc["paths"]
    secured = {(p, m) for p, ops in paths.items() for m, op in ops.items() if "security" in op}
    assert secured == {("/users/me", "get"), ("/todos", "post"), ("/todos/{todo_id}", "put"),
                       ("/todos/{todo_id}", "patch"), ("/todos/{todo_id}", "delete")}
    assert paths["/todos"]["get"]["tags"] == ["todos"]
    assert paths["/token"]["post"]["tags"] == ["users"]
    assert "application/x-www-form-urlencoded" in paths["/token"]["post"]["requestBody"]["content"]
    assert anon.get("/docs").status_code == 200


# ---- storage: restart, default file, workers, concurrency ----------------------------

def test_data_survives_a_restart(todo_factory, tmp_path):
    db = tmp_path / "persist.db"
    s = todo_factory(db=db)
    with logged_in(s.url) as c:
        kept = create(c, **FULL)
        gone = create(c, title="to delete")
        changed = create(c, title="to change")
        assert c.delete(f"/todos/{gone['id']}").status_code == 204
        changed = c.patch(f"/todos/{changed['id']}", json={"done": True}).json()
        before = listing(c)
    assert s.stop() == []
    assert s.proc.returncode == 0, s.log
    s2 = todo_factory(db=db)
    with logged_in(s2.url) as c:
        assert listing(c) == before
        assert ids(before) == [kept["id"], changed["id"]]
        assert c.get(f"/todos/{gone['id']}").status_code == 404
        assert create(c)["id"] > gone["id"]


def test_default_database_is_todo_db_in_the_working_directory(todo_factory, tmp_path):
    work = tmp_path / "cwd"
    work.mkdir()
    s = todo_factory(db=None, cwd=work)
    with logged_in(s.url) as c:
        todo = create(c, title="in the default file")
    assert (work / "todo.db").exists()
    s.stop()
    s2 = todo_factory(db=None, cwd=work)
    with httpx.Client(base_url=s2.url, timeout=10) as c:
        assert c.get(f"/todos/{todo['id']}").json() == todo


def test_database_path_comes_from_TODO_DB(todo_factory, tmp_path):
    db = tmp_path / "sub" / "named.sqlite"
    db.parent.mkdir()
    s = todo_factory(db=db, cwd=tmp_path)
    with logged_in(s.url) as c:
        create(c)
    assert db.exists()
    assert not (tmp_path / "todo.db").exists()


def _fresh_connection(method, url, **kw):
    """One request on a connection of its own (so the kernel picks the worker)."""
    with httpx.Client(timeout=20) as c:
        return c.request(method, url, **kw)


def _open_files(pid):
    out = set()
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                out.add(os.path.realpath(os.readlink(f"/proc/{pid}/fd/{fd}")))
            except OSError:
                pass
    except OSError:
        pass
    return out


@pytest.mark.time_limit(120)
def test_two_workers_share_the_database(todo_factory, tmp_path):
    db = tmp_path / "shared.db"
    s = todo_factory("--workers", "2", db=db)
    assert wait_until(lambda: len(s.workers()) == 2, 10), s.log
    url = s.url + "/todos"
    auth = auth_header(s.url)
    with ThreadPoolExecutor(8) as pool:
        rs = list(pool.map(lambda i: _fresh_connection("POST", url, json={"title": f"w{i}"},
                                                       headers=auth),
                           range(60)))
    assert [r.status_code for r in rs] == [201] * 60, [r.text for r in rs if r.status_code != 201]
    made = [r.json()["id"] for r in rs]
    assert len(set(made)) == 60
    # Every worker sees every write, whichever connection asks.
    for _ in range(10):
        r = _fresh_connection("GET", url, params={"limit": 100})
        assert r.status_code == 200
        assert sorted(ids(r.json())) == sorted(made) and r.json()["total"] == 60
    for tid in made[:10]:
        assert _fresh_connection("GET", f"{url}/{tid}").status_code == 200
    # Both workers served requests, each with its own connection to the same file.
    path = os.path.realpath(db)
    workers = s.workers()
    assert len(workers) == 2
    assert all(path in _open_files(w) for w in workers), (path, [_open_files(w) for w in workers])
    assert path not in _open_files(s.pid), "the master must not open the database"


@pytest.mark.time_limit(120)
def test_fifty_parallel_creates(client, server):
    barrier = threading.Barrier(50)

    def one(i):
        with httpx.Client(base_url=server.url, timeout=30, headers=client.headers) as c:
            barrier.wait(10)
            return c.post("/todos", json={"title": f"parallel {i}", "tags": [f"n{i}"]})

    with ThreadPoolExecutor(50) as pool:
        rs = list(pool.map(one, range(50)))
    assert [r.status_code for r in rs] == [201] * 50, [r.text for r in rs if r.status_code != 201]
    made = [r.json()["id"] for r in rs]
    assert len(set(made)) == 50
    for i, r in enumerate(rs):
        assert r.json()["title"] == f"parallel {i}" and r.json()["tags"] == [f"n{i}"]
    page = listing(client, limit=100)
    assert page["total"] == 50
    assert sorted(ids(page)) == sorted(made)


@pytest.mark.time_limit(120)
def test_parallel_reads_and_writes_mix(client, server):
    seed = [create(client, title=f"seed {i}")["id"] for i in range(10)]

    def one(i):
        with httpx.Client(base_url=server.url, timeout=30, headers=client.headers) as c:
            kind = i % 4
            if kind == 0:
                return c.post("/todos", json={"title": f"new {i}"}).status_code == 201
            if kind == 1:
                return c.get("/todos", params={"limit": 100}).status_code == 200
            if kind == 2:
                tid = seed[i % len(seed)]
                return c.patch(f"/todos/{tid}", json={"done": True}).status_code == 200
            return c.get(f"/todos/{seed[i % len(seed)]}").status_code == 200

    with ThreadPoolExecutor(40) as pool:
        assert all(pool.map(one, range(80)))
    assert listing(client)["total"] == 10 + 20


# ---- 422: the body -------------------------------------------------------------------

MISSING_BODY = err("missing", ["body"], "Field required", None)


def test_422_missing_body(client):
    assert_422(client.post("/todos"), MISSING_BODY)
    assert_422(post_raw(client, b""), MISSING_BODY)
    assert_422(post_raw(client, b"", content_type=None), MISSING_BODY)
    assert listing(client)["total"] == 0


def test_422_json_null_body_is_missing(client):
    assert_422(post_raw(client, b"null"), MISSING_BODY)


def test_422_malformed_json(client):
    assert_422(post_raw(client, b'{"title": }'),
               err("json_invalid", ["body", 10], "JSON decode error", {},
                   {"error": "Expecting value"}))


@pytest.mark.parametrize("text", [
    '{"title": "a",}',
    '{"title" "a"}',
    '{"title": "a" "done": true}',
    '{"title": "a"} x',
    '{title: "a"}',
    '{"title": "a\x01"}',
    '{"title": "a',
    '[1, 2',
    '{"title": "caf\u00e9", }',       # the position counts characters, not bytes
    '{"t\u00eftle": "\U0001F600", x',
])
def test_422_json_decode_errors_as_python_reports_them(client, text):
    pos, msg = json_decode_error(text)
    assert_422(post_raw(client, text.encode()),
               err("json_invalid", ["body", pos], "JSON decode error", {}, {"error": msg}))


def test_422_json_without_content_type_is_still_parsed(client):
    r = post_raw(client, b'{"title": "no content type"}', content_type=None)
    assert r.status_code == 201, r.text
    assert_422(post_raw(client, b'{"title": ""}', content_type=None),
               err("string_too_short", ["body", "title"],
                   "String should have at least 1 character", "", {"min_length": 1}))


def test_422_non_json_content_type_is_not_parsed(client):
    # FastAPI reads the body as JSON only for application/json, */*+json or no type; any
    # other type gives the model the raw text.
    body = '{"title": "a"}'
    assert_422(post_raw(client, body.encode(), content_type="text/plain"),
               err("model_attributes_type", ["body"],
                   "Input should be a valid dictionary or object to extract fields from", body))


def test_vendor_json_content_type_is_parsed(client):
    r = post_raw(client, b'{"title": "vendor"}', content_type="application/vnd.api+json")
    assert r.status_code == 201, r.text


@pytest.mark.parametrize("body", [[1], "text", 5, True, []])
def test_422_body_not_an_object(client, body):
    assert_422(client.post("/todos", json=body),
               err("model_attributes_type", ["body"],
                   "Input should be a valid dictionary or object to extract fields from", body))


def test_422_missing_title_echoes_the_whole_object(client):
    assert_422(client.post("/todos", json={"done": True}),
               err("missing", ["body", "title"], "Field required", {"done": True}))
    assert_422(client.post("/todos", json={}),
               err("missing", ["body", "title"], "Field required", {}))


def test_422_input_is_compact_json_of_what_was_sent(client):
    r = post_raw(client, b'{ "done" : true ,\n  "tags" : [ "a" , "b" ] }')
    assert_422(r, err("missing", ["body", "title"], "Field required",
                      {"done": True, "tags": ["a", "b"]}))
    assert r.content == (b'{"detail":[{"type":"missing","loc":["body","title"],'
                         b'"msg":"Field required","input":{"done":true,"tags":["a","b"]}}]}')


def test_422_title_too_short(client):
    assert_422(client.post("/todos", json={"title": ""}),
               err("string_too_short", ["body", "title"],
                   "String should have at least 1 character", "", {"min_length": 1}))


def test_422_title_too_long_counts_code_points(client):
    for ch in ("x", "\u00e9", "\U0001F600"):
        assert client.post("/todos", json={"title": ch * 200}).status_code == 201, ch
        assert_422(client.post("/todos", json={"title": ch * 201}),
                   err("string_too_long", ["body", "title"],
                       "String should have at most 200 characters", ch * 201,
                       {"max_length": 200}))


@pytest.mark.parametrize("value", [5, None, 1.5, True, ["a"], {"a": 1}])
def test_422_title_wrong_type(client, value):
    assert_422(client.post("/todos", json={"title": value}),
               err("string_type", ["body", "title"], "Input should be a valid string", value))


def test_422_description(client):
    assert client.post("/todos", json={"title": "t", "description": "d" * 2000}).status_code == 201
    assert client.post("/todos", json={"title": "t", "description": None}).status_code == 201
    assert_422(client.post("/todos", json={"title": "t", "description": "d" * 2001}),
               err("string_too_long", ["body", "description"],
                   "String should have at most 2000 characters", "d" * 2001,
                   {"max_length": 2000}))
    assert_422(client.post("/todos", json={"title": "t", "description": 5}),
               err("string_type", ["body", "description"], "Input should be a valid string", 5))


@pytest.mark.parametrize("value", ["urgent", "HIGH", "", " low"])
def test_422_priority_not_in_the_enum(client, value):
    assert_422(client.post("/todos", json={"title": "t", "priority": value}),
               err("enum", ["body", "priority"], ENUM_MSG, value, ENUM_CTX))


def test_priority_null_is_refused(client):
    assert_422(client.post("/todos", json={"title": "t", "priority": None}),
               err("enum", ["body", "priority"], ENUM_MSG, None, ENUM_CTX))


@pytest.mark.parametrize("value,error", [
    ("yesterday", "input is too short"),
    ("", "input is too short"),
    ("next tuesday", "invalid character in year"),
    ("2026-13-01T00:00:00Z", "month value is outside expected range of 1-12"),
    ("2026-02-30T00:00:00Z", "day value is outside expected range"),
    ("2024-01-01T25:00:00Z", "unexpected extra characters at the end of the input"),
    ("2024/01/01T10:00:00Z", "invalid date separator, expected `-`"),
])
def test_422_due_not_a_datetime(client, value, error):
    assert_422(client.post("/todos", json={"title": "t", "due": value}),
               err("datetime_from_date_parsing", ["body", "due"],
                   f"Input should be a valid datetime or date, {error}", value,
                   {"error": error}))


@pytest.mark.parametrize("value", [True, ["2030-01-01T00:00:00Z"], {"at": 1}])
def test_422_due_wrong_type(client, value):
    assert_422(client.post("/todos", json={"title": "t", "due": value}),
               err("datetime_type", ["body", "due"], "Input should be a valid datetime", value))


@pytest.mark.parametrize("value", ["2030-01-02T03:04:05Z", "2030-01-02T03:04:05.123456Z",
                                   "2030-01-02T03:04:05+02:00"])
def test_due_rfc3339_is_kept_as_sent(client, value):
    assert create(client, due=value)["due"] == value


@pytest.mark.parametrize("value", ["x", 5, {"a": "b"}, True])
def test_422_tags_not_a_list(client, value):
    assert_422(client.post("/todos", json={"title": "t", "tags": value}),
               err("list_type", ["body", "tags"], "Input should be a valid list", value))


def test_422_tags_items(client):
    assert_422(client.post("/todos", json={"title": "t", "tags": ["ok", 1, None]}),
               err("string_type", ["body", "tags", 1], "Input should be a valid string", 1),
               err("string_type", ["body", "tags", 2], "Input should be a valid string", None))
    assert client.post("/todos", json={"title": "t", "tags": ["y" * 30]}).status_code == 201
    assert_422(client.post("/todos", json={"title": "t", "tags": ["ok", "y" * 31]}),
               err("string_too_long", ["body", "tags", 1],
                   "String should have at most 30 characters", "y" * 31, {"max_length": 30}))


def test_422_too_many_tags(client):
    assert client.post("/todos", json={"title": "t", "tags": ["t"] * 10}).status_code == 201
    tags = [f"t{i}" for i in range(11)]
    assert_422(client.post("/todos", json={"title": "t", "tags": tags}),
               err("too_long", ["body", "tags"],
                   "List should have at most 10 items after validation, not 11", tags,
                   {"field_type": "List", "max_length": 10, "actual_length": 11}))


@pytest.mark.parametrize("value", ["maybe", "", "2", 2, -1])
def test_422_done_not_a_boolean(client, value):
    assert_422(client.post("/todos", json={"title": "t", "done": value}),
               err("bool_parsing", ["body", "done"], BOOL_MSG, value))


@pytest.mark.parametrize("value", [None, [], {}])
def test_422_done_wrong_type(client, value):
    assert_422(client.post("/todos", json={"title": "t", "done": value}),
               err("bool_type", ["body", "done"], "Input should be a valid boolean", value))


def test_422_every_error_in_declaration_order(client):
    body = {"done": "maybe", "tags": "x", "due": "yesterday", "priority": "urgent",
            "description": 7}
    assert_422(client.post("/todos", json=body),
               err("missing", ["body", "title"], "Field required", body),
               err("string_type", ["body", "description"], "Input should be a valid string", 7),
               err("enum", ["body", "priority"], ENUM_MSG, "urgent", ENUM_CTX),
               err("datetime_from_date_parsing", ["body", "due"],
                   "Input should be a valid datetime or date, input is too short", "yesterday",
                   {"error": "input is too short"}),
               err("list_type", ["body", "tags"], "Input should be a valid list", "x"),
               err("bool_parsing", ["body", "done"], BOOL_MSG, "maybe"))
    assert listing(client)["total"] == 0


def test_422_malformed_json_is_reported_alone(client):
    # FastAPI decodes the body before it validates anything: a JSON error is the only one.
    r = post_raw(client, b'{"title": }', path="/todos/x", method="PUT")
    assert_422(r, err("json_invalid", ["body", 10], "JSON decode error", {},
                      {"error": "Expecting value"}))


def test_422_put_body(client):
    tid = create(client)["id"]
    assert_422(client.put(f"/todos/{tid}", json={"title": ""}),
               err("string_too_short", ["body", "title"],
                   "String should have at least 1 character", "", {"min_length": 1}))
    assert_422(client.put(f"/todos/{tid}", json={"done": True}),
               err("missing", ["body", "title"], "Field required", {"done": True}))
    assert_422(client.put(f"/todos/{tid}"), MISSING_BODY)
    assert client.get(f"/todos/{tid}").json()["title"] == "a todo"


def test_422_path_errors_come_before_body_errors(client):
    assert_422(client.put("/todos/x", json={"title": ""}),
               err("int_parsing", ["path", "todo_id"], INT_MSG, "x"),
               err("string_too_short", ["body", "title"],
                   "String should have at least 1 character", "", {"min_length": 1}))
    assert_422(client.patch("/todos/0", json={"priority": "urgent"}),
               err("greater_than_equal", ["path", "todo_id"],
                   "Input should be greater than or equal to 1", "0", {"ge": 1}),
               err("enum", ["body", "priority"], ENUM_MSG, "urgent", ENUM_CTX))


def test_422_patch_body(client):
    tid = create(client, **FULL)["id"]
    cases = [
        ({"title": ""}, err("string_too_short", ["body", "title"],
                            "String should have at least 1 character", "", {"min_length": 1})),
        ({"title": 5}, err("string_type", ["body", "title"], "Input should be a valid string", 5)),
        ({"description": "d" * 2001},
         err("string_too_long", ["body", "description"],
             "String should have at most 2000 characters", "d" * 2001, {"max_length": 2000})),
        ({"priority": "urgent"}, err("enum", ["body", "priority"], ENUM_MSG, "urgent", ENUM_CTX)),
        ({"due": "yesterday"},
         err("datetime_from_date_parsing", ["body", "due"],
             "Input should be a valid datetime or date, input is too short", "yesterday",
             {"error": "input is too short"})),
        ({"tags": "x"}, err("list_type", ["body", "tags"], "Input should be a valid list", "x")),
        ({"tags": ["z" * 31]}, err("string_too_long", ["body", "tags", 0],
                                   "String should have at most 30 characters", "z" * 31,
                                   {"max_length": 30})),
        ({"done": "maybe"}, err("bool_parsing", ["body", "done"], BOOL_MSG, "maybe")),
    ]
    for body, want in cases:
        assert_422(client.patch(f"/todos/{tid}", json=body), want)
    assert_422(client.patch(f"/todos/{tid}"), MISSING_BODY)
    assert_422(client.patch(f"/todos/{tid}", json=[{"done": True}]),
               err("model_attributes_type", ["body"],
                   "Input should be a valid dictionary or object to extract fields from",
                   [{"done": True}]))
    assert_422(post_raw(client, b'{"done": tru}', path=f"/todos/{tid}", method="PATCH"),
               err("json_invalid", ["body", 9], "JSON decode error", {},
                   {"error": "Expecting value"}))
    assert json_decode_error('{"done": tru}') == (9, "Expecting value")
    assert client.get(f"/todos/{tid}").json()["title"] == FULL["title"]


# ---- 422: path and query -------------------------------------------------------------

@pytest.mark.parametrize("raw", ["x", "1.5", "1e3", "0x10", "123456789123456.00001"])
@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE"])
def test_422_path_todo_id_not_an_integer(client, method, raw):
    # Pydantic v2 parses an integer string as an integer only ("42", " 42 ", "42.0",
    # "4_2"); a fraction or an exponent is int_parsing, not int_from_float.
    kw = {"json": {"title": "t"}} if method in ("PUT", "PATCH") else {}
    r = client.request(method, f"/todos/{raw}", **kw)
    assert_422(r, err("int_parsing", ["path", "todo_id"], INT_MSG, raw))


def test_path_todo_id_integer_spellings_pydantic_accepts(client):
    todo = create(client)
    assert todo["id"] == 1
    for raw in ("1", "01", "1.0", "1.00"):
        r = client.get(f"/todos/{raw}")
        assert r.status_code == 200, (raw, r.text)
        assert r.json() == todo


@pytest.mark.parametrize("raw", ["0", "-5"])
def test_422_path_todo_id_below_one(client, raw):
    assert_422(client.get(f"/todos/{raw}"),
               err("greater_than_equal", ["path", "todo_id"],
                   "Input should be greater than or equal to 1", raw, {"ge": 1}))


def test_422_limit(client):
    assert_422(client.get("/todos", params={"limit": 0}),
               err("greater_than_equal", ["query", "limit"],
                   "Input should be greater than or equal to 1", "0", {"ge": 1}))
    assert_422(client.get("/todos", params={"limit": 101}),
               err("less_than_equal", ["query", "limit"],
                   "Input should be less than or equal to 100", "101", {"le": 100}))
    assert_422(client.get("/todos", params={"limit": "abc"}),
               err("int_parsing", ["query", "limit"], INT_MSG, "abc"))
    assert_422(client.get("/todos", params={"limit": ""}),
               err("int_parsing", ["query", "limit"], INT_MSG, ""))


def test_422_offset(client):
    assert_422(client.get("/todos", params={"offset": -1}),
               err("greater_than_equal", ["query", "offset"],
                   "Input should be greater than or equal to 0", "-1", {"ge": 0}))
    assert_422(client.get("/todos", params={"offset": "x"}),
               err("int_parsing", ["query", "offset"], INT_MSG, "x"))


@pytest.mark.parametrize("raw", ["maybe", "2", "tru", ""])
def test_422_done_query(client, raw):
    assert_422(client.get("/todos", params={"done": raw}),
               err("bool_parsing", ["query", "done"], BOOL_MSG, raw))


@pytest.mark.parametrize("raw", ["urgent", "High", ""])
def test_422_priority_query(client, raw):
    assert_422(client.get("/todos", params={"priority": raw}),
               err("enum", ["query", "priority"], ENUM_MSG, raw, ENUM_CTX))


def test_422_q_too_long(client):
    q = "\u00e9" * 101
    assert_422(client.get("/todos", params={"q": q}),
               err("string_too_long", ["query", "q"],
                   "String should have at most 100 characters", q, {"max_length": 100}))
    assert client.get("/todos", params={"q": "\u00e9" * 100}).status_code == 200


def test_422_every_query_error_in_declaration_order(client):
    r = client.get("/todos", params=[("q", "q" * 101), ("priority", "urgent"),
                                     ("done", "maybe"), ("offset", "-1"), ("limit", "0")])
    assert_422(r,
               err("greater_than_equal", ["query", "limit"],
                   "Input should be greater than or equal to 1", "0", {"ge": 1}),
               err("greater_than_equal", ["query", "offset"],
                   "Input should be greater than or equal to 0", "-1", {"ge": 0}),
               err("bool_parsing", ["query", "done"], BOOL_MSG, "maybe"),
               err("enum", ["query", "priority"], ENUM_MSG, "urgent", ENUM_CTX),
               err("string_too_long", ["query", "q"],
                   "String should have at most 100 characters", "q" * 101,
                   {"max_length": 100}))


def test_repeated_scalar_query_uses_the_last_value(client):
    # FastAPI reads a scalar query parameter with QueryParams.get(): the last value wins.
    create(client)
    r = client.get("/todos", params=[("limit", "0"), ("limit", "7")])
    assert r.status_code == 200, r.text
    assert r.json()["limit"] == 7


def test_query_integer_spellings(client):
    # The same text-to-int rule as for the path (Pydantic's lax mode).
    for raw, want in (("07", 7), ("7.0", 7), (" 7 ", 7), ("1_0", 10)):
        r = client.get("/todos", params={"limit": raw})
        assert r.status_code == 200, (raw, r.text)
        assert r.json()["limit"] == want, raw
    for raw in ("7.5", "1e1"):
        assert_422(client.get("/todos", params={"limit": raw}),
                   err("int_parsing", ["query", "limit"], INT_MSG, raw))
