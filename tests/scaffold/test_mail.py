"""`shipyard scaffold mail`: the class, its template (MJML or Jinja2 HTML), a preview and
a test, in a project made by `shipyard new`; the generated code passes ruff, mypy
--strict and its own tests, and the previewer lists the mails."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tests.cli.support import run_shipyard
from tests.scaffold.support import check_quality, new_project, run_in, scaffold

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = new_project(tmp_path_factory.mktemp("mail"))
    scaffold(root, "mail", "Welcome")
    scaffold(root, "mail", "OrderShipped", "--jinja")
    return root


@pytest.mark.xdist_group("scaffold-mail")
def test_the_files_are_written_and_wired(project: Path) -> None:
    mails = (project / "app/mails.py").read_text()
    assert "class WelcomeMail(Mail):" in mails
    assert "class OrderShippedMail(Mail):" in mails
    assert 'template = "mail/welcome"' in mails
    assert "def preview(cls)" in mails
    mjml = (project / "app/templates/mail/welcome.mjml").read_text()
    assert '{% extends "mail/layout.mjml" %}' in mjml
    assert "<mj-section" in mjml
    html = (project / "app/templates/mail/order_shipped.html").read_text()
    assert '{% extends "mail/layout.html" %}' in html
    assert not (project / "app/templates/mail/order_shipped.mjml").exists()
    assert (project / "tests/test_welcome_mail.py").is_file()
    assert (project / "tests/test_order_shipped_mail.py").is_file()
    main = (project / "app/main.py").read_text()
    assert len(re.findall(r"^\s*mails,$|import mails\b", main, re.MULTILINE)) == 1


@pytest.mark.xdist_group("scaffold-mail")
def test_scaffolding_the_same_mail_again_changes_nothing(project: Path) -> None:
    before = (project / "app/mails.py").read_text()
    scaffold(project, "mail", "Welcome")
    assert (project / "app/mails.py").read_text() == before


@pytest.mark.xdist_group("scaffold-mail")
def test_the_generated_code_passes_ruff_mypy_and_its_tests(project: Path, tmp_path: Path) -> None:
    check_quality(project, tmp_path)
    output = run_in(project, "pytest", "-q", "-p", "no:cacheprovider", "-k", "mail")
    assert "4 passed" in output


def test_outside_a_project_it_names_the_fix(tmp_path: Path) -> None:
    result = run_shipyard("scaffold", "mail", "Welcome", cwd=tmp_path)
    assert result.returncode != 0
    assert "shipyard new" in result.stdout + result.stderr
