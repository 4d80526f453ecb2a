"""Flash messages: shown once, escaped, and delivered out-of-band on htmx responses."""

from __future__ import annotations

from starlette.testclient import TestClient

from shipyard.web.flash import FlashMessage, render_flash_messages


def test_flash_is_shown_once(client: TestClient) -> None:
    token = client.get("/token").text
    assert client.post("/flash", headers={"X-CSRF-Token": token}).status_code == 200
    assert client.get("/messages").json() == [["success", "Saved <b>ok</b>"]]
    assert client.get("/messages").json() == []


def test_flash_on_htmx_response_is_an_escaped_oob_swap(client: TestClient) -> None:
    token = client.get("/token").text
    response = client.post("/fragment", headers={"X-CSRF-Token": token, "HX-Request": "true"})
    assert response.status_code == 200
    assert response.text.startswith("<tr id='row'></tr>")
    assert '<div hx-swap-oob="innerHTML:#flash-messages">' in response.text
    assert "Row &lt;deleted&gt;" in response.text
    assert "<deleted>" not in response.text
    assert client.get("/messages").json() == []  # already shown by the OOB swap


def test_rendered_messages_escape_level_and_text() -> None:
    markup = render_flash_messages([FlashMessage('x" onclick="y', "<script>")])
    assert "<script>" not in markup
    assert 'onclick="y' not in markup
    assert "flash-x&#34; onclick=&#34;y" in markup
