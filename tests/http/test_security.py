"""Black-box tests of the security schemes, JWT and form fields, against
tests/http/apps/secapp ($BRISK_BUILD/apps/secapp).

Expected answers are FastAPI's as of 0.122.0 and later (fastapi/security/http.py,
api_key.py, oauth2.py after PR #13786): every failed scheme answers 401
{"detail": "Not authenticated"} with a WWW-Authenticate challenge ("Bearer", "Basic" or
'Basic realm="..."', "APIKey"); a wrong Authorization scheme counts as missing, so an
optional (auto_error=False) scheme gives None for it; HTTP Basic credentials that do not
decode raise even when optional. The equivalent FastAPI app is, following secapp.c:

    bearer = HTTPBearer(bearerFormat="JWT"); basic = HTTPBasic()
    api_key_header = APIKeyHeader(name="X-API-Key"); APIKeyQuery(name="api_key");
    APIKeyCookie(name="session"); oauth2 = OAuth2PasswordBearer(tokenUrl="/token")
    ... each also with auto_error=False, HTTPBasic(realm="simple") ...
    @app.post("/token") def login(form: OAuth2PasswordRequestForm = Depends())
    @app.post("/form/typed/{id}")
    def typed(count: int = Form(ge=1), id: int = Path(ge=1), flag: bool | None = Form(None),
              q: int = Query(), name: str = Form("anon", max_length=5))

Validation errors were produced by Pydantic 2.13.4 (TypeAdapter(...).validate_python on
the form's strings), with FastAPI's loc ["body", name] and its "missing" error (input
None) for absent and empty form fields (fastapi.dependencies.utils._get_multidict_value).
Python's own base64, hmac and http.cookies are the oracles for Basic decoding, token
signatures and cookie unquoting.
"""
import base64
import binascii
import hashlib
import hmac
import http.cookies
import json
import random
import time

import httpx
import pytest

from conftest import BUILD, Server, assert_422, err, show, stop_all

SECAPP = BUILD / "apps" / "secapp"
SECRET = b"secapp-test-secret"


class SecServer(Server):
    def __init__(self):
        super().__init__(["--port", "0", "--no-access-log"], exe=SECAPP,
                         probe=("/ping", (200,)))


@pytest.fixture(scope="module")
def server():
    s = SecServer()
    yield s
    stop_all([s], "secapp", workers_must_survive=True)


@pytest.fixture
def client(server):
    with httpx.Client(base_url=server.url, timeout=10) as c:
        yield c


def assert_401(resp, challenge, detail="Not authenticated"):
    assert resp.status_code == 401, show(resp)
    assert resp.json() == {"detail": detail}, show(resp)
    assert resp.headers.get_list("www-authenticate") == [challenge], show(resp)


def assert_json(resp, want):
    assert resp.status_code == 200, show(resp)
    assert resp.json() == want, show(resp)


def b64(s):
    return base64.b64encode(s if isinstance(s, bytes) else s.encode()).decode()


# ---- HTTP Bearer ---------------------------------------------------------------------

def test_bearer_success(client):
    assert_json(client.get("/bearer", headers={"Authorization": "Bearer abc.def"}),
                {"scheme": "Bearer", "credentials": "abc.def"})
    # The scheme is matched case-insensitively and handed back as sent; the credentials
    # are everything after the first space.
    assert_json(client.get("/bearer", headers={"Authorization": "bEaReR a b  c"}),
                {"scheme": "bEaReR", "credentials": "a b  c"})
    assert_json(client.get("/bearer", headers={"Authorization": "Bearer  x"}),
                {"scheme": "Bearer", "credentials": " x"})


@pytest.mark.parametrize("value", [None, "", "Bearer", "Bearertoken", "Basic abc",
                                   "Token abc", "Bearerx abc"])
def test_bearer_missing_or_wrong_scheme(client, value):
    headers = {} if value is None else {"Authorization": value}
    assert_401(client.get("/bearer", headers=headers), "Bearer")


