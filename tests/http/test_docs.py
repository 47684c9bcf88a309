"""The documentation pages (/docs, /redoc, the OAuth2 redirect) and the files they load,
which brisk embeds and serves itself: contents byte for byte as npm ships them, gzip when
the client takes it, ETags and 304, pages turned off or moved, and the root path.

The server is tests/http/apps/docsapp (its pages' URLs come from DOCSAPP_* variables).
The npm files to compare with are the ones the build installed into
$BRISK_BUILD/docs-assets/node_modules.
"""
import gzip
import http.client
import re

import httpx
import pytest

from conftest import BUILD, Server, stop_all

DOCSAPP = BUILD / "apps" / "docsapp"
NPM = BUILD / "docs-assets" / "node_modules"

JS = "text/javascript; charset=utf-8"
ASSETS = [  # (URL, npm file, content type)
    ("/docs/swagger-ui-bundle.js", "swagger-ui-dist/swagger-ui-bundle.js", JS),
    ("/docs/swagger-ui.css", "swagger-ui-dist/swagger-ui.css", "text/css; charset=utf-8"),
    ("/docs/oauth2-redirect.js", "swagger-ui-dist/oauth2-redirect.js", JS),
    ("/docs/favicon.png", "swagger-ui-dist/favicon-32x32.png", "image/png"),
    ("/redoc/redoc.standalone.js", "redoc/bundles/redoc.standalone.js", JS),
    ("/redoc/favicon.png", "swagger-ui-dist/favicon-32x32.png", "image/png"),
]


@pytest.fixture
def start():
    """start(env={...}, args=[...]) → a running docsapp; all are stopped afterwards."""
    servers = []

    def run(env=None, args=()):
        s = Server(list(args), env=env or {}, exe=DOCSAPP)
        servers.append(s)
        return s

    yield run
    stop_all(servers, name="docsapp")


@pytest.fixture
def app(start):
    return start()


def raw_get(server, path, headers=None, method="GET"):
    """(status, headers as a lower-case dict, body): the bytes as sent, never decoded."""
    conn = http.client.HTTPConnection(server.host, server.port, timeout=10)
    try:
        conn.request(method, path, headers=headers or {})
        r = conn.getresponse()
        body = r.read()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, body
    finally:
        conn.close()


def page(server, path):
    r = httpx.get(server.url + path, timeout=10)
    assert r.status_code == 200, f"{path}: {r.status_code} {r.text[:200]}"
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert r.headers["cache-control"] == "no-cache"
    return r.text


def refs(html):
    """Every URL the page loads or links to (src=, href=, url:, spec-url=)."""
    found = re.findall(r'(?:src|href|spec-url)="([^"]*)"', html)
    found += re.findall(r'\burl: "([^"]*)"', html)
    return found


def assert_offline(html):
    """Nothing in the page points outside the server: no scheme, no protocol-relative URL."""
    assert "://" not in html, html
    for u in refs(html):
        assert u.startswith("/") and not u.startswith("//"), u


def npm_file(rel):
    path = NPM / rel
    assert path.exists(), f"{path} missing: the build should have installed it (npm ci)"
    return path.read_bytes()


# ---- the pages -----------------------------------------------------------------------

def test_swagger_ui_page(app):
    html = page(app, "/docs")
    assert "<title>Docs App - Swagger UI</title>" in html
    assert_offline(html)
    links = refs(html)
    assert "/openapi.json" in links
    for name in ("swagger-ui-bundle.js", "swagger-ui.css", "favicon.png"):
        assert any(re.fullmatch(rf"/docs/{re.escape(name)}\?v=[0-9a-f]{{12}}", u) for u in links), \
            (name, links)
    # FastAPI's swagger_ui_default_parameters, its oauth2RedirectUrl and presets.
    for param in ('"dom_id": "#swagger-ui"', '"layout": "BaseLayout"', '"deepLinking": true',
                  '"showExtensions": true', '"showCommonExtensions": true',
                  'oauth2RedirectUrl: window.location.origin + "/docs/oauth2-redirect"',
                  "SwaggerUIBundle.presets.apis"):
        assert param in html, param
    assert '<div id="swagger-ui">' in html


