"""The user guide's programs compile and answer exactly as the guide shows.

Every ```c block of docs/guide/*.md is a complete program. It is compiled against the
built library with -Wall -Wextra -Werror (a block including <criterion/criterion.h> is
linked with Criterion too). A program that calls brisk_serve() is started on a free port
and the ```console blocks that follow it (up to the next ```c block) are replayed: each
`$ ` line (with `\\` continuations) is a shell command run by bash, in one session per
program so variables carry over, with the guide's address 127.0.0.1:8000 replaced by the
program's; the lines up to the next `$ ` are its expected output:

- compared whole, after trailing blanks, with `…` matching any text within a line;
- for output that starts with a status line (`curl -i`), the status line is compared
  whole, every header the guide shows must be in the response with that value (the
  guide leaves out date, server and content-length), and the body is compared whole.

A program that does not serve is a test itself: it must exit 0.
"""
import os
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import REPO, Server, compile_c, stop_all

GUIDE = REPO / "docs" / "guide"
CHAPTERS = sorted(GUIDE.glob("[0-9][0-9]-*.md"))
GUIDE_ADDR = "127.0.0.1:8000"
SEP = "\x1e"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.S | re.M)


class Example:
    def __init__(self, chapter, index, source):
        self.chapter, self.index, self.source = chapter, index, source
        self.exchanges = []          # (command, expected output)
        self.id = f"{chapter.stem}#{index}"

    @property
    def serves(self):
        return "brisk_serve(" in self.source

    @property
    def extra_libs(self):
        if "<criterion/criterion.h>" in self.source:
            return ["-lcriterion"]
        return []


def parse_console(text):
    """[(command, expected)] of a console block."""
    out, cmd, expected = [], None, []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("$ "):
            if cmd is not None:
                out.append((cmd, "\n".join(expected)))
            parts = [line[2:]]
            while parts[-1].endswith("\\") and i + 1 < len(lines):
                i += 1
                parts.append(lines[i])
            cmd, expected = "\n".join(parts), []
        elif cmd is not None:
            expected.append(line)
        else:
            raise AssertionError(f"console block starts with output, not `$ `: {line!r}")
        i += 1
    if cmd is not None:
        out.append((cmd, "\n".join(expected)))
    return out


def collect():
    examples = []
    for chapter in CHAPTERS:
        current, n = None, 0
        for m in FENCE.finditer(chapter.read_text()):
            lang, body = m.group(1), m.group(2)
            if lang == "c":
                n += 1
                current = Example(chapter, n, body)
                examples.append(current)
            elif lang == "console":
                assert current is not None, f"{chapter.name}: a console block before any program"
                current.exchanges += parse_console(body)
    return examples