def test_bearer_optional(client):
    for headers in ({}, {"Authorization": ""}, {"Authorization": "Basic abc"},
                    {"Authorization": "Bearer"}):
        assert_json(client.get("/bearer/optional", headers=headers), {"credentials": None})
    assert_json(client.get("/bearer/optional", headers={"Authorization": "Bearer t"}),
                {"scheme": "Bearer", "credentials": "t"})


def test_bearer_first_authorization_header_counts(server):
    # Starlette's headers.get: the first of repeated headers.
    with server.connect() as s:
        s.sendall(b"GET /bearer HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer first\r\n"
                  b"Authorization: Bearer second\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    assert data.startswith(b"HTTP/1.1 200 "), data
    assert data.endswith(b'{"scheme":"Bearer","credentials":"first"}'), data


# ---- HTTP Basic ----------------------------------------------------------------------

def test_basic_success(client):
    r = client.get("/basic", auth=("alice", "s3cret"))
    assert_json(r, {"scheme": "Basic", "credentials": b64("alice:s3cret"),
                    "username": "alice", "password": "s3cret"})
    # The password is everything after the first colon; both may be empty.
    assert_json(client.get("/basic", headers={"Authorization": "basic " + b64("a:b:c")}),
                {"scheme": "basic", "credentials": b64("a:b:c"), "username": "a",
                 "password": "b:c"})
    assert_json(client.get("/basic", headers={"Authorization": "Basic " + b64(":")}),
                {"scheme": "Basic", "credentials": "Og==", "username": "", "password": ""})
    # Python's decoder reads past a '=' that does not complete its quad.
    odd = "dX=NlcjpwYX=NzMTI="
    assert base64.b64decode(odd) == b"user:pass12"
    assert_json(client.get("/basic", headers={"Authorization": "Basic " + odd}),
                {"scheme": "Basic", "credentials": odd, "username": "user",
                 "password": "pass12"})


def test_basic_missing_and_realm(client):
    assert_401(client.get("/basic"), "Basic")
    assert_401(client.get("/basic", headers={"Authorization": "Bearer abc"}), "Basic")
    assert_401(client.get("/basic/realm"), 'Basic realm="simple"')
    assert_json(client.get("/basic/realm", auth=("u", "p")),
                {"scheme": "Basic", "credentials": b64("u:p"), "username": "u",
                 "password": "p"})


@pytest.mark.parametrize("param", ["notabase64token", b64("johnsecret"), b64(b"\xff:x"),
                                   b64(b"caf\xc3\xa9:x"), "", "YQ", "YWJj=ZA==",
                                   "\u00e9" + b64("a:b")])
def test_basic_invalid_credentials(client, param):
    # Since 0.122 "Not authenticated" too (it was "Invalid authentication credentials").
    value = ("Basic " + param).rstrip(" ").encode("latin-1")
    assert_401(client.get("/basic", headers={"Authorization": value}), "Basic")
    assert_401(client.get("/basic/realm", headers={"Authorization": value}),
               'Basic realm="simple"')
    # Undecodable credentials raise even when the scheme is optional.
    assert_401(client.get("/basic/optional", headers={"Authorization": value}), "Basic")


def test_basic_optional(client):
    for headers in ({}, {"Authorization": "Bearer x"}, {"Authorization": "Basicx"}):
        assert_json(client.get("/basic/optional", headers=headers), {"credentials": None})
    assert_json(client.get("/basic/optional", auth=("a", "b")),
                {"scheme": "Basic", "credentials": b64("a:b"), "username": "a",
                 "password": "b"})


def python_basic(param):
    """What FastAPI's HTTPBasic makes of the text after "Basic ": (user, password) or
    None for its 401."""
    try:
        data = base64.b64decode(param).decode("ascii")
    except (ValueError, UnicodeDecodeError, binascii.Error):
        return None
    user, sep, password = data.partition(":")
    return (user, password) if sep else None


def test_basic_decoding_matches_python(client):
    # Python's lenient b64decode as the oracle: junk characters skipped, padding in odd
    # places, lengths that do not fit, ASCII checks after decoding.
    rng = random.Random(20261201)
    alphabet = ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
                "====--__..!* :")
    seeds = [b64(f"user{i}:pa:ss{i}") for i in range(8)] + [b64("x:"), b64(":y")]
    cases, accepted = [], 0
    for i in range(400):
        if i % 2:
            s = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 24)))
        else:
            s = list(rng.choice(seeds))
            for _ in range(rng.randrange(1, 3)):
                at = rng.randrange(len(s) + 1)
                op = rng.randrange(3)
                if op == 0:
                    s.insert(at, rng.choice(alphabet))
                elif op == 1 and at < len(s):
                    del s[at]
                elif at < len(s):
                    s[at] = rng.choice(alphabet)
            s = "".join(s)
        cases.append(s.strip(" "))  # the server drops blanks around a header value
    for s in cases:
        want = python_basic(s)
        r = client.get("/basic", headers={"Authorization": ("Basic " + s).rstrip(" ")})
        if want is None:
            assert_401(r, "Basic")
        else:
            accepted += 1
            assert_json(r, {"scheme": "Basic", "credentials": s, "username": want[0],
                            "password": want[1]})
    assert 20 < accepted < 380, accepted  # both outcomes were exercised


