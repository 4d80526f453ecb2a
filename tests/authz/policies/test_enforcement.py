"""``Authorize`` on routes (problem JSON, HTML page, htmx fragment, login for anonymous),
``can``/``can_any``/``can_read`` in templates without a query per row, scoped
related-record choices, field rules on forms and ``RequireScopes``."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.testclient import TestClient
from tests.authz.conftest import Run
from tests.authz.policies.conftest import ADMIN, ANN, BOB, EDITOR
from tests.authz.policies.models import PolicyBoard, PolicyTag
from tests.authz.test_has_permission import as_

from shipyard import App
from shipyard.db import count_queries, get_database

HTML = {"Accept": "text/html"}
HTMX = {"HX-Request": "true"}


def test_authorize_hands_over_the_row(client: TestClient, rows: dict[str, list[int]]) -> None:
    page = client.get(f"/notes/{rows['ann'][0]}/page", headers=as_(ANN))
    assert page.status_code == 200
    assert page.text == "<p>a1</p>"
    renamed = client.post(f"/boards/{rows['boards'][0]}/rename", headers=as_(ANN))
    assert renamed.json() == {"renamed": rows["boards"][0]}


def test_hidden_rows_are_404_in_every_representation(
    client: TestClient, rows: dict[str, list[int]]
) -> None:
    url = f"/notes/{rows['ann'][0]}/page"
    api = client.get(url, headers=as_(BOB))
    assert api.status_code == 404
    assert api.headers["content-type"].startswith("application/problem+json")
    assert api.json()["detail"] == f"There is no policynote {rows['ann'][0]}."
    page = client.get(url, headers={**as_(BOB), **HTML})
    assert page.status_code == 404
    assert "<html" in page.text
    fragment = client.get(url, headers={**as_(BOB), **HTMX})
    assert fragment.status_code == 404
    assert "<html" not in fragment.text
    assert client.get("/notes/0/page", headers=as_(BOB)).status_code == 404
    assert client.get("/notes/abc/page", headers=as_(BOB)).status_code == 404
    assert client.get(url).status_code == 404  # anonymous: scope hides it too


def test_denied_actions_answer_403_or_login(client: TestClient, rows: dict[str, list[int]]) -> None:
    url = f"/boards/{rows['boards'][0]}/rename"
    api = client.post(url, headers=as_(BOB))
    assert api.status_code == 403
    assert api.json()["title"] == "Permission denied"
    assert api.json()["action"] == "update"
    page = client.post(url, headers={**as_(BOB), **HTML})
    assert page.status_code == 403
    assert "<html" in page.text
    assert "Permission denied" in page.text
    fragment = client.post(url, headers={**as_(BOB), **HTMX})
    assert fragment.status_code == 403
    assert "<html" not in fragment.text
    client.cookies.clear()  # no session cookie, so no CSRF check: the anonymous case
    assert client.post(url).status_code == 401
    browser = client.post(url, headers=HTML, follow_redirects=False)
    assert browser.status_code == 303
    assert "/login" in browser.headers["location"]


def test_custom_actions_and_roles(client: TestClient, rows: dict[str, list[int]]) -> None:
    ann_note, editor_note = rows["ann"][0], rows["editor"][0]
    assert client.post(f"/notes/{ann_note}/publish", headers=as_(ANN)).status_code == 404
    published = client.post(f"/notes/{editor_note}/publish", headers=as_(EDITOR))
    assert published.json() == {"published": editor_note}


def test_can_in_templates_costs_no_query_per_row(
    client: TestClient, app: App, rows: dict[str, list[int]]
) -> None:
    page = client.get("/boards", headers=as_(ANN))
    assert page.text == "ann-board:True:True;bob-board:False:False;False"
    assert client.get("/boards", headers=as_(EDITOR)).text.endswith(";True")
    assert client.get("/boards").text == "ann-board:False:False;bob-board:False:False;False"
    engine = get_database(app).engine
    with count_queries(engine) as two_boards:
        client.get("/boards", headers=as_(ANN))
    client.portal.call(_add_boards, app)  # type: ignore[union-attr]
    with count_queries(engine) as seven_boards:
        assert client.get("/boards", headers=as_(ANN)).text.count(";") == 7
    assert seven_boards.count == two_boards.count


async def _add_boards(app: App) -> None:
    async with get_database(app).sessionmaker() as session:
        session.add_all(PolicyBoard(name=f"extra-{index}") for index in range(5))
        await session.commit()


def test_related_record_choices_are_scoped(client: TestClient, rows: dict[str, list[int]]) -> None:
    options = client.get("/note-choices", headers=as_(BOB)).json()["options"]
    assert [label for _, label in options] == ["b1"]
    crafted = client.get(f"/note-choices?selected={rows['ann'][0]}", headers=as_(BOB))
    assert [label for _, label in crafted.json()["options"]] == ["b1"]
    assert client.get("/note-choices").json()["options"] == []


def test_choices_of_a_model_without_a_policy_are_all_its_rows_only_when_asked(
    client: TestClient, rows: dict[str, list[int]], run: Run
) -> None:
    run(_add_tags)

    bob = client.get("/unpoliced-choices", headers=as_(BOB)).json()

    assert bob == {"tags": ["blue", "red"], "notes": 1}  # the policed model keeps its scope
    assert client.get("/unpoliced-choices").json() == {"tags": ["blue", "red"], "notes": 0}


async def _add_tags(session: AsyncSession) -> None:
    session.add_all([PolicyTag(label="red"), PolicyTag(label="blue")])
    await session.flush()


def test_forms_ignore_fields_the_user_may_not_write_or_read(
    client: TestClient, rows: dict[str, list[int]]
) -> None:
    hostile = {"title": "mine", "secret": "s", "owner_id": str(rows["bob"][0])}

    ann = client.post("/notes/form", data=hostile, headers=as_(ANN)).json()
    admin = client.post("/notes/form", data=hostile, headers=as_(ADMIN)).json()

    # owner_id: not writable; secret: writable but not readable, so a form cannot show it
    assert ann == {"changes": {"title": "mine"}, "locked": ["owner_id", "secret"]}
    assert admin["changes"]["owner_id"] == rows["bob"][0]
    assert admin["locked"] == []


def test_can_read_in_templates_follows_the_readable_fields(
    client: TestClient, rows: dict[str, list[int]]
) -> None:
    assert client.get(f"/notes/{rows['ann'][0]}/fields", headers=as_(ANN)).text == "False:True"
    note = rows["editor"][0]
    assert client.get(f"/notes/{note}/fields", headers=as_(ADMIN)).text == "True:True"


def test_require_scopes(client: TestClient, rows: dict[str, list[int]]) -> None:
    assert client.get("/scoped-read", headers=as_(ANN)).status_code == 200
    token = client.get("/scoped-read", headers=as_(ANN, "jwt", "policy_notes:read"))
    assert token.status_code == 200
    narrow = client.get("/scoped-read", headers=as_(ANN, "api_key", "policy_boards:read"))
    assert narrow.status_code == 403
    assert narrow.json()["required_scopes"] == ["policy_notes:read"]
    assert 'error="insufficient_scope"' in narrow.headers["www-authenticate"]
    assert client.get("/scoped-read").status_code == 401
