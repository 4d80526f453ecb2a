"""`shipyard scaffold` and `destroy` on a project: refusals write nothing, dry runs show
diffs, files are never overwritten without --force, and destroy takes everything back."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.cli.support import run_shipyard
from tests.scaffold.support import files, new_project, scaffold
from typer.testing import CliRunner

from shipyard.cli.main import cli


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One fresh project for the tests that leave it as they found it."""
    return new_project(tmp_path_factory.mktemp("cli"))


LONG = "a" * 10_000


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["crud", "Post", "title:strng"], "unknown type 'strng'"),
        (["crud", "post", "title:string"], "use CamelCase"),
        (["crud", "User", "title:string"], "Shipyard already uses it"),
        (["crud", "Post"], "needs at least one field"),
        (["crud", "Post", "author:references:Writer"], "models you can reference: User"),
        (["crud", "Post", "title:string", "title:text"], "'title' is given twice"),
        (["api", "Post", "for:string"], "is a Python keyword"),
        (["api", "Post", "metadata:string"], "is reserved"),
        (["job", "SendDigest", "when:date"], "jobs take plain JSON values"),
        # Hostile input: refused briefly (a long name is quoted cut short), no traceback.
        (["crud", "Post", f"{LONG}:string"], "is 10000 characters long"),
        (["crud", "A" * 10_000, "title:string"], "is 10000 characters long"),
        (["crud", "Post", "class:string"], "'class' is a Python keyword"),
        (["crud", "Post", "select:integer"], "'select' is a reserved word of SQL"),
        (["crud", "Post", "order:string", "--plural", "orders"], "reserved word of SQL"),
        (["crud", "Post", "title:string", "--plural", "user"], "'user' is a reserved word"),
        (["crud", "Post", "naïve:string"], "is not snake_case (ASCII letters"),
        (["crud", "Pöst", "title:string"], "use CamelCase ASCII letters"),
        (["crud", "Post", "title:string:²"], "length '²' is not a whole number"),
        (["crud", "Post", f"title:string:{'9' * 5000}"], "is not a whole number"),
        (["crud", "Post", f"count:integer:default={'9' * 5000}"], "not a whole number in"),
        (["crud", "Post", "ratio:float:default=1e999"], "is not a finite number"),
        (["crud", "Post", "price:decimal:default=NaN"], "is not a finite number"),
        (["crud", "Post", "title:string", "--plural", "a" * 64], "is 64 characters long"),
        (["job", "Send" + "a" * 10_000], "is 10004 characters long"),
        (["page", "Ab\u00fcout"], "use CamelCase"),
    ],
)
def test_mistakes_are_refused_and_nothing_is_written(
    project: Path, args: list[str], message: str
) -> None:
    before = files(project)

    result = CliRunner().invoke(cli, ["scaffold", *args, "--directory", str(project)])

    assert result.exit_code == 1
    output = " ".join(result.output.split())
    assert message in output
    assert "Traceback" not in output
    assert len(output) < 1000
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert files(project) == before


def test_outside_a_project_says_where_to_run_it(tmp_path: Path) -> None:
    args = ["scaffold", "crud", "Post", "title:string", "--directory", str(tmp_path)]

    result = CliRunner().invoke(cli, args)

    assert result.exit_code == 1
    assert "does not look like a Shipyard project" in " ".join(result.output.split())


def test_dry_run_lists_the_files_and_diffs_the_edits(project: Path) -> None:
    before = files(project)

    args = ["scaffold", "crud", "Post", "title:string", "--dry-run", "--directory", str(project)]

    result = CliRunner().invoke(cli, args, terminal_width=200)

    assert result.exit_code == 0, result.output
    assert "create app/posts/pages.py" in result.output
    assert "+from app.posts import pages as posts_pages" in result.output
    assert "+    app.include_router(posts_pages.pages)" in result.output
    assert "+    <a href=\"{{ url_for('posts') }}\">Posts</a>" in result.output
    assert files(project) == before


@pytest.mark.parametrize("group", ["scaffold", "destroy"])
@pytest.mark.parametrize("command", ["crud", "api", "model", "job", "page"])
def test_help_documents_every_command_with_an_example(group: str, command: str) -> None:
    result = CliRunner().invoke(cli, [group, command, "--help"], terminal_width=200)

    assert result.exit_code == 0
    assert f"Example: shipyard {group} {command}" in result.output
    assert "--directory" in result.output


def test_never_overwrites_without_force_and_destroy_restores(tmp_path: Path) -> None:
    root = new_project(tmp_path)
    pristine = files(root)
    scaffold(root, "crud", "Note", "body:text", "--no-migration")
    edited = root / "app" / "notes" / "models.py"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nEXTRA = 1\n", encoding="utf-8")
    after_first = files(root)

    refused = run_shipyard("scaffold", "crud", "Note", "body:text", "--no-migration", cwd=root)
    assert refused.returncode == 1
    assert "app/notes/models.py" in refused.stderr
    assert "--force" in refused.stderr
    assert files(root) == after_first
    again = scaffold(root, "crud", "Note", "body:text", "--no-migration", "--force")
    assert "force  app/notes/models.py" in again.stdout
    assert files(root)["app/routes.py"] == after_first["app/routes.py"]

    result = run_shipyard("destroy", "crud", "Note", "body:text", cwd=root)

    assert result.returncode == 0, result.stderr
    left = files(root)
    created_for_tests = {"tests/__init__.py", "tests/scenario.py"}
    assert {path: text for path, text in left.items() if path not in created_for_tests} == pristine