EXAMPLES = collect()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Every program compiled once, two at a time: {id: exe path or the error text}."""
    root = tmp_path_factory.mktemp("guide")

    def build(ex):
        d = root / ex.id.replace("#", "_")
        d.mkdir()
        src = d / "main.c"
        src.write_text(ex.source)
        try:
            compile_c(src, d / "prog", ex.extra_libs)
            return ex.id, d / "prog"
        except AssertionError as e:
            return ex.id, str(e)

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(build, EXAMPLES))


# ---- comparing output ----------------------------------------------------------------

def pattern(expected):
    """A regex for expected text: literal but for `…`, any text within a line."""
    return "".join("[^\n]*?" if part == "…" else re.escape(part)
                   for part in re.split("(…)", expected))


def text_matches(expected, got):
    return re.fullmatch(pattern(expected.rstrip()), got.rstrip(), re.S) is not None


def response_matches(expected, got):
    """Output of `curl -i`: status line, the headers shown, the body."""
    e_head, _, e_body = expected.partition("\n\n")
    g_head, _, g_body = got.partition("\n\n")
    e_lines, g_lines = e_head.splitlines(), g_head.splitlines()
    if not g_lines or not text_matches(e_lines[0], g_lines[0]):
        return False
    got_headers = [tuple(x.strip() for x in line.split(":", 1))
                   for line in g_lines[1:] if ":" in line]
    for line in e_lines[1:]:
        name, _, value = (x.strip() for x in line.partition(":"))
        if not any(n.lower() == name.lower() and text_matches(value, v)
                   for n, v in got_headers):
            return False
    return text_matches(e_body, g_body)


def matches(expected, got):
    if expected.startswith("HTTP/"):
        return response_matches(expected, got)
    return text_matches(expected, got)


def replay(exchanges, port):
    """Runs the commands in one bash session; [output] in order."""
    script = "".join(f"{cmd.replace(GUIDE_ADDR, f'127.0.0.1:{port}')}\n"
                     f"printf '\\n{SEP}\\n'\n" for cmd, _ in exchanges)
    r = subprocess.run(["bash", "-c", script], capture_output=True, timeout=60,
                       env={**os.environ, "LC_ALL": "C.UTF-8"})
    out = r.stdout.decode("utf-8", "replace").replace("\r\n", "\n")
    parts = out.split(f"\n{SEP}\n")
    assert len(parts) == len(exchanges) + 1, f"the commands did not all run:\n{out}\n{r.stderr}"
    return [p.lstrip("\n") if p.startswith("\n") else p for p in parts[:-1]]


# ---- the tests -----------------------------------------------------------------------

def test_the_guide_has_its_chapters_and_index():
    assert len(CHAPTERS) >= 12, CHAPTERS
    index = (GUIDE / "README.md").read_text()
    for chapter in CHAPTERS:
        assert f"({chapter.name})" in index, f"README.md does not link {chapter.name}"
    assert "(../models.md)" in index
    for link in re.findall(r"\]\(([^)#]+\.md)(?:#[^)]*)?\)", index):
        assert (GUIDE / link).exists(), f"broken link {link}"
    for chapter in CHAPTERS:
        assert any(ex.chapter == chapter for ex in EXAMPLES), f"{chapter.name} has no program"


def test_every_serving_program_documents_an_exchange():
    for ex in EXAMPLES:
        if ex.serves:
            assert ex.exchanges, f"{ex.id} serves but shows no request"
        else:
            assert not ex.exchanges, f"{ex.id} does not serve but shows requests"


@pytest.mark.time_limit(300)
@pytest.mark.parametrize("ex", EXAMPLES, ids=[ex.id for ex in EXAMPLES])
def test_guide_program(ex, built, tmp_path):
    exe = built[ex.id]
    assert isinstance(exe, Path), exe
    if not ex.serves:
        r = subprocess.run([str(exe)], capture_output=True, text=True, timeout=60,
                           cwd=tmp_path)
        assert r.returncode == 0, f"{ex.id} exited {r.returncode}:\n{r.stdout}\n{r.stderr}"
        return
    assert shutil.which("curl"), "the guide's requests are curl commands: install curl"
    server = Server(["--port", "0", "--no-access-log"], exe=exe, cwd=tmp_path)
    try:
        outputs = replay(ex.exchanges, server.port)
        for (cmd, expected), got in zip(ex.exchanges, outputs):
            assert matches(expected, got), (
                f"{ex.id}: $ {cmd}\n--- the guide shows:\n{expected}\n--- got:\n{got}\n"
                f"--- server log:\n{server.log[-2000:]}")
    finally:
        stop_all([server], ex.id)


def test_the_comparison_can_fail():
    """The matcher refuses what it should, so a passing replay means something."""
    assert matches('{"a":1}', '{"a":1}\n')
    assert not matches('{"a":1}', '{"a":2}')
    assert matches('{"token":"…","type":"bearer"}', '{"token":"x.y.z","type":"bearer"}')
    assert not matches('{"token":"…","type":"bearer"}', '{"token":"x","type":"basic"}')
    resp = "HTTP/1.1 401 Unauthorized\ndate: x\nwww-authenticate: Bearer\n\n{}"
    assert matches("HTTP/1.1 401 Unauthorized\nwww-authenticate: Bearer\n\n{}", resp)
    assert not matches("HTTP/1.1 401 Unauthorized\nwww-authenticate: Basic\n\n{}", resp)
    assert not matches("HTTP/1.1 200 OK\n\n{}", resp)
    assert not matches("HTTP/1.1 401 Unauthorized\n\n{\"x\":1}", resp)
