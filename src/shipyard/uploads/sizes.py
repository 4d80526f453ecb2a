"""Byte sizes written for people: ``"10MB"``, ``"1.5 GiB"``, ``512`` (bytes) to an int.

Units are binary (``KB`` = ``KiB`` = 1024 bytes): an upload limit of ``"10MB"`` is
10 485 760 bytes, the size a file manager shows as 10 MB.
"""

from __future__ import annotations

import re

_UNITS = {"": 1, "B": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}
_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:I?B)?\s*", re.IGNORECASE)


def parse_size(size: int | str) -> int:
    """``size`` in bytes; ValueError for anything that is not a size."""
    if isinstance(size, int):
        if size < 0:
            raise ValueError(f"a size cannot be negative ({size})")
        return size
    match = _SIZE.fullmatch(size)
    if match is None:
        raise ValueError(f'{size!r} is not a size; write it like "10MB", "512KB" or 2048')
    number, unit = match.groups()
    return int(float(number) * _UNITS[unit.upper()])


def human_size(size: int) -> str:
    """``size`` bytes for a message: ``"10 MB"``, ``"1.5 GB"``, ``"512 B"``."""
    for unit in ("TB", "GB", "MB", "KB"):
        factor = _UNITS[unit[0]]
        if size >= factor:
            value = size / factor
            return f"{value:g} {unit}" if value.is_integer() else f"{value:.1f} {unit}"
    return f"{size} B"
