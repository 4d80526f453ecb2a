"""The FastAPI dependency that turns a request into a :class:`FormResult` of a model.

``Annotated[FormResult[PostForm], Depends(form_of(PostForm))]`` reads the form (see
:mod:`shipyard.forms.parsing`), validates it with the model, and closes uploaded files
once the response has been sent. A validation failure is not an exception: the handler
gets a result whose ``is_valid`` is false and re-renders the form.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

from starlette.requests import Request

from shipyard.forms.fields import describe
from shipyard.forms.parsing import FormLimits, collect, read_form
from shipyard.forms.result import FormResult, ModelT


def form_of(
    model: type[ModelT], *, strip: bool = True, limits: FormLimits | None = None
) -> Callable[[Request], AsyncIterator[FormResult[ModelT]]]:
    """A dependency parsing the submitted form into ``model``.

    ``strip`` trims surrounding whitespace from text values (never from secret fields;
    ``Widget(strip=False)`` opts one field out). ``limits`` bounds the body size, field
    size and counts.
    """
    specs = describe(model, strip=strip)
    bounds = limits or FormLimits()

    async def parse_form(request: Request) -> AsyncIterator[FormResult[ModelT]]:
        form = await read_form(request, bounds)
        try:
            payload, values = collect(form, specs)
            yield FormResult.validate(model, payload, values, strip=strip)
        finally:
            await form.close()

    parse_form.__name__ = f"{model.__name__}_form"
    return parse_form
