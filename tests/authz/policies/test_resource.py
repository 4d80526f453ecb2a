"""A policy-guarded Resource over HTTP: scope on every read path, checks on writes, field
rules on responses, sort, filters, ``?fields=`` and bodies (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient
from tests.authz.policies.conftest import ADMIN, ANN, BOB
from tests.authz.test_has_permission import as_


def titles(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["title"] for item in response.json()["items"]]


def test_lists_show_only_the_scope(client: TestClient, rows: dict[str, list[int]]) -> None:
    assert titles(client.get("/api/notes?limit=10&sort=title", headers=as_(ANN))) == [
        "a1",
        "a2",
        "a3",
    ]
    assert titles(client.get("/api/notes?sort=title", headers=as_(BOB))) == ["b1"]
    assert titles(client.get("/api/notes")) == []
    every = titles(client.get("/api/notes?limit=10&sort=title", headers=as_(ADMIN)))
    assert every == ["a1", "a2", "a3", "b1", "e1"]


def test_by_id_outside_the_scope_is_the_same_404_as_missing(
    client: TestClient, rows: dict[str, list[int]]
) -> None:
    theirs = rows["ann"][0]
    missing = client.get("/api/notes/999999", headers=as_(BOB))
    for method in ("GET", "PATCH", "DELETE"):
        body = {"title": "mine now"} if method == "PATCH" else None
        response = client.request(method, f"/api/notes/{theirs}", json=body, headers=as_(BOB))
        assert response.status_code == 404
        assert response.json()["detail"] == f"There is no note {theirs}."
    assert missing.json()["detail"] == "There is no note 999999."
    mine = client.get(f"/api/notes/{theirs}", headers=as_(ANN))
    assert mine.status_code == 200
    assert mine.json()["title"] == "a1"


def test_filters_sorts_and_fields_cannot_reach_other_rows(
    client: TestClient, rows: dict[str, list[int]]
) -> None:
    bob = as_(BOB)
    assert titles(client.get("/api/notes?title__eq=a1", headers=bob)) == []
    assert titles(client.get("/api/notes?title__in=a1,a2,b1", headers=bob)) == ["b1"]
    assert titles(client.get("/api/notes?sort=-title&limit=1", headers=bob)) == ["b1"]
    owner = client.get(f"/api/notes?owner_id__ne={rows['bob'][0]}&fields=title", headers=bob)
    assert [item["title"] for item in owner.json()["items"]] == ["b1"]
    counted = client.get("/api/notes?total=true", headers=bob)
    assert counted.json()["total"] == 1


def test_a_cursor_from_another_users_page_stays_in_the_scope(
    client: TestClient, rows: dict[str, list[int]]
) -> None:
    first = client.get("/api/notes?sort=title&limit=1", headers=as_(ANN))
    cursor = first.json()["next_cursor"]
    assert cursor
    stolen = client.get(f"/api/notes?sort=title&limit=1&cursor={cursor}", headers=as_(BOB))
    assert titles(stolen) == ["b1"]
    back = client.get(f"/api/notes?sort=title&limit=5&cursor={cursor}", headers=as_(ANN))
    assert titles(back) == ["a2", "a3"]


def test_unreadable_fields_are_unknown_to_sort_filter_and_fields(
    client: TestClient, rows: dict[str, list[int]]
) -> None:
    bob = as_(BOB)
    unknown = client.get("/api/notes?sort=nonexistent", headers=bob).json()
    for query, param in (
        ("sort=secret", "sort"),
        ("secret__eq=s-a1", "secret__eq"),
        ("fields=id,secret", "fields"),
    ):
        response = client.get(f"/api/notes?{query}", headers=bob)
        assert response.status_code == 400, query
        body = response.json()
        assert body["type"] == unknown["type"]
        (error,) = body["errors"]
        assert error["field"] == param
        assert "secret" in error["msg"]
        assert "secret" not in error.get("allowed", [])
    assert client.get("/api/notes?sort=secret", headers=as_(ADMIN)).status_code == 200


def test_responses_leave_out_unreadable_fields(
    client: TestClient, rows: dict[str, list[int]]
) -> None:
    ann = as_(ANN)
    listed = client.get("/api/notes?sort=title", headers=ann).json()["items"]
    assert listed[0] == {"id": rows["ann"][0], "title": "a1", "owner_id": listed[0]["owner_id"]}
    # the default sort is on the unreadable secret: it falls back to the id for Ann
    assert titles(client.get("/api/notes?limit=5", headers=ann)) == ["a1", "a2", "a3"]
    one = client.get(f"/api/notes/{rows['ann'][0]}", headers=ann).json()
    assert "secret" not in one
    full = client.get(f"/api/notes/{rows['ann'][0]}", headers=as_(ADMIN)).json()
    assert full["secret"] == "s-a1"
    fields = client.get("/api/notes?fields=secret&limit=1", headers=as_(ADMIN)).json()
    assert fields["items"] == [{"secret": "s-a1"}]


def test_writes_check_the_policy_and_writable_fields(
    client: TestClient, rows: dict[str, list[int]], people: dict[str, int]
) -> None:
    ann = as_(ANN)
    created = client.post("/api/notes", json={"title": "new"}, headers=ann)
    assert created.status_code == 201, created.text
    assert created.json()["owner_id"] == people[ANN]
    assert "secret" not in created.json()
    assert created.headers["location"] == f"/api/notes/{created.json()['id']}"
    stolen = client.post("/api/notes", json={"title": "x", "owner_id": people[BOB]}, headers=ann)
    assert stolen.status_code == 422
    assert stolen.json()["errors"][0]["loc"] == ["body", "owner_id"]
    moved = client.patch(
        f"/api/notes/{rows['ann'][0]}", json={"owner_id": people[BOB]}, headers=ann
    )
    assert moved.status_code == 422
    assert "owner_id" in moved.json()["detail"]
    renamed = client.patch(f"/api/notes/{rows['ann'][0]}", json={"title": "A1"}, headers=ann)
    assert renamed.status_code == 200
    assert renamed.json()["title"] == "A1"
    assert client.post("/api/notes", json={"title": "anon"}).status_code == 401
    assert client.delete(f"/api/notes/{rows['ann'][1]}", headers=ann).status_code == 204
    handed = client.patch(
        f"/api/notes/{rows['ann'][2]}", json={"owner_id": people[BOB]}, headers=as_(ADMIN)
    )
    assert handed.status_code == 200
    assert titles(client.get("/api/notes?sort=title", headers=as_(BOB))) == ["a3", "b1"]


def test_token_scopes_limit_the_resource(client: TestClient, rows: dict[str, list[int]]) -> None:
    reader = as_(ANN, "jwt", "policy_notes:read")
    assert titles(client.get("/api/notes?sort=title&limit=9", headers=reader)) == ["a1", "a2", "a3"]
    refused = client.patch(f"/api/notes/{rows['ann'][0]}", json={"title": "z"}, headers=reader)
    assert refused.status_code == 404
    other = as_(ANN, "api_key", "policy_boards:read")
    assert titles(client.get("/api/notes", headers=other)) == []