# ---- API keys ------------------------------------------------------------------------

def test_api_key_header(client):
    assert_json(client.get("/key/header", headers={"X-API-Key": "k1"}),
                {"scheme": "", "credentials": "k1"})
    assert_json(client.get("/key/header", headers={"x-api-key": "a b"}),
                {"scheme": "", "credentials": "a b"})
    assert_401(client.get("/key/header"), "APIKey")
    assert_401(client.get("/key/header", headers={"X-API-Key": ""}), "APIKey")
    assert_401(client.get("/key/header", headers={"X-API-Keys": "k"}), "APIKey")
    # Only the header: the same name in the query or a cookie does not count.
    assert_401(client.get("/key/header?X-API-Key=k", headers={"Cookie": "X-API-Key=k"}),
               "APIKey")


def test_api_key_query(client):
    assert_json(client.get("/key/query?api_key=k1"), {"scheme": "", "credentials": "k1"})
    assert_json(client.get("/key/query?api_key=a%20b+c%2B"),
                {"scheme": "", "credentials": "a b c+"})
    assert_json(client.get("/key/query?api_key=first&x=1&api_key=last"),
                {"scheme": "", "credentials": "last"})
    assert_json(client.get("/key/query?api%5Fkey=k"), {"scheme": "", "credentials": "k"})
    for q in ("", "?api_key=", "?api_key", "?apikey=k", "?api_key=k&api_key="):
        assert_401(client.get("/key/query" + q), "APIKey")
    assert_401(client.get("/key/query", headers={"api_key": "k"}), "APIKey")


@pytest.mark.parametrize("cookie,want", [
    ("session=abc", "abc"),
    ("a=1; session=xyz; b=2", "xyz"),
    ("session=1; session=2", "2"),
    ("x=1;  session = spaced  ;y=2", "spaced"),
    ("session=a=b", "a=b"),
    ('session="quoted"', "quoted"),
    ('session="q\\"x\\\\y"', 'q"x\\y'),
    ('session="\\101\\102C"', "ABC"),
    ('session="\\351t\\351"', "\u00e9t\u00e9"),
    ('session="half', '"half'),
    ("session=;session=k", "k"),
])
def test_api_key_cookie(client, cookie, want):
    # http.cookies._unquote is Starlette's unquoting: check the oracle agrees first.
    raw = cookie.rsplit("session", 1)[1].split("=", 1)[1].split(";")[0].strip()
    assert http.cookies._unquote(raw) == want
    assert_json(client.get("/key/cookie", headers={"Cookie": cookie}),
                {"scheme": "", "credentials": want})


