"""Generated code meets the bar: in a project made by `shipyard new`, every field type and
modifier (image and file fields too), and resources that reference each other, pass ruff,
mypy --strict and their own tests (SQLite; PostgreSQL for the project with every type).

Slow (each module generates one project, shared by its tests); ``xdist_group`` keeps a
module's tests on one worker under ``pytest -n 2 --dist loadgroup``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from tests.cli.support import run_shipyard
from tests.scaffold.support import check_quality, files, new_project, run_in, scaffold

pytestmark = pytest.mark.slow

EVERY_TYPE = [
    "name:string:80:unique:indexed",
    "notes:text:optional",
    "count:integer:default=3",
    "big:bigint:optional",
    "active:boolean:default=true",
    "ratio:float",
    "weight:double:optional",
    "price:decimal:8:2",
    "released:date:optional",
    "seen_at:datetime:optional",
    "stamped:timestamp",
    "starts:time:optional",
    "meta:json:optional",
    "token:uuid:unique",
    "contact:email:optional",
    "homepage:url:optional",
    "status:enum:draft,published,archived:default=draft",
    "tags:array:string",
    "scores:array:integer:optional",
    "owner:references:User:optional",
    "maker:references:User:on_delete=restrict",
    "avatar:image",
    "manual:file",
]


@pytest.fixture(scope="module")
def every_type(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with accounts and a crud resource using every type and modifier."""
    root = new_project(tmp_path_factory.mktemp("every-type"), accounts=True)
    scaffold(root, "crud", "Gadget", *EVERY_TYPE)
    scaffold(root, "api", "Product", "name:string", "price:decimal:10:2")
    scaffold(root, "model", "Tag", "label:string:40:unique")
    scaffold(root, "job", "SendDigest", "user_id:integer", "subject:string:optional")
    scaffold(root, "page", "About")
    return root


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project without accounts: Author, then Book -> Author, then Review -> Book."""
    root = new_project(tmp_path_factory.mktemp("library"))
    scaffold(root, "crud", "Author", "name:string")
    scaffold(root, "crud", "Book", "title:string", "author:references:Author", "cover:image")
    scaffold(root, "crud", "Review", "book:references:Book", "rating:integer")
    return root


@pytest.mark.xdist_group("scaffold-every-type")
def test_every_type_passes_ruff_and_mypy_strict(every_type: Path, tmp_path: Path) -> None:
    check_quality(every_type, tmp_path)


@pytest.mark.xdist_group("scaffold-every-type")
def test_every_type_passes_its_tests_on_sqlite(every_type: Path) -> None:
    output = run_in(every_type, "pytest", "-q", "-p", "no:cacheprovider")

    assert " passed" in output
    assert "skipped" not in output


@pytest.mark.postgres
@pytest.mark.xdist_group("scaffold-every-type")
def test_every_type_passes_its_tests_on_postgresql(
    every_type: Path, postgres_databases: Callable[[], str]
) -> None:
    url = postgres_databases()

    output = run_in(
        every_type, "pytest", "-q", "-p", "no:cacheprovider", env={"SHIPYARD_DATABASE__URL": url}
    )

    assert " passed" in output


@pytest.mark.xdist_group("scaffold-library")
def test_resources_that_reference_each_other_pass_everything(library: Path, tmp_path: Path) -> None:
    check_quality(library, tmp_path)
    output = run_in(library, "pytest", "-q", "-p", "no:cacheprovider")
    assert " passed" in output
    scenario = (library / "tests" / "scenario.py").read_text(encoding="utf-8")
    assert all(f"def with_{name}(" in scenario for name in ("authors", "books", "reviews"))
    assert "test_adds_a_book_with_its_files PASSED" in run_in(
        library, "pytest", "-v", "-p", "no:cacheprovider", "tests/books", "-k", "files"
    )
    main = (library / "app" / "main.py").read_text(encoding="utf-8")
    assert "StorageExtension()" in main
    assert "AttachmentsExtension()" in main
    assert "ImagesExtension()" in main  # the cover's thumbnails
    books = (library / "app" / "books" / "models.py").read_text(encoding="utf-8")
    assert 'cover = Attachment(variants={"thumb": THUMB})' in books


@pytest.mark.xdist_group("scaffold-library")
def test_destroy_refuses_a_model_still_referenced_then_takes_all_back(library: Path) -> None:
    refused = run_shipyard("destroy", "crud", "Author", "name:string", cwd=library)
    assert refused.returncode == 1
    assert "references Author" in refused.stderr
    before = files(library)

    for args in (
        ["Review", "book:references:Book", "rating:integer"],
        ["Book", "title:string", "author:references:Author", "cover:image"],
        ["Author", "name:string"],
    ):
        result = run_shipyard("destroy", "crud", *args, cwd=library)
        assert result.returncode == 0, result.stderr

    left = files(library)
    assert not [path for path in left if "author" in path or "book" in path or "review" in path]
    assert "include_router(authors" not in left["app/routes.py"]
    assert "url_for('books')" not in left["app/templates/layouts/app.html"]
    assert set(before) > set(left)
