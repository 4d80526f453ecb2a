"""The design page: Shipyard's default stylesheet and feedback defaults, on one page.

``GET /design`` shows the components (buttons, cards, a form with its errors, a table, an
empty state, toasts, a confirmation dialog); ``POST /design/slow`` is a deliberately slow
action (a second and a half), so the busy button and the progress bar can be seen and
tested; ``POST /design/booking`` validates a small form and reports every error at once.
"""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from shipyard.forms import FormResult, form_of, form_response
from shipyard.web import PageRouter, render
from shipyard.web.flash import flash, flash_oob
from shipyard.web.htmx import with_oob

pages = PageRouter(prefix="/design", tags=["design"])

SLOW_SECONDS = 1.5
TEMPLATE = "design.html"


class Booking(BaseModel):
    """A made-up booking form, to show every error at once."""

    name: Annotated[str, Field(min_length=2, max_length=60, title="Name")]
    email: Annotated[
        str, Field(pattern=r"^[^@\s]+@[^@\s]+$", title="Email", description="For the receipt.")
    ]
    nights: Annotated[int, Field(ge=1, le=30, title="Nights", description="1 to 30.")]


BookingDep = Annotated[FormResult[Booking], Depends(form_of(Booking))]


@pages.get("", name="design")
async def design(request: Request) -> Response:
    """Every component of the default design."""
    return render(request, TEMPLATE, {"form": FormResult.blank(Booking)})


@pages.post("/booking", name="design_booking")
async def book(request: Request, form: BookingDep) -> Response:
    """Check the booking: every invalid field reported in one answer (422), or a toast."""
    if not form.is_valid:
        return form_response(request, TEMPLATE, {}, form)
    flash(request, f"Booked {form.data.nights} night(s) for {form.data.name}.", "success")
    response = render(request, TEMPLATE, {"form": FormResult.blank(Booking)}, block="form")
    return with_oob(response, flash_oob(request))


@pages.post("/slow", name="design_slow")
async def slow_action(request: Request) -> Response:
    """Wait a moment, then confirm with a toast; the trigger shows it is busy meanwhile."""
    await asyncio.sleep(SLOW_SECONDS)
    flash(request, "The slow action finished.", "success")
    response = render(request, TEMPLATE, {"done": True}, block="slow_result")
    return with_oob(response, flash_oob(request))