def test_redoc_page_loads_no_web_fonts(app):
    html = page(app, "/redoc")
    assert "<title>Docs App - ReDoc</title>" in html
    assert '<redoc spec-url="/openapi.json"></redoc>' in html
    assert re.search(r'<script src="/redoc/redoc\.standalone\.js\?v=[0-9a-f]{12}"></script>', html)
    assert "fonts.googleapis" not in html
    assert_offline(html)
    # ReDoc's bundle shows Redocly's logo from its CDN: the page forbids outside images.
    r = httpx.get(app.url + "/redoc", timeout=10)
    assert r.headers["content-security-policy"] == "img-src 'self' data: blob:"


def test_oauth2_redirect_page(app):
    html = page(app, "/docs/oauth2-redirect")
    assert "<title>Swagger UI: OAuth2 Redirect</title>" in html
    assert re.search(r'<script src="/docs/oauth2-redirect\.js\?v=[0-9a-f]{12}"></script>', html)
    assert_offline(html)


def test_pages_reference_only_assets_that_exist(app):
    for path in ("/docs", "/redoc", "/docs/oauth2-redirect"):
        for u in refs(page(app, path)):
            if u == "/openapi.json":
                continue
            status, _, _ = raw_get(app, u)
            assert status == 200, (path, u)


def test_version_in_asset_urls_follows_content(app):
    """?v= is a hash of the file: different files give different values, and the value is
    the start of the file's ETag."""
    html = page(app, "/docs")
    versions = dict(re.findall(r'/docs/([\w.-]+)\?v=([0-9a-f]{12})', html))
    assert len(set(versions.values())) == len(versions) == 3, versions
    for name, v in versions.items():
        _, h, _ = raw_get(app, f"/docs/{name}")
        assert h["etag"].startswith(f'"{v}'), (name, h["etag"])


def test_title_is_escaped(start):
    s = start(env={"DOCSAPP_TITLE": '<Shop> & "Co"'})
    html = page(s, "/docs")
    assert "<title>&lt;Shop&gt; &amp; &quot;Co&quot; - Swagger UI</title>" in html
    assert "<Shop>" not in html
    html = page(s, "/redoc")
    assert "<title>&lt;Shop&gt; &amp; &quot;Co&quot; - ReDoc</title>" in html


def test_head_of_a_page(app):
    status, h, body = raw_get(app, "/docs", method="HEAD")
    assert status == 200 and body == b""
    assert int(h["content-length"]) == len(page(app, "/docs").encode())


# ---- the files -----------------------------------------------------------------------

@pytest.mark.parametrize("url,rel,ctype", ASSETS)
def test_asset_gzip_matches_npm_file(app, url, rel, ctype):
    want = npm_file(rel)
    status, h, body = raw_get(app, url, {"Accept-Encoding": "gzip, deflate, br"})
    assert status == 200
    assert h["content-type"] == ctype
    assert h["content-encoding"] == "gzip"
    assert h["vary"] == "Accept-Encoding"
    assert re.fullmatch(r"public, max-age=\d+", h["cache-control"]), h["cache-control"]
    assert int(h["content-length"]) == len(body)
    assert gzip.decompress(body) == want
    assert re.fullmatch(r'"[0-9a-f]{32}-gzip"', h["etag"]), h["etag"]


@pytest.mark.parametrize("url,rel,ctype", ASSETS)
def test_asset_identity_matches_npm_file(app, url, rel, ctype):
    want = npm_file(rel)
    for headers in ({}, {"Accept-Encoding": "identity"}):
        status, h, body = raw_get(app, url, headers)
        assert status == 200
        assert "content-encoding" not in h, headers
        assert h["content-type"] == ctype
        assert h["vary"] == "Accept-Encoding"
        assert body == want
        assert re.fullmatch(r'"[0-9a-f]{32}"', h["etag"]), h["etag"]


