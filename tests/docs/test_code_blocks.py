"""The documentation's Python blocks cannot drift: each compiles, and each Shipyard import
in it names something that exists. Blocks of docs/architecture.md and docs/checks.md
also run, whole, as a reader would paste them."""

from __future__ import annotations

import ast
import importlib
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted([*ROOT.joinpath("docs").glob("*.md"), ROOT / "README.md"])
RUNNABLE = {"architecture.md", "checks.md"}
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


@dataclass(frozen=True)
class Block:
    page: Path
    line: int
    source: str

    def __str__(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def blocks() -> list[Block]:
    found = []
    for page in PAGES:
        text = page.read_text()
        for match in _BLOCK.finditer(text):
            line = text.count("\n", 0, match.start()) + 2
            found.append(Block(page, line, match.group(1)))
    return found


ALL = blocks()


@pytest.mark.parametrize("block", ALL, ids=str)
def test_block_compiles_and_its_shipyard_imports_exist(block: Block) -> None:
    try:
        tree = ast.parse(block.source)
    except SyntaxError as error:
        pytest.fail(f"{block}: {error.msg} (block line {error.lineno})")
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("shipyard"):
            module = importlib.import_module(node.module or "")
            missing = [a.name for a in node.names if not hasattr(module, a.name)]
            try_submodules = [
                name for name in missing if importlib.util.find_spec(f"{node.module}.{name}")
            ]
            assert not set(missing) - set(try_submodules), (
                f"{block}: {node.module} has no {sorted(set(missing) - set(try_submodules))}"
            )
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("shipyard"):
                    importlib.import_module(alias.name)


@pytest.mark.parametrize("block", [b for b in ALL if b.page.name in RUNNABLE], ids=str)
def test_runnable_block_runs(block: Block) -> None:
    exec(compile(block.source, str(block), "exec"), {"__name__": "docs_block"})


def test_the_api_reference_documents_every_root_name() -> None:
    import shipyard

    page = (ROOT / "docs" / "api-reference.md").read_text()
    documented = set(re.findall(r"^::: shipyard\.(\w+)$", page, flags=re.MULTILINE))
    assert documented == set(shipyard.__all__)
