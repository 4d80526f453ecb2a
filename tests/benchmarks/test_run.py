"""The runner's case selection, server flags and its one-line errors (nothing is timed)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from benchmarks.apps import FACTORIES

from benchmarks import run


def test_groups_expand_and_names_select() -> None:
    cases = run.all_cases("granian", 1)
    frameworks = run.select(cases, "frameworks")
    assert {case.framework for case in frameworks} == set(FACTORIES)
    assert {case.server for case in frameworks} == {"granian"}
    picked = run.select(cases, "fastapi, uvicorn-w2")
    assert [(case.name, case.workers) for case in picked] == [("fastapi", 1), ("uvicorn-w2", 2)]


def test_policy_pairs_are_groups_of_their_own() -> None:
    cases = run.all_cases("uvicorn", 1)
    assert [case.name for case in run.select(cases, "policies")] == [
        "policy-view",
        "policy-view-authorize",
    ]
    assert [case.framework for case in run.select(cases, "scopes")] == ["list", "list_scoped"]
    assert {case.module for case in run.select(cases, "policies,scopes")} == {"benchmarks.policies"}


@pytest.mark.parametrize("wanted", ["nope", "fastapi,nope", " , "])
def test_unknown_or_empty_case_is_an_error(wanted: str) -> None:
    with pytest.raises(run.BenchmarkError, match="--cases"):
        run.select(run.all_cases("uvicorn", 1), wanted)


def test_both_servers_get_the_same_settings() -> None:
    case = run.Case("servers", "x", "shipyard", "uvicorn", 2)
    uvicorn = run.server_command(case, 9000)
    granian = run.server_command(run.Case("servers", "x", "shipyard", "granian", 2), 9000)
    for flag in ("--factory", "--no-access-log", "uvloop", "benchmarks.apps:shipyard_app"):
        assert flag in uvicorn
        assert flag in granian
    assert uvicorn[uvicorn.index("--workers") + 1] == granian[granian.index("--workers") + 1] == "2"


def test_missing_wrk_is_one_line_naming_the_package(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert run.main(["--cases", "fastapi"]) == 1
    err = capsys.readouterr().err
    assert err.strip().count("\n") == 0
    assert "apt-get install wrk" in err


def test_pinning_can_be_turned_off() -> None:
    pinning = run.Pinning.detect(enabled=False)
    assert pinning.server == pinning.wrk == []
    assert "--no-pin" in pinning.description


def test_pages_group_serves_the_page_factories() -> None:
    picked = run.select(run.all_cases("uvicorn", 1), "pages")
    assert [case.name for case in picked] == [
        "page-fastapi",
        "page-shipyard",
        "page-shipyard-redis",
        "page-django",
        "page-django-gunicorn",
    ]
    assert run.GROUPS["pages"][1] in {case.name for case in picked}
    command = run.server_command(picked[-2], 9000)
    assert "benchmarks.pages:django_app" in command
    assert command[command.index("--workers") + 1] == "1"


@pytest.mark.parametrize(("cpus", "workers"), [(1, 3), (2, 5), (4, 9)])
def test_django_under_gunicorn_gets_the_recommended_sync_workers(cpus: int, workers: int) -> None:
    (case,) = run.select(run.all_cases("uvicorn", cpus), "page-django-gunicorn")
    assert (case.server, case.workers) == ("gunicorn", workers)
    command = run.server_command(case, 9000)
    assert command[1:4] == ["-m", "gunicorn", "benchmarks.django_page:django_wsgi_app()"]
    assert command[command.index("--workers") + 1] == str(workers)
    assert command[command.index("--worker-class") + 1] == "sync"
    assert "--preload" in command  # one database for all workers, so sessions are shared
    assert command[command.index("--bind") + 1] == "127.0.0.1:9000"


def test_the_server_gets_every_cpu_when_not_pinned() -> None:
    assert run.Pinning.detect(enabled=False).server_cpus == len(os.sched_getaffinity(0))


@pytest.mark.parametrize(
    ("argv", "section"),
    [
        (["--cases", "pages"], "pages"),
        (["--cases", "page-django,page-fastapi"], "pages"),
        (["--cases", "pages,fastapi"], "results"),
        ([], "results"),
        (["--cases", "pages", "--section", "custom"], "custom"),
        (["--cases", "cache"], "cache"),
        (["--cases", "cache,fastapi"], "results"),
    ],
)
def test_page_figures_go_to_their_own_region(argv: list[str], section: str) -> None:
    assert run.output_section(run.parse_args(argv)) == section


def test_an_output_without_the_region_is_refused_before_measuring(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "BENCH.md"
    output.write_text("# prose only\n")
    assert run.main(["--cases", "policies", "--output", str(output)]) == 1
    assert "has no 'policies' region" in capsys.readouterr().err
    assert output.read_text() == "# prose only\n"