@pytest.mark.parametrize("accept,gzipped", [
    ("gzip", True),
    ("GZIP", True),
    ("x-gzip", True),
    ("br;q=1.0, gzip;q=0.5", True),
    ("*", True),
    (" deflate , gzip ; q=0.001", True),
    ("gzip;q=0", False),
    ("gzip; q=0.000", False),
    ("gzip;q=0, *", False),
    ("*;q=0", False),
    ("br, deflate", False),
    ("identity", False),
    ("gzipx", False),
    ("", False),
])
def test_accept_encoding(app, accept, gzipped):
    status, h, body = raw_get(app, "/docs/swagger-ui.css", {"Accept-Encoding": accept})
    assert status == 200
    assert (h.get("content-encoding") == "gzip") == gzipped, (accept, h)
    data = gzip.decompress(body) if gzipped else body
    assert data == npm_file("swagger-ui-dist/swagger-ui.css")


def test_head_of_an_asset(app):
    _, h_get, body = raw_get(app, "/redoc/redoc.standalone.js", {"Accept-Encoding": "gzip"})
    status, h, head_body = raw_get(app, "/redoc/redoc.standalone.js",
                                   {"Accept-Encoding": "gzip"}, method="HEAD")
    assert status == 200 and head_body == b""
    assert h["content-length"] == str(len(body))
    assert h["etag"] == h_get["etag"] and h["content-encoding"] == "gzip"


@pytest.mark.parametrize("accept", ["gzip", "identity"])
def test_etag_and_304(app, accept):
    url = "/docs/swagger-ui-bundle.js"
    _, h, _ = raw_get(app, url, {"Accept-Encoding": accept})
    etag = h["etag"]
    for inm in (etag, f"W/{etag}", f'"nope", {etag}', f'"a",W/{etag} , "b"', "*"):
        status, h304, body = raw_get(app, url, {"Accept-Encoding": accept, "If-None-Match": inm})
        assert status == 304, inm
        assert body == b""
        assert h304["etag"] == etag
        assert h304["vary"] == "Accept-Encoding"
        assert h304["cache-control"] == h["cache-control"]
        assert "content-encoding" not in h304
    for inm in ('"nope"', etag[:-2] + '"', "", "W/", etag.strip('"')):
        status, _, body = raw_get(app, url, {"Accept-Encoding": accept, "If-None-Match": inm})
        assert status == 200 and body, inm


def test_etags_differ_per_encoding_and_file(app):
    _, hg, _ = raw_get(app, "/docs/swagger-ui.css", {"Accept-Encoding": "gzip"})
    _, hi, _ = raw_get(app, "/docs/swagger-ui.css", {"Accept-Encoding": "identity"})
    assert hg["etag"] != hi["etag"]
    # The gzip form's tag does not validate the plain one, nor the reverse.
    status, _, _ = raw_get(app, "/docs/swagger-ui.css",
                           {"Accept-Encoding": "identity", "If-None-Match": hg["etag"]})
    assert status == 200
    _, hj, _ = raw_get(app, "/docs/swagger-ui-bundle.js", {"Accept-Encoding": "identity"})
    assert hj["etag"] != hi["etag"]
    # The same file under both pages has the same tag.
    _, h1, _ = raw_get(app, "/docs/favicon.png")
    _, h2, _ = raw_get(app, "/redoc/favicon.png")
    assert h1["etag"] == h2["etag"]


def test_browser_revalidation_through_httpx(app):
    """What a browser does: fetch (gzip), then revalidate with the tag it got."""
    with httpx.Client(base_url=app.url, timeout=10) as client:
        r = client.get("/redoc/redoc.standalone.js")
        assert r.status_code == 200 and r.headers["content-encoding"] == "gzip"
        assert r.content == npm_file("redoc/bundles/redoc.standalone.js")
        r2 = client.get("/redoc/redoc.standalone.js",
                        headers={"If-None-Match": r.headers["etag"]})
        assert r2.status_code == 304 and r2.content == b""


# ---- pages off, moved, under a root path ------------------------------------------------

def status_of(server, path):
    return raw_get(server, path)[0]


