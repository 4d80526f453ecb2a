"""``shipyard realtime``: publish an event from the command line.

``shipyard realtime publish topic:fleet "<li>Nautilus</li>" --event ship-added`` connects
to the broker ``realtime.backend`` names (Redis or PostgreSQL) and publishes once: every
server process of the app hands the event to its subscribers. The memory broker only
reaches its own process, so it is refused with a hint.
"""

from __future__ import annotations

from typing import Annotated

import asyncpg
import typer
from redis.exceptions import RedisError
from rich.console import Console
from rich.markup import escape

from shipyard.cli.errors import fail, handle_errors
from shipyard.cli.options import AppOption, ProfileOption
from shipyard.core.discovery import load_app
from shipyard.db.migrations import run_coroutine
from shipyard.realtime.channels import InvalidChannel, check_channel
from shipyard.realtime.events import Event
from shipyard.realtime.extension import make_broker

app = typer.Typer(
    name="realtime",
    help="Realtime events.\n\nExample: shipyard realtime publish topic:fleet 'Nautilus docked'",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
console = Console(highlight=False, stderr=True)


@app.command("publish")
@handle_errors
def publish(
    channel: Annotated[str, typer.Argument(help="The channel, e.g. topic:fleet or user:42.")],
    data: Annotated[str, typer.Argument(help="The event's data (text, HTML or JSON).")],
    event: Annotated[
        str, typer.Option("--event", help="The event's name (SSE 'event:').")
    ] = "message",
    app_spec: AppOption = None,
    profile: ProfileOption = None,
) -> None:
    """Publish one event to every server process of the app (Redis or PostgreSQL broker).

    Example: shipyard realtime publish topic:fleet '<li>Nautilus</li>' --event ship-added
    """
    try:
        check_channel(channel)
    except InvalidChannel as error:
        raise fail(error) from error
    if not event or any(char in event for char in "\r\n"):
        raise fail("--event must be one line of text")
    application = load_app(app_spec, profile=profile)
    if application.settings.realtime.backend == "memory":
        raise fail(
            "realtime.backend is memory: an event published here reaches no server process "
            "(set realtime.backend = redis or postgres)"
        )
    broker = make_broker(application.settings)

    async def send() -> str:
        try:
            return (await broker.publish(channel, Event(data, event))).id
        finally:
            await broker.close()

    backend = application.settings.realtime.backend
    try:
        event_id = run_coroutine(send)
    except (OSError, TimeoutError, RedisError, asyncpg.PostgresError) as error:
        raise fail(f"could not publish through the {backend} broker: {error}") from error
    console.print(f"published {escape(event)} on {escape(channel)} (id {event_id})")
