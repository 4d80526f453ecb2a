"""The realtime routes: an event stream of authorized channels, and the WebSocket.

``GET <prefix>/events?channel=topic:fleet&channel=user:42`` streams those channels
(htmx: ``<div hx-ext="sse" sse-connect="/realtime/events?channel=topic:fleet">``),
resuming after ``Last-Event-ID``; a malformed channel or id is a 400 problem, a channel
the caller may not subscribe to a 401/403 problem, before the stream starts.
``<prefix>/ws`` is the WebSocket of :mod:`shipyard.realtime.websocket`, and
``POST <prefix>/ticket`` gives a signed-in caller a single-use ticket to open it
(:mod:`shipyard.realtime.tickets`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from shipyard.auth.deps import CurrentIdentity
from shipyard.core.problems import HTTPProblem
from shipyard.realtime.access import authorize, valid_channels
from shipyard.realtime.hub import get_realtime
from shipyard.realtime.sse import EventStream, InvalidLastEventId, last_event_id
from shipyard.realtime.tickets import TICKET_SECONDS, issue_ticket
from shipyard.realtime.websocket import realtime_websocket


def realtime_router() -> APIRouter:
    """The event-stream route and the WebSocket route."""
    router = APIRouter(tags=["realtime"])

    @router.get(
        "/events",
        name="realtime_events",
        response_class=EventStream,
        summary="Stream the events of some channels (Server-Sent Events)",
    )
    async def events(
        request: Request, channel: Annotated[list[str] | None, Query()] = None
    ) -> EventStream:
        channels = valid_channels(channel or [])
        try:
            resume = last_event_id(request)
        except InvalidLastEventId as error:
            raise HTTPProblem(400, detail=error.message) from error
        await authorize(request, channels)
        return get_realtime(request.app).stream(*channels, last_event_id=resume)

    @router.post(
        "/ticket",
        name="realtime_ticket",
        summary="A single-use ticket to open the WebSocket (for clients signed in by token)",
    )
    async def ticket(request: Request, identity: CurrentIdentity) -> JSONResponse:
        body = {"ticket": issue_ticket(request.app, identity), "expires_in": TICKET_SECONDS}
        return JSONResponse(body, headers={"Cache-Control": "no-store"})

    router.add_api_websocket_route("/ws", realtime_websocket, name="realtime_ws")
    return router