def test_docs_off(start):
    s = start(env={"DOCSAPP_DOCS_URL": ""})
    for path in ("/docs", "/docs/swagger-ui-bundle.js", "/docs/swagger-ui.css",
                 "/docs/oauth2-redirect", "/docs/oauth2-redirect.js", "/docs/favicon.png"):
        assert status_of(s, path) == 404, path
    assert status_of(s, "/redoc") == 200
    assert status_of(s, "/redoc/redoc.standalone.js") == 200


def test_redoc_off(start):
    s = start(env={"DOCSAPP_REDOC_URL": ""})
    for path in ("/redoc", "/redoc/redoc.standalone.js", "/redoc/favicon.png"):
        assert status_of(s, path) == 404, path
    assert status_of(s, "/docs") == 200


def test_oauth2_redirect_off(start):
    s = start(env={"DOCSAPP_OAUTH2_URL": ""})
    assert status_of(s, "/docs/oauth2-redirect") == 404
    html = page(s, "/docs")
    assert "oauth2RedirectUrl" not in html


def test_openapi_off_turns_every_page_off(start):
    s = start(env={"DOCSAPP_OPENAPI_URL": ""})
    for path in ("/openapi.json", "/docs", "/redoc", "/docs/oauth2-redirect",
                 "/docs/swagger-ui-bundle.js", "/redoc/redoc.standalone.js"):
        assert status_of(s, path) == 404, path
    assert status_of(s, "/items/1") == 200


def test_custom_paths(start):
    s = start(env={"DOCSAPP_OPENAPI_URL": "/api/v1/spec.json",
                   "DOCSAPP_DOCS_URL": "/api/swagger",
                   "DOCSAPP_REDOC_URL": "/api/reference/",
                   "DOCSAPP_OAUTH2_URL": "/api/swagger/callback"})
    for path in ("/docs", "/redoc", "/docs/oauth2-redirect", "/docs/swagger-ui.css"):
        assert status_of(s, path) == 404, path
    html = page(s, "/api/swagger")
    assert_offline(html)
    links = refs(html)
    assert "/api/v1/spec.json" in links
    assert 'window.location.origin + "/api/swagger/callback"' in html
    for u in links:
        if u != "/api/v1/spec.json":
            assert u.startswith("/api/swagger/"), u
            assert status_of(s, u) == 200, u
    # A page URL with a trailing '/' keeps its files under it, without "//".
    html = page(s, "/api/reference/")
    assert '<redoc spec-url="/api/v1/spec.json"></redoc>' in html
    assert re.search(r'src="/api/reference/redoc\.standalone\.js\?v=', html), html
    assert status_of(s, "/api/reference/redoc.standalone.js") == 200
    html = page(s, "/api/swagger/callback")
    assert re.search(r'src="/api/swagger/oauth2-redirect\.js\?v=', html), html


@pytest.mark.parametrize("root", ["/prefix", "/prefix/"])
def test_root_path(start, root):
    """Behind a proxy that strips the prefix (--root-path), the routes stay where they are
    and every URL in the pages carries the prefix, as FastAPI writes them."""
    s = start(args=["--root-path", root])
    html = page(s, "/docs")
    links = refs(html)
    assert "/prefix/openapi.json" in links
    assert 'window.location.origin + "/prefix/docs/oauth2-redirect"' in html
    assert all(u.startswith("/prefix/") and "//" not in u for u in links), links
    for u in links:
        if u != "/prefix/openapi.json":
            assert status_of(s, u[len("/prefix"):]) == 200, u
    html = page(s, "/redoc")
    assert '<redoc spec-url="/prefix/openapi.json"></redoc>' in html
    assert re.search(r'src="/prefix/redoc/redoc\.standalone\.js\?v=', html)
    html = page(s, "/docs/oauth2-redirect")
    assert re.search(r'src="/prefix/docs/oauth2-redirect\.js\?v=', html)


def test_pages_are_not_in_the_openapi_document(app):
    r = httpx.get(app.url + "/openapi.json", timeout=10)
    assert r.status_code == 200, "GET /openapi.json: the pages need the document"
    paths = r.json()["paths"]
    assert "/items/{item_id}" in paths
    assert not [p for p in paths if p.startswith(("/docs", "/redoc"))], list(paths)
