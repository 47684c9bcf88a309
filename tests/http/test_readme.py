"""The README's hello-world compiles against the built library and answers as it says."""
import re
import shutil
import subprocess
import time
from pathlib import Path

import httpx

from conftest import BUILD, SANITIZER_RE, wait_until

REPO = Path(__file__).resolve().parents[2]


def test_readme_hello_world_builds_and_serves(tmp_path):
    text = (REPO / "README.md").read_text()
    blocks = re.findall(r"```c\n(.*?)```", text, re.S)
    assert blocks, "README has no C example"
    src = tmp_path / "hello.c"
    src.write_text(blocks[0])
    exe = tmp_path / "hello"
    cc = shutil.which("cc") or "gcc"
    # A library built by `make sanitize` needs its sanitizer runtimes at link time.
    cache = (BUILD / "CMakeCache.txt").read_text()
    san = ["-fsanitize=address,undefined"] if "BRISK_SANITIZE:BOOL=ON" in cache else []
    subprocess.run([cc, "-std=c17", "-Wall", "-Wextra", "-Werror", *san,
                    f"-I{REPO / 'include'}", str(src), str(BUILD / "libbrisk.a"), "-luv", "-lm",
                    "-o", str(exe)], check=True, timeout=120)
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
        assert wait_until(lambda: _up(base), 5)
        with httpx.Client(base_url=base, timeout=5) as c:
            assert c.get("/").text == "Hello, World!"
            assert c.get("/items/42", params={"q": "x"}).json() == {"item_id": "42", "q": "x"}
            assert c.get("/items/42").json() == {"item_id": "42", "q": None}
            assert c.get("/items/abc").status_code == 404
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
    assert proc.returncode == 0
    assert not SANITIZER_RE.search(proc.stderr.read())


def _up(base):
    try:
        return httpx.get(base + "/", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False
