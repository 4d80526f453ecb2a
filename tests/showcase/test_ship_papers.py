"""A ship's papers in the showcase: direct uploads to the local store, confirmed and
attached by ``POST /ships/{id}/papers``, refused inline when the bytes are not papers."""

from __future__ import annotations

import base64
import hashlib

from httpx import AsyncClient

from .test_ships_pages import HTMX, _add, _ship_ids, _token

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


async def _send(client: AsyncClient, token: str, name: str, data: bytes, kind: str) -> str:
    """Declare and send ``data`` as the drop zone does; its signed id."""
    checksum = base64.b64encode(hashlib.sha256(data).digest()).decode()
    declared = await client.post(
        "/uploads/direct",
        json={"filename": name, "byte_size": len(data), "checksum": checksum, "content_type": kind},
        headers={"X-CSRF-Token": token},
    )
    assert declared.status_code == 201, declared.text
    target = declared.json()
    sent = await client.put(
        target["url"], content=data, headers={**target["headers"], "X-CSRF-Token": token}
    )
    assert sent.status_code == 201, sent.text
    signed_id: str = target["signed_id"]
    return signed_id


async def _ship(skipper: AsyncClient, name: str) -> tuple[int, str]:
    assert (await _add(skipper, name)).status_code == 200
    return (await _ship_ids(skipper))[name], await _token(skipper)


async def test_papers_sent_to_the_store_are_attached_once_confirmed(
    skipper: AsyncClient,
) -> None:
    ship_id, token = await _ship(skipper, "Endurance")
    page = (await skipper.get(f"/ships/{ship_id}")).text
    assert 'data-direct="/uploads/direct"' in page
    assert "No papers yet." in page
    signed_id = await _send(skipper, token, "register.pdf", PDF, "application/pdf")
    response = await skipper.post(
        f"/ships/{ship_id}/papers",
        data={"csrf_token": token, "papers": signed_id},
        headers=HTMX,
    )
    assert response.status_code == 200, response.text
    assert "register.pdf" in response.text
    assert "application/pdf, 48 bytes" in response.text
    again = await skipper.post(
        f"/ships/{ship_id}/papers", data={"csrf_token": token, "papers": signed_id}, headers=HTMX
    )
    assert again.status_code == 422
    assert "not valid" in again.text


async def test_a_program_sent_as_papers_is_refused_inline(skipper: AsyncClient) -> None:
    ship_id, token = await _ship(skipper, "Erebus")
    program = b"MZ" + b"\x00" * 200
    signed_id = await _send(skipper, token, "manifest.pdf", program, "application/pdf")
    response = await skipper.post(
        f"/ships/{ship_id}/papers",
        data={"csrf_token": token, "papers": signed_id},
        headers=HTMX,
    )
    assert response.status_code == 422
    assert "manifest.pdf is application/x-executable" in response.text
    assert "No papers yet." in response.text


async def test_only_who_may_change_the_ship_may_attach_papers(
    skipper: AsyncClient, member: AsyncClient
) -> None:
    ship_id, _ = await _ship(skipper, "Terror")
    assert "papers-form" not in (await member.get(f"/ships/{ship_id}")).text
    token = await _token(member)
    response = await member.post(
        f"/ships/{ship_id}/papers", data={"csrf_token": token}, headers=HTMX
    )
    assert response.status_code in {403, 404}
