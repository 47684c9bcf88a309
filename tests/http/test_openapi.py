"""The OpenAPI document at /openapi.json: exactly what FastAPI (current, with Pydantic v2)
writes for the same declarations, served with a strong ETag, and valid for three
independent validators (npm's @apidevtools/swagger-parser, @seriousme/openapi-schema-
validator and Spectral's spectral:oas ruleset), for tests/http/apps/apiapp and for
examples/todo.

FastAPI is not installed here: the expected JSON below was derived from FastAPI's source
(fastapi/openapi/utils.py get_openapi / get_openapi_path, fastapi/openapi/models.py,
fastapi/security/*.py, fastapi/_compat get_schema_from_model_field's parameter titles)
and the shapes its own test suite asserts, declaration by declaration.

The validators are pinned by tests/openapi/package-lock.json and installed with `npm ci`
into the build directory on first use (this needs the npm registry once).
"""
import json
import os
import shutil
import subprocess

import httpx
import pytest

from conftest import BUILD, REPO, Server, stop_all

APIAPP = BUILD / "apps" / "apiapp"
TODO_APP = BUILD / "examples" / "todo"
VALIDATORS_SRC = REPO / "tests" / "openapi"
VALIDATORS = BUILD / "openapi-validators"

REF = "#/components/schemas/"
VALIDATION_422 = {
    "description": "Validation Error",
    "content": {"application/json": {"schema": {"$ref": REF + "HTTPValidationError"}}},
}
TEAPOT = {"description": "I'm a teapot"}  # the items router's own extra response


def json_ok(schema_ref=None):
    return {"application/json": {"schema": {"$ref": REF + schema_ref} if schema_ref else {}}}


def no_duplicate_keys(pairs):
    keys = [k for k, _ in pairs]
    dups = {k for k in keys if keys.count(k) > 1}
    assert not dups, f"duplicate keys in the document: {sorted(dups)}"
    return dict(pairs)


# ---- fixtures ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def api_server():
    s = Server(exe=APIAPP, probe=("/openapi.json", (200,)))
    yield s
    stop_all([s], "apiapp")


@pytest.fixture(scope="module")
def doc_text(api_server):
    r = httpx.get(api_server.url + "/openapi.json", timeout=10)
    assert r.status_code == 200, r.text
    return r.text


@pytest.fixture(scope="module")
def doc(doc_text):
    return json.loads(doc_text, object_pairs_hook=no_duplicate_keys)


@pytest.fixture(scope="module")
def todo_doc_text(tmp_path_factory):
    db = tmp_path_factory.mktemp("todo") / "todo.db"
    s = Server(exe=TODO_APP, env={"TODO_DB": str(db)}, clear_env=("TODO_DB",),
               probe=("/openapi.json", (200,)))
    try:
        r = httpx.get(s.url + "/openapi.json", timeout=10)
        assert r.status_code == 200, r.text
        return r.text
    finally:
        stop_all([s], "todo")


