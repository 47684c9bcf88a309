"""The documentation pages in a real browser: Debian's chromium, driven by playwright-core
(pinned in tests/browser/package-lock.json), through tests/browser/docs.js.

The script uses Swagger UI as a person would (expand, "Try it out", "Execute", "Authorize"
with a bearer token) against tests/http/apps/docsapp, renders ReDoc, and logs in to the
flagship example's /docs with its OAuth2 password flow; it refuses every request to a host
other than 127.0.0.1, failing if the pages attempt one. Screenshots go to
$BRISK_BUILD/artifacts/. playwright-core is installed with npm ci into
$BRISK_BUILD/browser (this needs the npm registry once per lock file).
"""
import os
import shutil
import subprocess

import pytest

from conftest import BUILD, REPO, Server, stop_all

CHROMIUM = "/usr/bin/chromium"
BROWSER_DIR = REPO / "tests" / "browser"
NODE_DIR = BUILD / "browser"
ARTIFACTS = BUILD / "artifacts"
NPM_CI = REPO / "src" / "api" / "assets" / "npm-ci.sh"
DOCSAPP = BUILD / "apps" / "docsapp"
TODO_APP = BUILD / "examples" / "todo"

INSTALL_TIMEOUT = 300   # npm ci, first run only
SCRIPT_TIMEOUT = 150    # the whole browser session


@pytest.fixture(scope="module")
def node_modules():
    """playwright-core, installed into the build directory (once per lock file)."""
    for tool in ("node", "npm"):
        assert shutil.which(tool), f"{tool} is missing (scripts/deps.sh installs it)"
    assert os.access(CHROMIUM, os.X_OK), f"{CHROMIUM} is missing (scripts/deps.sh test)"
    try:
        r = subprocess.run(["sh", str(NPM_CI), str(BROWSER_DIR), str(NODE_DIR)],
                           capture_output=True, text=True, timeout=INSTALL_TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"npm ci of tests/browser took over {INSTALL_TIMEOUT}s: "
                    "is the npm registry reachable?")
    assert r.returncode == 0, f"installing playwright-core failed:\n{r.stdout}{r.stderr}"
    return NODE_DIR / "node_modules"


def run_script(node_modules, url, *args):
    """Runs docs.js against url; returns its output once it passed."""
    env = {**os.environ, "BRISK_NODE_MODULES": str(node_modules)}
    # Its own process group, so that on a timeout chromium goes with it.
    proc = subprocess.Popen(["node", str(BROWSER_DIR / "docs.js"), url, str(ARTIFACTS), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=env, start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=SCRIPT_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        out, _ = proc.communicate()
        pytest.fail(f"the browser session took over {SCRIPT_TIMEOUT}s:\n{out}")
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, 9)
            proc.wait()
    assert proc.returncode == 0, f"browser checks failed (screenshots in {ARTIFACTS}):\n{out}"
    return out


@pytest.fixture(scope="module")
def artifacts():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("*.png"):
        old.unlink()
    return ARTIFACTS


@pytest.mark.time_limit(SCRIPT_TIMEOUT + 30)
def test_docs_in_chromium(node_modules, artifacts):
    server = Server([], exe=DOCSAPP)
    try:
        out = run_script(node_modules, server.url, "--bearer")
        # The script's own summary, so a silently skipped step cannot pass.
        for line in ("ok - live response body", "ok - GET /me without authorizing answered 401",
                     "ok - GET /me after authorizing answered 200",
                     "ok - ReDoc rendered the document", "ok - no request left 127.0.0.1"):
            assert line in out, f"missing {line!r}:\n{out}"
        for shot in ("swagger-ui-executed", "swagger-ui-bearer", "redoc"):
            assert (artifacts / f"{shot}.png").stat().st_size > 0
    finally:
        stop_all([server], name="docsapp")


@pytest.mark.time_limit(SCRIPT_TIMEOUT + 30)
def test_todo_login_through_swagger_ui(node_modules, artifacts, tmp_path):
    """What the README promises for `make run`: Authorize on /docs with demo /
    demo-password, and the routes tried from the page carry the token."""
    server = Server(["--port", "0"], exe=TODO_APP, env={"TODO_DB": str(tmp_path / "todo.db")},
                    clear_env=("TODO_DB", "TODO_SECRET", "TODO_CORS_ORIGINS"),
                    probe=("/todos/1", (200, 404)))
    try:
        out = run_script(node_modules, server.url, "--oauth2=demo:demo-password")
        for line in ("ok - GET /users/me before logging in answered 401",
                     "ok - GET /users/me after logging in answered 200",
                     "ok - logged in as demo", "ok - no request left 127.0.0.1"):
            assert line in out, f"missing {line!r}:\n{out}"
        assert server.wait_log(r'"POST /token HTTP/1.1" 200', 5)
    finally:
        stop_all([server], name="todo")
