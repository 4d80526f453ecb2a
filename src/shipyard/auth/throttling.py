"""Password forms under the login throttle (``shipyard.ratelimit.throttle``).

:func:`throttled_form` counts an attempt at an account's password before a form handler
checks it. A refused attempt gets the form back with an inline message, status 429 and
``Retry-After``; htmx requests swap it in place of the form (``HX-Retarget: this``)
rather than into the flash region where other errors go.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from shipyard.forms import FormResult, form_response
from shipyard.ratelimit import RateLimitExceeded, throttle_attempt

IN_PLACE = {"HX-Retarget": "this", "HX-Reswap": "outerHTML"}


def wait_message(seconds: int) -> str:
    """What a refused visitor reads: how long to wait."""
    unit = "second" if seconds == 1 else "seconds"
    return f"Too many failed attempts for this account: try again in {seconds} {unit}."


async def throttled_form(
    request: Request, form: FormResult[Any], template: str, email: str
) -> Response | None:
    """None when the attempt at ``email``'s password may go ahead, else the 429 form."""
    try:
        await throttle_attempt(request, email)
    except RateLimitExceeded as refused:
        form.add_error(None, wait_message(refused.decision.reset_after))
        headers = {**refused.decision.headers(), **IN_PLACE}
        return form_response(request, template, {}, form, status_code=429, headers=headers)
    return None