@pytest.fixture(scope="session")
def validators():
    """The pinned validators, installed into the build directory once per lock file."""
    if not shutil.which("npm") or not shutil.which("node"):
        pytest.fail("node and npm are needed for the OpenAPI validators "
                    "(Debian: apt-get install nodejs npm; scripts/deps.sh test installs them)")
    r = subprocess.run(["sh", str(REPO / "src" / "api" / "assets" / "npm-ci.sh"),
                        str(VALIDATORS_SRC), str(VALIDATORS)],
                       capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        pytest.fail(f"installing the OpenAPI validators with npm ci failed "
                    f"(is the npm registry reachable?):\n{r.stdout}\n{r.stderr}")
    for name in ("validate.mjs", "spectral.yaml"):
        shutil.copy(VALIDATORS_SRC / name, VALIDATORS / name)
    return VALIDATORS


def validate(validators, text, tmp_path):
    """(swagger-parser errors, schema-validator errors, spectral findings)."""
    path = tmp_path / "openapi.json"
    path.write_text(text)
    r = subprocess.run(["node", str(validators / "validate.mjs"), str(path)],
                       capture_output=True, text=True, timeout=120, cwd=validators)
    assert r.returncode == 0, f"validate.mjs failed:\n{r.stdout}\n{r.stderr}"
    out = json.loads(r.stdout)
    assert out["version"] == "3.1", out
    spectral = validators / "node_modules" / ".bin" / "spectral"
    s = subprocess.run([str(spectral), "lint", "--ruleset", str(validators / "spectral.yaml"),
                        "--format", "json", "--quiet", str(path)],
                       capture_output=True, text=True, timeout=180, cwd=validators)
    assert s.stdout.strip(), f"spectral printed nothing:\n{s.stderr}"
    findings = [(f["severity"], f["code"], ".".join(map(str, f["path"])), f["message"])
                for f in json.loads(s.stdout)]
    return out["swagger_parser"], out["schema_validator"], findings


# ---- the document, member by member ------------------------------------------------

def test_head_info_servers_tags(doc):
    assert doc["openapi"] == "3.1.0"
    assert list(doc)[:3] == ["openapi", "info", "servers"]
    assert doc["info"] == {
        "title": "Shop API",
        "summary": "Things for sale",
        "description": "Sells **things**.\n\nAnd documents them.",
        "termsOfService": "https://shop.example/terms",
        "contact": {"name": "Shop team", "url": "https://shop.example/contact",
                    "email": "team@shop.example"},
        "license": {"name": "Apache 2.0", "identifier": "Apache-2.0"},
        "version": "2.5.0",
    }
    assert doc["servers"] == [{"url": "https://api.shop.example", "description": "Production"},
                              {"url": "http://127.0.0.1:8000"}]
    assert doc["tags"] == [
        {"name": "items", "description": "Operations on items",
         "externalDocs": {"url": "https://shop.example/docs/items"}},
        {"name": "users", "description": "Who is logged in"},
        {"name": "health", "description": "Is it up?"},
        {"name": "admin"},
    ]


def test_paths_in_registration_order_hidden_left_out(doc):
    got = [(p, list(ops)) for p, ops in doc["paths"].items()]
    assert got == [
        ("/ping", ["get"]),
        ("/token", ["post"]),
        ("/users/me", ["get"]),
        ("/items", ["get", "post"]),
        ("/items/{item_id}", ["get", "put", "delete"]),
        ("/v1/admin/stats", ["get"]),
        ("/v1/admin/secret", ["get"]),
        # {file_path:path} is documented as Starlette's path_format has it
        ("/v1/admin/files/{file_path}", ["get"]),
    ]


def test_operation_without_parameters(doc):
    # No parameters, no body: no 422; no response model: the empty schema; no description.
    assert doc["paths"]["/ping"]["get"] == {
        "tags": ["health"],
        "summary": "Ping",
        "operationId": "ping_ping_get",
        "responses": {"200": {"description": "Successful Response", "content": json_ok()}},
    }


def test_operation_with_every_parameter_location(doc):
    assert doc["paths"]["/items/{item_id}"]["get"] == {
        "tags": ["items"],
        "summary": "Read Item",
        "description": "One item.",
        "operationId": "read_item_items__item_id__get",
        "parameters": [
            {"name": "item_id", "in": "path", "required": True,
             "schema": {"type": "integer", "minimum": 1, "title": "Item Id",
                        "description": "The item's id"},
             "description": "The item's id", "example": 42},
            {"name": "q", "in": "query", "required": False,
             "schema": {"type": "string", "maxLength": 50, "minLength": 3,
                        "pattern": "^[a-z ]+$", "title": "Q"}},
            {"name": "short", "in": "query", "required": False,
             "schema": {"type": "boolean", "default": False, "title": "Short"}},
            # an alias is the name and, title-cased, the title
            {"name": "item-size", "in": "query", "required": False,
             "schema": {"type": "string", "enum": ["s", "m", "l"], "default": "s",
                        "title": "Item-Size"}},
            # headers: '_' shown as '-', case kept (FastAPI's convert_underscores)
            {"name": "user-agent", "in": "header", "required": False,
             "schema": {"type": "string", "title": "User-Agent"}},
            {"name": "X-Rate", "in": "header", "required": False,
             "schema": {"type": "integer", "exclusiveMaximum": 1000, "default": 0,
                        "title": "X-Rate"}},
            {"name": "ads_id", "in": "cookie", "required": False,
             "schema": {"type": "string", "title": "Ads tracking id"}},
        ],
        # the router's responses first, then the route's own, then FastAPI's 422
        "responses": {
            "200": {"description": "Successful Response", "content": json_ok("Item")},
            "418": TEAPOT,
            "404": {"description": "Item not found", "content": json_ok("Message")},
            "403": {"description": "Forbidden"},
            "422": VALIDATION_422,
        },
        "security": [{"APIKeyHeader": []}],
    }


def test_dependency_parameters_follow_the_routes_own(doc):
    op = doc["paths"]["/items"]["get"]
    assert op["operationId"] == "list_items_items_get"
    assert op["parameters"] == [
        {"name": "tag", "in": "query", "required": False,
         "schema": {"type": "array", "items": {"type": "string"}, "default": [],
                    "title": "Tag", "description": "Every tag given"},
         "description": "Every tag given"},
        {"name": "skip", "in": "query", "required": False,
         "schema": {"type": "integer", "minimum": 0, "default": 0, "title": "Skip"}},
        {"name": "limit", "in": "query", "required": False,
         "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 10,
                    "title": "Limit"}},
    ]
    assert op["responses"] == {
        "200": {"description": "Successful Response", "content": json_ok()},
        "418": TEAPOT,
        "422": VALIDATION_422,
    }


