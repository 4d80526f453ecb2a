"""Run generated snippets for real, with the HTTP client replaced by a recorder.

- curl: bash runs the command with ``curl`` defined as a function printing its
  arguments, so the test sees exactly the words the shell passed (and nothing is
  expanded or executed);
- Python: the snippet is ``exec``-ed with a fake ``httpx`` module recording the call;
- JavaScript: node runs the snippet inside an async function with a recording ``fetch``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import types
from dataclasses import dataclass, field
from typing import Any

import pytest


def run_curl(snippet: str) -> list[str]:
    """The argv bash would give curl for ``snippet``."""
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash is not installed")
    script = 'curl() { printf "%s\\0" "$@"; }\n' + snippet + "\n"
    result = subprocess.run([bash, "-c", script], capture_output=True, check=True, timeout=30)
    return result.stdout.decode().split("\0")[:-1]


@dataclass
class PythonCall:
    """What a Python snippet passed to httpx."""

    function: str = ""
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)


def run_python(snippet: str, monkeypatch: pytest.MonkeyPatch) -> PythonCall:
    """Execute ``snippet`` with a recording ``httpx`` and return the call it made."""
    call = PythonCall()

    class Answer:
        status_code = 200
        text = "{}"

    def recorder(name: str) -> Any:
        def record(*args: Any, **kwargs: Any) -> Answer:
            call.function, call.args, call.kwargs = name, args, kwargs
            return Answer()

        return record

    fake = types.ModuleType("httpx")
    for name in ("get", "post", "put", "patch", "delete", "head", "options", "request"):
        setattr(fake, name, recorder(name))
    monkeypatch.setitem(sys.modules, "httpx", fake)
    exec(compile(snippet, "<snippet>", "exec"), {"__name__": "snippet"})
    return call


_NODE_HARNESS = """
const chunks = [];
process.stdin.on("data", (chunk) => chunks.push(chunk));
process.stdin.on("end", async () => {
  const code = Buffer.concat(chunks).toString("utf8");
  let seen = null;
  globalThis.fetch = async (url, init) => {
    let body = init.body;
    if (body instanceof URLSearchParams) body = {urlencoded: body.toString()};
    else if (body instanceof FormData) {
      body = {form: [...body.entries()].map(([k, v]) => [k, typeof v === "string" ? v : "<file>"])};
    }
    seen = {url, method: init.method, headers: init.headers || {}, body: body ?? null};
    return {status: 200, text: async () => "{}"};
  };
  console.log = () => {};
  const run = new Function("return (async () => {\\n" + code + "\\n})();");
  await run();
  process.stdout.write(JSON.stringify(seen));
});
"""


def run_js(snippet: str) -> dict[str, Any]:
    """``{url, method, headers, body}`` the snippet passed to ``fetch`` (node required)."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    result = subprocess.run(
        [node, "-e", _NODE_HARNESS], input=snippet.encode(), capture_output=True, timeout=30
    )
    assert result.returncode == 0, result.stderr.decode()
    seen: dict[str, Any] = json.loads(result.stdout)
    return seen


def node_check(path: str) -> None:
    """Fail if node finds a syntax error in the JavaScript file."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    result = subprocess.run([node, "--check", path], capture_output=True, timeout=30)
    assert result.returncode == 0, result.stderr.decode()
