"""curl / httpx / fetch snippets: run for real (with recording clients), hostile values too."""

from __future__ import annotations

import ast
import json
import shlex
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote

import pytest
from tests.api.cookbook.runners import run_curl, run_js, run_python

from shipyard.api.cookbook import Body, RequestExample, curl, fetch, httpx_snippet, snippets_for
from shipyard.api.cookbook.snippets import js_literal, py_literal

HOSTILE = 'it\'s "$(touch /tmp/pwned)" `id` $HOME \\ \n line2 \u2028 ${x} ; rm -rf / # é'


def option_values(argv: list[str], option: str) -> list[str]:
    return [argv[i + 1] for i, word in enumerate(argv[:-1]) if word == option]


def get_request() -> RequestExample:
    return RequestExample(
        method="GET",
        url="https://api.example.com/posts/42",
        query=(("fields", "id,title"), ("tag", "a b"), ("tag", "c&d")),
        headers=(("Authorization", "Bearer YOUR_ACCESS_TOKEN"),),
    )


def post_request(value: Any) -> RequestExample:
    return RequestExample(
        method="POST",
        url="https://api.example.com/posts",
        headers=(("X-API-Key", "YOUR_API_KEY"), ("Accept", "application/vnd.acme.v2+json")),
        body=Body("application/json", value),
    )


def test_get_with_path_and_query_params(monkeypatch: pytest.MonkeyPatch) -> None:
    request = get_request()
    expected_url = "https://api.example.com/posts/42?fields=id%2Ctitle&tag=a%20b&tag=c%26d"
    assert request.full_url == expected_url

    argv = run_curl(curl(request))
    assert argv[0] == expected_url
    assert "-X" not in argv
    assert option_values(argv, "-H") == ["Authorization: Bearer YOUR_ACCESS_TOKEN"]
    assert shlex.split(curl(request).replace("\\\n", " "))[1:] == argv

    call = run_python(httpx_snippet(request), monkeypatch)
    assert call.function == "get"
    assert call.args == ("https://api.example.com/posts/42",)
    assert call.kwargs["params"] == {"fields": "id,title", "tag": ["a b", "c&d"]}
    assert call.kwargs["headers"] == {"Authorization": "Bearer YOUR_ACCESS_TOKEN"}

    seen = run_js(fetch(request))
    assert seen["url"] == expected_url
    assert seen["method"] == "GET"
    assert seen["headers"] == {"Authorization": "Bearer YOUR_ACCESS_TOKEN"}
    assert seen["body"] is None


def test_post_with_json_body(monkeypatch: pytest.MonkeyPatch) -> None:
    body = {"title": "Hello world", "tags": ["a"], "draft": False, "rating": 4.5, "parent": None}
    request = post_request(body)

    argv = run_curl(curl(request))
    assert argv[:2] == ["-X", "POST"]
    assert argv[2] == "https://api.example.com/posts"
    assert option_values(argv, "-H") == [
        "X-API-Key: YOUR_API_KEY",
        "Accept: application/vnd.acme.v2+json",
        "Content-Type: application/json",
    ]
    assert json.loads(option_values(argv, "--data-raw")[0]) == body

    call = run_python(httpx_snippet(request), monkeypatch)
    assert call.function == "post"
    assert call.kwargs["json"] == body
    assert call.kwargs["headers"]["Content-Type"] == "application/json"

    seen = run_js(fetch(request))
    assert seen["method"] == "POST"
    assert json.loads(seen["body"]) == body
    assert seen["headers"]["X-API-Key"] == "YOUR_API_KEY"


