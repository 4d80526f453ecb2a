"""Idempotent edits of the files generators share: routes, navigation, models, scenario.

Each function takes a file's text and returns it with a line added (``remove=False``) or
taken away again (``remove=True``); adding what is there, or removing what is not,
returns the text unchanged. Imports are placed among the ``from app`` / ``from tests``
imports in sorted order, as ruff's isort would.
"""

from __future__ import annotations

import ast
import re

ALL_PATTERN = re.compile(r"^__all__ = \[[^\]]*\]\n", re.MULTILINE)
MAX_LINE = 100
NAV_MARKER = "{#- Generated navigation links go above this line. #}"
"""Where ``shipyard scaffold`` adds navigation links in a layout that has the line."""


def import_line(text: str, line: str, *, remove: bool = False) -> str:
    """Add (or remove) ``line``, a ``from <first-party> import ...``, in sorted order."""
    lines = text.splitlines(keepends=True)
    wanted = line + "\n"
    if remove:
        return "".join(entry for entry in lines if entry != wanted)
    if wanted in lines:
        return text
    package = line.split()[1].split(".")[0]
    block = [i for i, entry in enumerate(lines) if entry.startswith(f"from {package}")]
    if block:
        position = block[-1] + 1
        for index in block:
            if _import_key(lines[index]) > _import_key(wanted):
                position = index
                break
        lines.insert(position, wanted)
        return "".join(lines)
    last_import = max(
        (i for i, entry in enumerate(lines) if entry.startswith(("import ", "from "))),
        default=-1,
    )
    if last_import < 0:
        docstring_end = _docstring_end(text)
        lines.insert(docstring_end, "\n" + wanted)
        return "".join(lines)
    lines.insert(last_import + 1, "\n" + wanted)
    return "".join(lines)


def _import_key(line: str) -> tuple[str, str]:
    parts = line.split()
    return parts[1].lower(), " ".join(parts[3:]).lower()


def _docstring_end(text: str) -> int:
    module = ast.parse(text)
    if module.body and isinstance(module.body[0], ast.Expr):
        return module.body[0].end_lineno or 0
    return 0


def append_to_function(text: str, function: str, line: str, *, remove: bool = False) -> str:
    """Add (or remove) ``line`` at the end of ``function``'s body (4-space indented)."""
    wanted = f"    {line}\n"
    lines = text.splitlines(keepends=True)
    if remove:
        return "".join(entry for entry in lines if entry != wanted)
    if wanted in lines:
        return text
    module = ast.parse(text)
    for node in module.body:
        if isinstance(node, ast.FunctionDef) and node.name == function:
            lines.insert(node.end_lineno or len(lines), wanted)
            return "".join(lines)
    raise LookupError(function)


def nav_link(text: str, link: str, *, remove: bool = False) -> str:
    """Add (or remove) ``link`` as the last link of the layout's ``<nav>``.

    That is above the line holding :data:`NAV_MARKER` when the layout has one (so links
    stay left of the account controls), else just before ``</nav>``.
    """
    wanted = f"    {link}\n"
    if remove:
        return text.replace(wanted, "")
    if link in text:
        return text
    marker = text.find(NAV_MARKER)
    position = text.rfind("\n", 0, marker) + 1 if marker >= 0 else text.find("  </nav>")
    if position < 0:
        raise LookupError("</nav>")
    return text[:position] + wanted + text[position:]


def all_names(text: str, name: str, *, remove: bool = False) -> str:
    """Add (or remove) ``name`` in the module's ``__all__`` list, kept sorted."""
    match = ALL_PATTERN.search(text)
    if match is None:
        return text
    names: list[str] = list(ast.literal_eval(match.group(0).split("=", 1)[1].strip()))
    if remove:
        names = [entry for entry in names if entry != name]
    elif name not in names:
        names.append(name)
    names.sort()
    one_line = "__all__ = [" + ", ".join(f'"{entry}"' for entry in names) + "]\n"
    if len(one_line) > MAX_LINE + 1:
        one_line = "__all__ = [\n" + "".join(f'    "{entry}",\n' for entry in names) + "]\n"
    return text[: match.start()] + one_line + text[match.end() :]


def class_method(text: str, method: str, body: str, *, remove: bool = False) -> str:
    """Add (or remove) ``body``, a method called ``method``, at the end of the module."""
    marker = f"    def {method}("
    lines = text.splitlines(keepends=True)
    starts = [i for i, entry in enumerate(lines) if entry.startswith(marker)]
    if not remove:
        return text if starts else text.rstrip("\n") + "\n\n" + body
    if not starts:
        return text
    start = starts[0]
    following = [i for i in range(start + 1, len(lines)) if lines[i].startswith("    def ")]
    end = following[0] - 1 if following else len(lines)
    if start > 0 and not lines[start - 1].strip():
        start -= 1
    del lines[start:end]
    return "".join(lines)


def top_level_class(text: str, name: str, body: str, *, remove: bool = False) -> str:
    """Add (or remove) ``body``, the class called ``name``, at the end of the module."""
    marker = f"\nclass {name}("
    start = text.find(marker)
    if not remove:
        return text if start >= 0 else text.rstrip("\n") + "\n" + body
    if start < 0:
        return text
    body_start = text.index("\n", start + len(marker))
    following = re.search(r"^\S", text[body_start + 1 :], re.MULTILINE)
    end = body_start + 1 + following.start() if following else len(text)
    return text[:start].rstrip("\n") + "\n" + ("\n\n" + text[end:] if following else "")


EXTENSIONS = "extensions=["


def extension(text: str, call: str) -> str:
    """Add ``call`` (``"StorageExtension()"``) as the last item of ``extensions=[...]``.

    Never removes: another resource may need the extension. Text without an
    ``extensions=[`` list is returned unchanged (the caller reports it).
    """
    start = text.find(EXTENSIONS)
    if start < 0:
        return text
    opening = start + len(EXTENSIONS)
    depth, end = 1, opening
    while depth and end < len(text):
        depth += {"[": 1, "(": 1, "]": -1, ")": -1}.get(text[end], 0)
        end += 1
    closing = end - 1
    items = text[opening:closing]
    if re.search(rf"\b{re.escape(call)}", items):
        return text
    body = items.rstrip()
    if not body:
        addition = call
    elif body.endswith(","):
        addition = f"{body} {call},"
    else:
        addition = f"{body}, {call}"
    return text[:opening] + addition + items[len(body) :] + text[closing:]