@pytest.mark.parametrize("cookie", [None, "", "session=", "session=k; session=",
                                    "sessions=k", "other=session", "session"])
def test_api_key_cookie_missing(client, cookie):
    headers = {} if cookie is None else {"Cookie": cookie}
    assert_401(client.get("/key/cookie", headers=headers), "APIKey")


def test_api_key_optional(client):
    for path in ("/key/header/optional", "/key/query/optional", "/key/cookie/optional"):
        assert_json(client.get(path), {"credentials": None})
    assert_json(client.get("/key/header/optional", headers={"X-API-Key": "h"}),
                {"scheme": "", "credentials": "h"})
    assert_json(client.get("/key/query/optional?api_key=q"),
                {"scheme": "", "credentials": "q"})
    assert_json(client.get("/key/cookie/optional", headers={"Cookie": "session=c"}),
                {"scheme": "", "credentials": "c"})


# ---- OAuth2 password bearer ----------------------------------------------------------

def test_oauth2_bearer(client):
    assert_json(client.get("/oauth2", headers={"Authorization": "Bearer tok"}),
                {"scheme": "Bearer", "credentials": "tok"})
    # Unlike HTTPBearer, OAuth2PasswordBearer hands out an empty token.
    assert_json(client.get("/oauth2", headers={"Authorization": "bearer"}),
                {"scheme": "bearer", "credentials": ""})
    for headers in ({}, {"Authorization": ""}, {"Authorization": "Basic dTpw"},
                    {"Authorization": "Bearertok"}):
        assert_401(client.get("/oauth2", headers=headers), "Bearer")
        assert_json(client.get("/oauth2/optional", headers=headers), {"credentials": None})


# ---- the password flow end to end ----------------------------------------------------

