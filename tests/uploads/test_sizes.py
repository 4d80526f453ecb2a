"""Sizes for people: ``"10MB"`` in settings and routes, and back in messages."""

from __future__ import annotations

import pytest

from shipyard.uploads import human_size, parse_size


@pytest.mark.parametrize(
    ("text", "size"),
    [(512, 512), ("512", 512), ("10MB", 10 * 2**20), ("10 mb", 10 * 2**20),
     ("1.5GiB", 3 * 2**29), ("64KB", 65536), ("2 G", 2 * 2**30), ("7B", 7)],
)  # fmt: skip
def test_parse_size(text: int | str, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "ten MB", "10 XB", "-1", "1e6", "10MBs"])
def test_not_a_size(text: str) -> None:
    with pytest.raises(ValueError, match="is not a size"):
        parse_size(text)


def test_negative_and_human_sizes() -> None:
    with pytest.raises(ValueError, match="negative"):
        parse_size(-1)
    assert [human_size(n) for n in (0, 1023, 65536, 10 * 2**20, 3 * 2**29)] == [
        "0 B", "1023 B", "64 KB", "10 MB", "1.5 GB",
    ]  # fmt: skip
