"""What a generator changes in a project, computed before anything is written.

A :class:`Plan` holds new files and edits of existing ones (full new text each); it can
be shown (``--dry-run``: the files and a diff of each edit), applied (refusing to
overwrite a file that differs unless ``force``) or reverted by ``shipyard destroy``
(removing the files that still match what the generator writes, and undoing the edits).
Python files are tidied with ruff (when installed) so they pass the project's checks.
"""

from __future__ import annotations

import difflib
import importlib.util
import subprocess  # nosec B404  # runs ruff, the project's own formatter
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from shipyard.errors import ShipyardError

Reporter = Callable[[str], None]


@dataclass(frozen=True)
class FileChange:
    """One file: its path (relative to the project), old text (None: new) and new text."""

    path: Path
    new: str
    old: str | None = None
    shared: bool = False  # kept by destroy (other resources may use it)


@dataclass
class Plan:
    """The files a generator writes and edits in the project at ``root``."""

    root: Path
    changes: list[FileChange] = field(default_factory=list)

    def create(self, relative: str, text: str, *, shared: bool = False, tidy: bool = True) -> None:
        """Plan a new file (its text tidied when it is Python, unless an edit will follow)."""
        text = _tidy(self.root, relative, text) if tidy else text
        self.changes.append(FileChange(Path(relative), text, None, shared))

    def edit(self, relative: str, change: Callable[[str], str]) -> None:
        """Plan an edit of an existing file; nothing is planned when the text stays the same."""
        for index, planned in enumerate(self.changes):
            if planned.path == Path(relative):
                text = _tidy(self.root, relative, change(planned.new))
                self.changes[index] = FileChange(planned.path, text, planned.old, planned.shared)
                return
        path = self.root / relative
        if not path.is_file():
            raise ShipyardError(
                f"{relative} is missing",
                hint="run the generator in a project made by `shipyard new`",
            )
        old = path.read_text(encoding="utf-8")
        new = _tidy(self.root, relative, change(old))
        if new != old:
            self.changes.append(FileChange(Path(relative), new, old))

    def conflicts(self) -> list[Path]:
        """New files that already exist with other content."""
        return [
            change.path
            for change in self.changes
            if change.old is None
            and (self.root / change.path).exists()
            and (self.root / change.path).read_text(encoding="utf-8") != change.new
        ]

    def apply(self, *, force: bool, report: Reporter) -> None:
        """Write every change; refuse (writing nothing) when a file would be overwritten."""
        conflicts = self.conflicts()
        if conflicts and not force:
            listed = ", ".join(str(path) for path in conflicts)
            raise ShipyardError(
                f"these files exist and differ from what would be generated: {listed}",
                hint="pass --force to overwrite them, or remove them first",
            )
        for change in self.changes:
            path = self.root / change.path
            verb = "edit  " if change.old is not None else "create"
            if change.old is None and path.exists():
                if path.read_text(encoding="utf-8") == change.new:
                    report(f"  same   {change.path}")
                    continue
                verb = "force "
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(change.new, encoding="utf-8")
            report(f"  {verb} {change.path}")

    def describe(self, report: Reporter) -> None:
        """Print what ``apply`` would do: new files, and a unified diff of each edit."""
        conflicts = set(self.conflicts())
        for change in self.changes:
            if change.old is None:
                path = self.root / change.path
                verb = "create" if not path.exists() else "same  "
                if change.path in conflicts:
                    verb = "differs (needs --force)"
                report(f"  {verb} {change.path}")
        for change in self.changes:
            if change.old is not None:
                diff = difflib.unified_diff(
                    change.old.splitlines(keepends=True),
                    change.new.splitlines(keepends=True),
                    f"a/{change.path}",
                    f"b/{change.path}",
                )
                report("".join(diff).rstrip("\n"))

    def destroy(self, report: Reporter) -> None:
        """Remove the created files that still match, undo the edits (the reverse plan)."""
        for change in self.changes:
            path = self.root / change.path
            if change.old is not None:
                path.write_text(change.new, encoding="utf-8")
                report(f"  edit   {change.path}")
            elif change.shared or not path.is_file():
                continue
            elif path.read_text(encoding="utf-8") != change.new:
                report(f"  keep   {change.path} (changed since it was generated)")
            else:
                path.unlink()
                report(f"  remove {change.path}")
                _remove_empty_parents(path.parent, self.root)


def _remove_empty_parents(folder: Path, root: Path) -> None:
    while folder != root and folder.is_dir():
        leftovers = [entry for entry in folder.iterdir() if entry.name != "__pycache__"]
        if leftovers:
            return
        for cache in folder.glob("__pycache__"):
            for compiled in cache.iterdir():
                compiled.unlink()
            cache.rmdir()
        folder.rmdir()
        folder = folder.parent


def _tidy(root: Path, relative: str, text: str) -> str:
    """``text`` as ``ruff check --fix`` and ``ruff format`` leave it, with the project's config."""
    if not relative.endswith(".py") or importlib.util.find_spec("ruff") is None:
        return text
    for arguments in (
        [
            "check",
            "--fix-only",
            "--quiet",
            "--select",
            "I,F401,UP,RUF100",
            "--exit-zero",
            "--no-cache",
            # files of the same feature may not be written yet: name the app's packages
            "--config",
            "lint.isort.known-first-party = ['app', 'tests']",
        ],
        ["format", "--quiet", "--no-cache"],
    ):
        result = subprocess.run(  # noqa: S603  # nosec B603  # fixed ruff arguments
            [sys.executable, "-m", "ruff", *arguments, "--stdin-filename", relative, "-"],
            input=text,
            capture_output=True,
            text=True,
            cwd=root,
            check=False,
        )
        if result.returncode != 0:
            raise ShipyardError(f"ruff could not tidy {relative}: {result.stderr.strip()}")
        text = result.stdout
    return text