def b64url_decode(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def python_token(header, claims, key=SECRET):
    """A token signed by Python's hmac, independently of brisk."""
    h = b64url(json.dumps(header).encode())
    p = b64url(json.dumps(claims).encode())
    sig = hmac.new(key, f"{h}.{p}".encode(), hashlib.sha256).digest()
    return f"{h}.{p}.{b64url(sig)}"


def login(client, **form):
    return client.post("/token", data=form)


def test_password_flow(client):
    before = int(time.time())
    r = login(client, username="alice", password="wonderland")
    assert r.status_code == 200, show(r)
    body = r.json()
    assert set(body) == {"access_token", "token_type"} and body["token_type"] == "bearer"
    token = body["access_token"]
    # The token checked with Python's hmac: header, claims, signature.
    h, p, s = token.split(".")
    assert "=" not in token
    assert json.loads(b64url_decode(h)) == {"alg": "HS256", "typ": "JWT"}
    claims = json.loads(b64url_decode(p))
    assert claims["sub"] == "alice" and claims["scope"] == ""
    assert before + 1800 <= claims["exp"] <= int(time.time()) + 1800
    assert hmac.compare_digest(
        b64url_decode(s), hmac.new(SECRET, f"{h}.{p}".encode(), hashlib.sha256).digest())
    assert_json(client.get("/users/me", headers={"Authorization": f"Bearer {token}"}),
                {"username": "alice", "scope": ""})


def test_password_flow_form_variants(client):
    # The form as Swagger UI's "Authorize" dialog sends it, scopes included.
    r = client.post("/token", content=b"grant_type=password&username=bob&password=builder"
                    b"&scope=items%3Aread+me&client_id=&client_secret=",
                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 200, show(r)
    me = client.get("/users/me",
                    headers={"Authorization": "Bearer " + r.json()["access_token"]})
    assert_json(me, {"username": "bob", "scope": "items:read me"})


def test_password_flow_refusals(client):
    r = login(client, username="alice", password="nope")
    assert r.status_code == 400, show(r)
    assert r.json() == {"detail": "Incorrect username or password"}
    assert_401(client.get("/users/me"), "Bearer")

    def me(token):
        return client.get("/users/me",
                          headers={"Authorization": f"Bearer {token}".rstrip(" ")})

    def refused(resp, why):
        assert_401(resp, "Bearer", "Could not validate credentials")
        assert resp.headers["x-jwt-result"] == why, show(resp)

    good = login(client, username="alice", password="wonderland").json()["access_token"]
    h, p, s = good.split(".")
    # Another subject with alice's signature.
    claims = json.loads(b64url_decode(p))
    claims["sub"] = "bob"
    refused(me(f"{h}.{b64url(json.dumps(claims).encode())}.{s}"), "bad_signature")
    # A flipped signature character (not the last, whose low bits are unused).
    flipped = s[:4] + ("A" if s[4] != "A" else "B") + s[5:]
    refused(me(f"{h}.{p}.{flipped}"), "bad_signature")
    # Signed with another key.
    refused(me(python_token({"alg": "HS256", "typ": "JWT"},
                            {"sub": "alice", "exp": time.time() + 60}, b"other")),
            "bad_signature")
    # "alg": "none", unsigned: the classic forgery.
    none_h = b64url(b'{"alg":"none","typ":"JWT"}')
    refused(me(f"{none_h}.{p}."), "bad_algorithm")
    refused(me(python_token({"alg": "HS512"}, {"sub": "alice"})), "bad_algorithm")
    # Expired, not yet valid, malformed.
    expired = login(client, username="alice", password="wonderland",
                    scope="expired").json()["access_token"]
    refused(me(expired), "expired")
    refused(me(python_token({"alg": "HS256"}, {"sub": "alice", "nbf": time.time() + 600})),
            "not_yet_valid")
    refused(me(python_token({"alg": "HS256"}, {"sub": "alice", "exp": "tomorrow"})),
            "malformed")
    for junk in ("", "abc", "a.b", "a.b.c", f"{h}.{p}", f"{h}.{p}.{s}.", f"{h}={p}.{s}"):
        refused(me(junk), "malformed")


def test_python_signed_token_is_accepted(client):
    # Interoperability: a token from another HS256 implementation (Python's hmac,
    # header members in another order, float exp).
    tok = python_token({"typ": "JWT", "alg": "HS256"},
                       {"scope": "x", "exp": time.time() + 60.5, "sub": "carol"})
    assert_json(client.get("/users/me", headers={"Authorization": f"Bearer {tok}"}),
                {"username": "carol", "scope": "x"})


# ---- form fields ---------------------------------------------------------------------

def missing(loc):
    return err("missing", loc, "Field required", None)


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def test_form_missing_fields(client):
    want = (missing(("body", "username")), missing(("body", "password")))
    assert_422(client.post("/token"), *want)
    assert_422(client.post("/token", content=b"", headers=FORM), *want)
    # Empty values are missing values for form fields.
    assert_422(client.post("/token", content=b"username=&password=", headers=FORM), *want)
    assert_422(client.post("/token", data={"password": "x"}), want[0])
    assert_422(client.post("/token", data={"username": "x", "password": ""}), want[1])


def test_form_wrong_content_type(client):
    # Starlette parses no form then: every field is missing.
    want = (missing(("body", "username")), missing(("body", "password")))
    assert_422(client.post("/token", json={"username": "alice", "password": "wonderland"}),
               *want)
    assert_422(client.post("/token", content=b"username=alice&password=wonderland",
                           headers={"Content-Type": "text/plain"}), *want)
    assert_422(client.post("/token", content=b"username=alice&password=wonderland",
                           headers={"Content-Type": "application/x-www-form-urlencodedx"}),
               *want)
    r = client.post("/token", content=b"username=alice&password=wonderland",
                    headers={"Content-Type": "Application/X-WWW-Form-URLEncoded ; charset=utf-8"})
    assert r.status_code == 200, show(r)


def test_form_pattern_error(client):
    assert_422(client.post("/token", data={"grant_type": "foo", "username": "a"}),
               err("string_pattern_mismatch", ("body", "grant_type"),
                   "String should match pattern '^password$'", "foo",
                   {"pattern": "^password$"}),
               missing(("body", "password")))


def test_form_parsing(client):
    def echo(body):
        r = client.post("/form/password", content=body, headers=FORM)
        assert r.status_code == 200, show(r)
        return r.json()

    base = {"grant_type": None, "scope": "", "client_id": None, "client_secret": None}
    assert echo(b"username=a+b%2Bc&password=%C3%A9t%C3%A9") == {
        **base, "username": "a b+c", "password": "\u00e9t\u00e9"}
    # A scalar takes the last value; an empty last value is no value.
    assert echo(b"username=x&username=alice&password=p") == {
        **base, "username": "alice", "password": "p"}
    assert echo(b"username=alice&password=p&scope=a&scope=") == {
        **base, "username": "alice", "password": "p"}
    # python-multipart's separators: '&', or ';' when no '&' follows; empty fields skip.
    assert echo(b"username=alice;password=p") == {**base, "username": "alice",
                                                  "password": "p"}
    assert echo(b"&&username=alice&;password=p&") == {**base, "username": "alice",
                                                      "password": "p"}
    assert echo(b"password=p;x&username=alice") == {**base, "username": "alice",
                                                    "password": "p;x"}
    assert echo(b"us%65rname=alice&password=a=b&client_id") == {
        **base, "username": "alice", "password": "a=b"}
    assert echo(b"grant_type=password&username=u&password=p&client_id=c&client_secret=s") \
        == {"grant_type": "password", "username": "u", "password": "p", "scope": "",
            "client_id": "c", "client_secret": "s"}


def test_typed_form_errors_follow_fastapi_order(client):
    # Path, query, then the body's fields in declaration order.
    r = client.post("/form/typed/0?q=x", data={"count": "x", "flag": "maybe",
                                               "name": "toolong"})
    assert_422(r,
               err("greater_than_equal", ("path", "id"),
                   "Input should be greater than or equal to 1", "0", {"ge": 1}),
               err("int_parsing", ("query", "q"),
                   "Input should be a valid integer, unable to parse string as an integer",
                   "x"),
               err("int_parsing", ("body", "count"),
                   "Input should be a valid integer, unable to parse string as an integer",
                   "x"),
               err("bool_parsing", ("body", "flag"),
                   "Input should be a valid boolean, unable to interpret input", "maybe"),
               err("string_too_long", ("body", "name"),
                   "String should have at most 5 characters", "toolong",
                   {"max_length": 5}))
    assert_422(client.post("/form/typed/1?q=1", data={"count": "0"}),
               err("greater_than_equal", ("body", "count"),
                   "Input should be greater than or equal to 1", "0", {"ge": 1}))
    assert_422(client.post("/form/typed/1", data={"flag": "true"}),
               err("missing", ("query", "q"), "Field required", None),
               missing(("body", "count")))


def test_typed_form_values(client):
    r = client.post("/form/typed/7?q=-3", data={"count": "12", "flag": "yes", "name": "bo"})
    assert_json(r, {"q": -3, "count": 12, "flag": True, "name": "bo", "name_present": True,
                    "body": "count=12&flag=yes&name=bo"})
    # An empty optional field takes its default.
    r = client.post("/form/typed/7?q=0", content=b"count=1&name=&flag=", headers=FORM)
    assert_json(r, {"q": 0, "count": 1, "flag": False, "name": "anon",
                    "name_present": False, "body": "count=1&name=&flag="})
