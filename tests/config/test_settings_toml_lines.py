"""The line locator finds keys in TOML that tomllib parses without positions."""

from __future__ import annotations

import tomllib
from textwrap import dedent

from shipyard.config.toml_file import key_lines

TEXT = dedent(
    '''
    title = "x"  # [not] = a table
    multi = """
    fake = 1
    [fake]
    """
    items = [
      "a", # ]
      "b",
    ]
    "quoted.key" = 1
    'lit' = 2
    a.b . c = 3

    [server]
    port = 1
    inline = { x = 1, y = [1, 2] }

    [[jobs]]
    name = "one"

    [[jobs]]
    name = "two"
    [ "odd table" ]
    k = 'its'
    '''
).lstrip()


def test_key_lines() -> None:
    assert tomllib.loads(TEXT)["jobs"][1]["name"] == "two"
    lines = key_lines(TEXT)
    assert lines[("title",)] == 1
    assert lines[("multi",)] == 2
    assert ("fake",) not in lines
    assert lines[("items",)] == 6
    assert lines[("quoted.key",)] == 10
    assert lines[("lit",)] == 11
    assert lines[("a", "b", "c")] == 12
    assert lines[("server",)] == 14
    assert lines[("server", "port")] == 15
    assert lines[("server", "inline")] == 16
    assert lines[("jobs",)] == 18
    assert lines[("jobs", "name")] == 19
    assert lines[("odd table",)] == 23
    assert lines[("odd table", "k")] == 24
