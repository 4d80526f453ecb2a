"""The FastAPI dependency that turns a request into a :class:`FormResult` of a model.

``Annotated[FormResult[PostForm], Depends(form_of(PostForm))]`` reads the form (see
:mod:`shipyard.forms.parsing`), validates it with the model, and closes uploaded files
once the response has been sent. A validation failure is not an exception: the handler
gets a result whose ``is_valid`` is false and re-renders the form. ``writable=`` is a
dependency naming the fields the user may set (``EditableFields(Post)`` from
``shipyard.authz`` asks the policy); the others are locked (see :class:`FormResult`).
"""

from __future__ import annotations

import typing
from collections.abc import AsyncIterator, Callable, Collection
from typing import Any

from fastapi import Depends
from starlette.datastructures import FormData
from starlette.requests import Request

from shipyard.forms.fields import describe
from shipyard.forms.parsing import FormLimits, collect, read_form
from shipyard.forms.result import FormResult, ModelT
from shipyard.uploads.dependency import Upload
from shipyard.uploads.errors import UploadRefused
from shipyard.uploads.files import UploadedFile


def form_of(
    model: type[ModelT],
    *,
    strip: bool = True,
    limits: FormLimits | None = None,
    uploads: Upload | None = None,
    writable: Callable[..., Any] | None = None,
) -> Callable[..., AsyncIterator[FormResult[ModelT]]]:
    """A dependency parsing the submitted form into ``model``.

    ``strip`` trims surrounding whitespace from text values (never from secret fields;
    ``Widget(strip=False)`` opts one field out). ``limits`` bounds the body size, field
    size and counts. A model with :class:`~shipyard.uploads.UploadedFile` fields reads
    multipart bodies through ``uploads`` (default ``Upload()``: the ``uploads`` settings):
    streamed to disk, checked and scanned; a refused file is an error on its field (422).
    ``writable`` is a dependency answering the field names the user may set (None: all).
    """
    specs = describe(model, strip=strip)
    bounds = limits or FormLimits()
    if uploads is None and any(
        _mentions(info.annotation, UploadedFile) for info in model.model_fields.values()
    ):
        uploads = Upload()

    async def parse_form(
        request: Request, allowed: Collection[str] | None = Depends(writable or _every_field)
    ) -> AsyncIterator[FormResult[ModelT]]:
        if uploads is not None and _is_multipart(request):
            try:
                form: FormData = (await uploads.receive(request)).form
            except UploadRefused as refused:
                if refused.field is None:
                    raise
                result = FormResult(model, strip=strip, writable=allowed)
                result.add_error(refused.field, str(refused.detail))
                yield result
                return
        else:
            form = await read_form(request, bounds)
        try:
            payload, values = collect(form, specs)
            yield FormResult.validate(model, payload, values, strip=strip, writable=allowed)
        finally:
            await form.close()

    parse_form.__name__ = f"{model.__name__}_form"
    return parse_form


def _every_field() -> None:
    """The ``writable`` of a form without one: every field."""


def _is_multipart(request: Request) -> bool:
    content_type = request.headers.get("content-type", "")
    return content_type.partition(";")[0].strip().lower() == "multipart/form-data"


def _mentions(annotation: object, kind: type) -> bool:
    """Whether ``annotation`` is ``kind`` or has it inside (``list[kind] | None``...)."""
    if annotation is kind:
        return True
    return any(_mentions(argument, kind) for argument in typing.get_args(annotation))