def test_body_status_and_nested_security_scopes(doc):
    assert doc["paths"]["/items"]["post"] == {
        "tags": ["items"],
        "summary": "Create an item",
        "description": "Adds an item.",
        "operationId": "create_item_items_post",
        # current_user's header, reached through item_editor
        "parameters": [
            {"name": "x-client", "in": "header", "required": False,
             "schema": {"type": "string", "title": "X-Client",
                        "description": "The calling app"},
             "description": "The calling app"},
        ],
        "requestBody": {"content": {"application/json": {"schema": {"$ref": REF + "Item"}}},
                        "required": True},
        "responses": {
            "201": {"description": "The item as stored", "content": json_ok("Item")},
            "418": TEAPOT,
            "422": VALIDATION_422,
        },
        # depth first, each dependency's requirement before its sub-dependencies';
        # OAuth2 carries the scopes gathered on the way down, one entry per scope set
        "security": [{"APIKeyHeader": []},
                     {"OAuth2PasswordBearer": ["items", "me"]},
                     {"OAuth2PasswordBearer": ["items"]}],
    }


def test_optional_body_and_deprecated(doc):
    op = doc["paths"]["/items/{item_id}"]["put"]
    assert op["requestBody"] == {
        "content": {"application/json": {"schema": {"$ref": REF + "Item"}}}}
    assert op["deprecated"] is True
    assert op["parameters"] == [{"name": "item_id", "in": "path", "required": True,
                                 "schema": {"type": "integer", "title": "Item Id"}}]
    for path, ops in doc["paths"].items():
        for method, o in ops.items():
            if (path, method) not in (("/items/{item_id}", "put"), ("/v1/admin/secret", "get")):
                assert "deprecated" not in o, (path, method)


def test_204_operation_id_and_a_declared_422(doc):
    assert doc["paths"]["/items/{item_id}"]["delete"] == {
        "tags": ["items"],
        "summary": "Delete Item",
        "description": "Removes an item.",
        "operationId": "remove_item",
        "parameters": [{"name": "item_id", "in": "path", "required": True,
                        "schema": {"type": "integer", "title": "Item Id"}}],
        "responses": {
            "204": {"description": "Successful Response"},  # no content for a 204
            "418": TEAPOT,
            # declared: FastAPI adds no Validation Error over it
            "422": {"description": "Cannot delete", "content": json_ok("Message")},
        },
        "security": [{"APIKeyHeader": []}],
    }


def test_form_route_and_its_body_model(doc):
    assert doc["paths"]["/token"]["post"] == {
        "tags": ["users"],
        "summary": "Login",
        "description": "Logs in: a token for a password.",
        "operationId": "login_token_post",
        "requestBody": {
            "content": {"application/x-www-form-urlencoded": {
                "schema": {"$ref": REF + "Body_login_token_post"}}},
            "required": True,
        },
        "responses": {"200": {"description": "Successful Response", "content": json_ok("Token")},
                      "422": VALIDATION_422},
    }
    assert doc["components"]["schemas"]["Body_login_token_post"] == {
        "properties": {
            "grant_type": {"type": "string", "pattern": "^password$", "title": "Grant Type"},
            "username": {"type": "string", "title": "Username"},
            "password": {"type": "string", "title": "Password"},
            "scope": {"type": "string", "default": "", "title": "Scope"},
            "client_id": {"type": "string", "title": "Client Id"},
            "client_secret": {"type": "string", "title": "Client Secret"},
        },
        "type": "object",
        "required": ["username", "password"],
        "title": "Body_login_token_post",
    }


