"""The showcase's /design page: every error of a form in one answer, the slow action."""

from __future__ import annotations

import re

from httpx import AsyncClient

TOKEN_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
HTMX = {"HX-Request": "true"}


async def _token(client: AsyncClient) -> str:
    match = TOKEN_FIELD.search((await client.get("/design")).text)
    assert match is not None, "the design page's form carries no CSRF field"
    return match.group(1)


async def test_a_booking_reports_every_invalid_field_at_once(member: AsyncClient) -> None:
    token = await _token(member)
    data = {"csrf_token": token, "name": "x", "email": "nowhere", "nights": "99"}
    response = await member.post("/design/booking", data=data, headers=HTMX)
    assert response.status_code == 422
    for field in ("name", "email", "nights"):
        assert f'id="field-{field}-error"' in response.text
    assert "<html" not in response.text  # only the form, for the htmx swap


async def test_a_valid_booking_is_confirmed_with_a_toast(member: AsyncClient) -> None:
    token = await _token(member)
    data = {"csrf_token": token, "name": "Ada", "email": "ada@example.test", "nights": "3"}
    response = await member.post("/design/booking", data=data, headers=HTMX)
    assert response.status_code == 200
    assert 'hx-swap-oob="innerHTML:#flash-messages"' in response.text
    assert "Booked 3 night(s) for Ada." in response.text


async def test_the_slow_action_answers_its_fragment_and_a_toast(member: AsyncClient) -> None:
    token = await _token(member)
    response = await member.post("/design/slow", headers={**HTMX, "X-CSRF-Token": token})
    assert response.status_code == 200
    assert '<p id="slow-result" class="hint" aria-live="polite">Done.</p>' in response.text
    assert "The slow action finished." in response.text
