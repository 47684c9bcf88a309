"""The README's C examples compile against the built library and answer as it says."""
import contextlib
import re
import subprocess
import time
from pathlib import Path

import httpx

from conftest import SANITIZER_RE, compile_c, wait_until

REPO = Path(__file__).resolve().parents[2]


def _blocks():
    text = (REPO / "README.md").read_text()
    blocks = re.findall(r"```c\n(.*?)```", text, re.S)
    assert len(blocks) >= 3, "README lost its C examples"
    return blocks


@contextlib.contextmanager
def _serve(tmp_path, source, probe):
    """Compiles a README example against the built library and runs it on a free port."""
    src = tmp_path / "example.c"
    src.write_text(source)
    exe = tmp_path / "example"
    compile_c(src, exe)
    proc = subprocess.Popen([str(exe), "--port", "0", "--no-access-log"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        port = None
        deadline = time.monotonic() + 10
        while port is None and time.monotonic() < deadline:
            line = proc.stderr.readline()
            m = re.search(r"running on http://127\.0\.0\.1:(\d+)", line)
            port = int(m.group(1)) if m else None
        assert port, "the example did not start"
        base = f"http://127.0.0.1:{port}"
        assert wait_until(lambda: _up(base + probe), 5)
        with httpx.Client(base_url=base, timeout=5) as c:
            yield c
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
    assert proc.returncode == 0
    assert not SANITIZER_RE.search(proc.stderr.read())


def test_readme_hello_world_builds_and_serves(tmp_path):
    with _serve(tmp_path, _blocks()[0], "/") as c:
        assert c.get("/").text == "Hello, World!"
        assert c.get("/items/42", params={"q": "x"}).json() == {"item_id": "42", "q": "x"}
        assert c.get("/items/42").json() == {"item_id": "42", "q": None}
        assert c.get("/items/abc").status_code == 404


def test_readme_models_example_validates_as_it_says(tmp_path):
    with _serve(tmp_path, _blocks()[1], "/tags") as c:
        r = c.post("/items", json={"name": "x", "price": -1})
        assert r.status_code == 422
        # The README quotes this exact body.
        assert r.text == ('{"detail":[{"type":"greater_than_equal","loc":["body","price"],'
                          '"msg":"Input should be greater than or equal to 0","input":-1,'
                          '"ctx":{"ge":0.0}}]}')
        assert r.text in (REPO / "README.md").read_text()
        r = c.post("/items", json={"name": "x", "price": 2.5, "tags": ["a"]})
        assert r.status_code == 201
        assert r.json() == {"name": "x", "price": 2.5, "has_tax": None, "tags": ["a"]}
        assert c.get("/tags?tag=a&tag=b&limit=1").json() == ["a"]
        assert c.get("/tags?tag=a&tag=b").json() == ["a", "b"]
        assert c.get("/tags?limit=101").status_code == 422


def _up(url):
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def test_readme_api_layer_example_builds_and_serves(tmp_path):
    with _serve(tmp_path, _blocks()[2], "/openapi.json") as c:
        r = c.get("/users/me")
        assert (r.status_code, r.json()) == (401, {"detail": "Not authenticated"})
        assert r.headers["www-authenticate"] == "Bearer"
        r = c.get("/users/me", headers={"Authorization": "Bearer alice"})
        assert (r.status_code, r.json()) == (200, {"user": "alice"})
        r = c.get("/users/me", headers={"Authorization": "Bearer nobody"})
        assert (r.status_code, r.json()) == (403, {"detail": "Not allowed"})
        op = c.get("/openapi.json").json()["paths"]["/users/me"]["get"]
        assert op["operationId"] == "read_me_users_me_get"
        assert op["summary"] == "Read Me" and op["tags"] == ["users"]
        assert op["security"] == [{"HTTPBearer": []}]
        assert c.get("/docs").status_code == 200