def test_security_of_each_scheme(doc):
    ops = doc["paths"]
    assert ops["/users/me"]["get"]["security"] == [{"OAuth2PasswordBearer": ["me"]}]
    assert ops["/v1/admin/stats"]["get"]["security"] == [{"HTTPBearer": []}]
    assert ops["/v1/admin/secret"]["get"]["security"] == [{"AdminBasic": []},
                                                          {"APIKeyQuery": []}]
    assert ops["/v1/admin/files/{file_path}"]["get"]["security"] == [{"APIKeyCookie": []}]
    assert "security" not in ops["/ping"]["get"]
    assert "security" not in ops["/token"]["post"]
    assert doc["components"]["securitySchemes"] == {
        "OAuth2PasswordBearer": {
            "type": "oauth2",
            "flows": {"password": {"scopes": {"me": "Read your own profile",
                                              "items": "Change items"},
                                   "tokenUrl": "/token"}},
        },
        "APIKeyHeader": {"type": "apiKey", "description": "The shop's key", "in": "header",
                         "name": "X-API-Key"},
        "HTTPBearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
        "AdminBasic": {"type": "http", "description": "Admin password", "scheme": "basic"},
        "APIKeyQuery": {"type": "apiKey", "in": "query", "name": "api_key"},
        "APIKeyCookie": {"type": "apiKey", "in": "cookie", "name": "session"},
    }


def test_component_schemas_sorted_and_exact(doc):
    schemas = doc["components"]["schemas"]
    assert list(schemas) == ["Body_login_token_post", "HTTPValidationError", "Image", "Item",
                             "Message", "Owner", "Token", "User", "ValidationError"]
    assert schemas["ValidationError"] == {
        "title": "ValidationError",
        "type": "object",
        "properties": {
            "loc": {"title": "Location", "type": "array",
                    "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
            "msg": {"title": "Message", "type": "string"},
            "type": {"title": "Error Type", "type": "string"},
            "input": {"title": "Input"},
            "ctx": {"title": "Context", "type": "object"},
        },
        "required": ["loc", "msg", "type"],
    }
    assert schemas["HTTPValidationError"] == {
        "title": "HTTPValidationError",
        "type": "object",
        "properties": {"detail": {"title": "Detail", "type": "array",
                                  "items": {"$ref": REF + "ValidationError"}}},
    }
    assert schemas["Item"] == {
        "type": "object",
        "title": "Item",
        "description": "An item for sale",
        "properties": {
            "name": {"type": "string", "maxLength": 100, "title": "Name", "examples": ["Hammer"]},
            "description": {"anyOf": [{"type": "string"}, {"type": "null"}],
                            "title": "Description", "description": "What the item is",
                            "default": None},
            "price": {"type": "number", "exclusiveMinimum": 0, "title": "Price"},
            "tax": {"anyOf": [{"type": "number", "minimum": 0, "maximum": 1}, {"type": "null"}],
                    "title": "Tax", "default": None},
            "color": {"type": "string", "enum": ["red", "green", "blue"], "title": "Color",
                      "default": "red"},
            "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 5,
                     "title": "Tags", "default": []},
            "images": {"type": "array", "items": {"$ref": REF + "Image"}, "title": "Images",
                       "default": []},
            "owner": {"anyOf": [{"$ref": REF + "Owner"}, {"type": "null"}], "default": None},
        },
        "required": ["name", "price"],
    }
    # nested models, reached only through Item, are components too
    assert schemas["Owner"] == {
        "type": "object", "title": "Owner", "description": "Who sells the item",
        "properties": {"id": {"type": "integer", "exclusiveMinimum": 0, "title": "Id"},
                       "name": {"type": "string", "maxLength": 50, "title": "Name"}},
        "required": ["id", "name"],
    }
    assert schemas["Image"] == {
        "type": "object", "title": "Image",
        "properties": {"url": {"type": "string", "maxLength": 2083, "minLength": 1,
                               "title": "Url"},
                       "name": {"type": "string", "title": "Name"}},
        "required": ["url", "name"],
    }


def test_every_reference_resolves(doc):
    refs = set()

    def walk(v):
        if isinstance(v, dict):
            if "$ref" in v:
                refs.add(v["$ref"])
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)

    walk(doc)
    names = {REF + n for n in doc["components"]["schemas"]}
    assert refs <= names, refs - names
    assert names - refs == set(), "components nobody refers to"


# ---- serving ----------------------------------------------------------------------

