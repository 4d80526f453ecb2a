"""Client filenames are display names only: no paths, no control or bidi characters."""

from __future__ import annotations

import pytest
from tests.uploads.conftest import MakeClient, png

from shipyard.uploads import safe_filename


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system32\\evil.png", "evil.png"),
        ("C:\\Users\\me\\boat.png", "boat.png"),
        ("/abs/path/boat.png", "boat.png"),
        ("evil\u202egnp.exe", "evilgnp.exe"),
        ("a\x00b\x1fc\x7f.png", "abc.png"),
        ("  ..hidden.  ", "hidden"),
        ("..", "file"),
        ("", "file"),
        ("line\nbreak.png", "line break.png"),
        ("e\u0301te\u0301.png", "\u00e9t\u00e9.png"),
        ("x" * 300 + ".png", "x" * 196 + ".png"),
    ],
    ids=[
        "unix-traversal", "windows-traversal", "windows-path", "absolute", "rtl-override",
        "control", "dots", "only-dots", "empty", "newline", "nfc", "long",
    ],
)  # fmt: skip
def test_safe_filename(raw: str, safe: str) -> None:
    assert safe_filename(raw) == safe


async def test_a_traversal_filename_reaches_the_route_as_a_plain_name(
    make_client: MakeClient,
) -> None:
    async with make_client() as client:
        response = await client.post(
            "/upload", files={"f": ("../../../../tmp/pwned\u202egnp.png", png(), "image/png")}
        )
    assert response.status_code == 200
    assert response.json()["files"][0]["filename"] == "pwnedgnp.png"
