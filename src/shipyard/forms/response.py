"""Re-rendering a form: the page (or, for htmx, only the form block) with its result.

Owns :func:`form_response`, the one call a handler makes when validation failed: the
template gets the :class:`FormResult` (values kept, errors inline) and the response
carries status 422, which the base layout's ``htmx-config`` tells htmx to swap.
Rendering itself (page or fragment, ``Vary: HX-Request``) is :func:`shipyard.web.render`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse

from shipyard.forms.result import FormResult
from shipyard.web.render import render

UNPROCESSABLE = 422


def form_response(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None,
    form: FormResult[Any],
    *,
    block: str = "form",
    form_name: str = "form",
    status_code: int | None = None,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """Render ``template`` with ``form`` as ``form_name``; only ``block`` for htmx swaps.

    The status is 422 for a submitted form that is not valid and 200 otherwise (a blank
    form for GET) unless ``status_code`` says otherwise.
    """
    if status_code is None:
        status_code = UNPROCESSABLE if form.submitted and not form.is_valid else 200
    values = {**(context or {}), form_name: form}
    return render(
        request, template, values, fragment=block, status_code=status_code, headers=headers
    )