def test_served_with_strong_etag_and_304(api_server, doc_text):
    url = api_server.url + "/openapi.json"
    with httpx.Client(timeout=10) as c:
        r = c.get(url)
        assert r.status_code == 200
        assert r.headers["content-type"] == "application/json"
        assert r.headers["cache-control"] == "no-cache"
        etag = r.headers["etag"]
        assert etag.startswith('"') and etag.endswith('"') and len(etag) > 2, etag
        assert r.text == doc_text  # built once: the same bytes every time
        assert c.get(url).headers["etag"] == etag

        for inm in (etag, f"W/{etag}", f'"nope", {etag}', "*"):
            r = c.get(url, headers={"If-None-Match": inm})
            assert r.status_code == 304, inm
            assert r.content == b""
            assert r.headers["etag"] == etag
            assert r.headers["cache-control"] == "no-cache"
        for inm in ('"nope"', etag[:-2] + '"', "W/" + etag[:-2] + '"'):
            r = c.get(url, headers={"If-None-Match": inm})
            assert r.status_code == 200, inm
            assert r.text == doc_text

        r = c.head(url)
        assert r.status_code == 200 and r.content == b""
        assert r.headers["etag"] == etag


def test_openapi_route_runs_no_app_dependency_and_is_not_documented(api_server, doc):
    with httpx.Client(timeout=10) as c:
        assert c.get(api_server.url + "/ping", headers={"X-Block": "1"}).status_code == 403
        r = c.get(api_server.url + "/openapi.json", headers={"X-Block": "1"})
        assert r.status_code == 200 and r.json() == doc
    assert "/openapi.json" not in doc["paths"]
    assert "/hidden" not in doc["paths"]
    assert not any("internal" in p for p in doc["paths"])


def test_root_path_is_listed_first_in_servers(doc):
    s = Server(["--root-path", "/shop/"], exe=APIAPP, probe=("/openapi.json", (200,)))
    try:
        r = httpx.get(s.url + "/openapi.json", timeout=10)
        assert r.status_code == 200
        rooted = r.json()
        assert rooted["servers"] == [{"url": "/shop"}] + doc["servers"]
        assert {k: v for k, v in rooted.items() if k != "servers"} == \
               {k: v for k, v in doc.items() if k != "servers"}
        again = httpx.get(s.url + "/openapi.json", timeout=10)
        assert again.json()["servers"] == rooted["servers"]  # inserted once only
        assert again.headers["etag"] == r.headers["etag"]
        assert httpx.get(s.url + "/openapi.json", timeout=10,
                         headers={"If-None-Match": r.headers["etag"]}).status_code == 304
    finally:
        stop_all([s], "apiapp --root-path")


def test_openapi_url_empty_turns_it_off():
    s = Server(exe=APIAPP, env={"APIAPP_NO_OPENAPI": "1"}, clear_env=("APIAPP_NO_OPENAPI",),
               probe=("/ping", (200,)))
    try:
        with httpx.Client(timeout=10) as c:
            assert c.get(s.url + "/openapi.json").status_code == 404
            assert c.get(s.url + "/docs").status_code == 404  # the pages go with it
            assert c.get(s.url + "/ping").text == "pong"
    finally:
        stop_all([s], "apiapp without openapi")


# ---- three validators -------------------------------------------------------------

# Spectral's spectral:oas warnings about what an app chose to declare, not about how the
# document is written: a route without a description or tags, an app without servers or
# contact, a tag not in openapi_tags.
CONTENT_RULES = {"operation-description", "operation-tags", "oas3-api-servers",
                 "info-contact", "info-description", "operation-tag-defined"}


@pytest.mark.time_limit(300)
def test_validators_catch_a_broken_document(validators, tmp_path):
    # The control: each validator must report this document's missing version and
    # response description, or a pass below would prove nothing.
    bad = {"openapi": "3.1.0", "info": {"title": "x"},
           "paths": {"/a": {"get": {"responses": {"200": {}}}}}}
    sp, sv, findings = validate(validators, json.dumps(bad), tmp_path)
    assert sp and sv
    assert any(f[0] == 0 for f in findings), findings


@pytest.mark.time_limit(300)
def test_apiapp_document_is_valid(validators, doc_text, tmp_path):
    sp, sv, findings = validate(validators, doc_text, tmp_path)
    assert sp == [], sp
    assert sv == [], sv
    # Not even a warning, but the one operation left without a description on purpose.
    assert [(f[1], f[2]) for f in findings] == [("operation-description", "paths./ping.get")], \
        findings


@pytest.mark.time_limit(300)
def test_todo_document_is_valid(validators, todo_doc_text, tmp_path):
    sp, sv, findings = validate(validators, todo_doc_text, tmp_path)
    assert sp == [], sp
    assert sv == [], sv
    errors = [f for f in findings if f[0] == 0]
    assert errors == [], errors
    assert {f[1] for f in findings} <= CONTENT_RULES, findings