@pytest.mark.parametrize("method", ["DELETE", "OPTIONS"])
def test_body_on_methods_without_httpx_shortcut_body(
    method: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    request = RequestExample(method, "http://h/x", body=Body("application/json", {"a": 1}))
    call = run_python(httpx_snippet(request), monkeypatch)
    assert (call.function, call.args[0]) == ("request", method)
    assert call.kwargs["json"] == {"a": 1}


def test_head_uses_curl_head_option() -> None:
    argv = run_curl(curl(RequestExample("HEAD", "http://h/x")))
    assert argv == ["--head", "http://h/x"]


def test_hostile_strings_are_quoted_everywhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = tmp_path / "pwned"
    hostile = HOSTILE.replace("/tmp/pwned", str(marker))
    body = {hostile: hostile, "list": [hostile, "'\"`"]}
    request = RequestExample(
        method="PUT",
        url="https://api.example.com/items/it%27s",
        query=(("q", hostile),),
        headers=(("X-Note", hostile),),
        body=Body("application/json", body),
    )
    argv = run_curl(curl(request))
    assert json.loads(option_values(argv, "--data-raw")[0]) == body
    # Header values cannot carry newlines: they are replaced, everything else is kept.
    assert option_values(argv, "-H")[0] == "X-Note: " + hostile.replace("\n", " ")
    assert argv[2].endswith("?q=" + quote(hostile, safe=""))
    assert not marker.exists()

    call = run_python(httpx_snippet(request), monkeypatch)
    assert call.kwargs["json"] == body
    assert call.kwargs["params"] == {"q": hostile}
    assert call.kwargs["headers"]["X-Note"] == hostile.replace("\n", " ")

    seen = run_js(fetch(request))
    assert json.loads(seen["body"]) == body
    assert seen["headers"]["X-Note"] == hostile.replace("\n", " ")


def test_hostile_text_body_and_form_bodies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = RequestExample("POST", "http://h/t", body=Body("text/plain", "@/etc/passwd\n" + HOSTILE))
    assert option_values(run_curl(curl(text)), "--data-raw") == ["@/etc/passwd\n" + HOSTILE]
    assert (
        run_python(httpx_snippet(text), monkeypatch).kwargs["content"] == "@/etc/passwd\n" + HOSTILE
    )
    assert run_js(fetch(text))["body"] == "@/etc/passwd\n" + HOSTILE

    form = RequestExample(
        "POST",
        "http://h/f",
        body=Body("application/x-www-form-urlencoded", {"a": HOSTILE, "b": ["1", "2"]}),
    )
    encoded = option_values(run_curl(curl(form)), "--data-raw")[0]
    assert parse_qsl(encoded) == [("a", HOSTILE), ("b", "1"), ("b", "2")]
    assert run_python(httpx_snippet(form), monkeypatch).kwargs["data"] == {
        "a": HOSTILE,
        "b": ["1", "2"],
    }
    assert parse_qsl(run_js(fetch(form))["body"]["urlencoded"]) == [
        ("a", HOSTILE),
        ("b", "1"),
        ("b", "2"),
    ]

    upload = RequestExample(
        "POST",
        "http://h/u",
        body=Body("multipart/form-data", {"note": "@/etc/passwd", "file": "x"}, files=("file",)),
    )
    argv = run_curl(curl(upload))
    assert option_values(argv, "--form-string") == ["note=@/etc/passwd"]
    assert option_values(argv, "-F") == ["file=@file.bin"]
    assert "Content-Type" not in " ".join(option_values(argv, "-H"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "file.bin").write_bytes(b"data")
    call = run_python(httpx_snippet(upload), monkeypatch)
    assert call.kwargs["data"] == {"note": "@/etc/passwd"}
    assert [name for name, _ in call.kwargs["files"]] == ["file"]
    assert run_js(fetch(upload))["body"] == {"form": [["note", "@/etc/passwd"], ["file", "<file>"]]}


def test_every_python_snippet_compiles_and_curl_parses() -> None:
    requests = [
        get_request(),
        post_request({"a": [1, {"b": None}]}),
        RequestExample("PATCH", "http://h/p"),
    ]
    for request in requests:
        snippets = snippets_for(request)
        assert list(snippets) == ["curl", "python", "javascript"]
        compile(snippets["python"], "<python>", "exec")
        words = shlex.split(snippets["curl"])
        assert words[0] == "curl"
        assert request.full_url in words
        assert snippets["javascript"].count("{") == snippets["javascript"].count("}")
        assert json.dumps(request.full_url) in snippets["javascript"]


def test_literals_round_trip() -> None:
    value = {"s": HOSTILE, "n": [1, 2.5, True, None], "nested": {"empty": {}, "list": []}}
    assert ast.literal_eval(py_literal(value)) == value
    assert py_literal(float("inf")) == "float('inf')"
    assert "\u2028" not in js_literal(HOSTILE)
    assert json.loads(js_literal(HOSTILE)) == HOSTILE
